"""Helpers shared by the test modules: builders of data sets, form data, readers of pages.

A test module imports its helpers from here (or from tests/factories), never from another
test module.
"""
