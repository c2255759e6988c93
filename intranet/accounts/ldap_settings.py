"""django-auth-ldap's settings, from the environment (docs/configuration.md, "LDAP")."""

from django.core.exceptions import ImproperlyConfigured


def ldap_settings(env, env_bool):
    """The AUTH_LDAP_* settings for LDAP_SERVER_URI and the other LDAP_* variables."""
    try:
        import ldap
        from django_auth_ldap.config import LDAPSearch
    except ImportError as error:
        raise ImproperlyConfigured(
            f"LDAP_SERVER_URI is set but {error.name or 'django-auth-ldap'} cannot be imported "
            f'({error}): pip install ".[ldap]" installs django-auth-ldap and python-ldap '
            "(it needs libldap2-dev and libsasl2-dev)."
        ) from error

    login_attribute = env("LDAP_LOGIN_ATTRIBUTE", "uid")
    matricule_attribute = env("LDAP_MATRICULE_ATTRIBUTE", "employeeNumber")
    email_attribute = env("LDAP_EMAIL_ATTRIBUTE", "mail")
    timeout = float(env("LDAP_TIMEOUT", "3"))
    options = {
        ldap.OPT_NETWORK_TIMEOUT: timeout,
        ldap.OPT_TIMEOUT: timeout,
        ldap.OPT_REFERRALS: 0,  # Active Directory's referrals would need another bind
        ldap.OPT_X_TLS_REQUIRE_CERT: ldap.OPT_X_TLS_DEMAND,
    }
    if env("LDAP_CA_FILE"):
        options[ldap.OPT_X_TLS_CACERTFILE] = env("LDAP_CA_FILE")
    options[ldap.OPT_X_TLS_NEWCTX] = 0  # last: applies the TLS options above
    values = {
        "AUTH_LDAP_SERVER_URI": env("LDAP_SERVER_URI"),
        "AUTH_LDAP_START_TLS": env_bool("LDAP_START_TLS", False),
        "AUTH_LDAP_BIND_DN": env("LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": env("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_CONNECTION_OPTIONS": options,
        "AUTH_LDAP_NO_NEW_USERS": True,
        "AUTH_LDAP_ALWAYS_UPDATE_USER": False,  # the HR directory, not LDAP, owns the agents
        "AUTH_LDAP_USER_ATTR_MAP": {},
        # Only what matching needs (Active Directory entries also hold photos and groups).
        "AUTH_LDAP_USER_ATTRLIST": [matricule_attribute, email_attribute],
        "LDAP_MATRICULE_ATTRIBUTE": matricule_attribute,
        "LDAP_EMAIL_ATTRIBUTE": email_attribute,
    }
    if env("LDAP_USER_DN_TEMPLATE"):
        values["AUTH_LDAP_USER_DN_TEMPLATE"] = env("LDAP_USER_DN_TEMPLATE")
        # Without a service account, the user's own bind reads their attributes.
        values["AUTH_LDAP_BIND_AS_AUTHENTICATING_USER"] = not values["AUTH_LDAP_BIND_DN"]
    else:
        if not env("LDAP_USER_SEARCH_BASE"):
            raise ImproperlyConfigured(
                "LDAP_SERVER_URI needs LDAP_USER_SEARCH_BASE (search, then bind) "
                "or LDAP_USER_DN_TEMPLATE (bind with the user's DN)."
            )
        values["AUTH_LDAP_USER_SEARCH"] = LDAPSearch(
            env("LDAP_USER_SEARCH_BASE"),
            ldap.SCOPE_SUBTREE,
            env("LDAP_USER_FILTER", f"({login_attribute}=%(user)s)"),
        )
    return values
