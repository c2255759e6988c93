"""The kernel every app stands on: it imports Django and Wagtail only, never an app.

Content version and shared caches, page visibility, hook names and their item types, shared
blocks, spreadsheets and downloads, reading uploaded files, one import-refusal error, text
and upload guards (docs/development.md draws the layers).
"""
