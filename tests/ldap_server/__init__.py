"""A real OpenLDAP directory (slapd) for the sign-in tests: see fixtures.py, directory.ldif."""
