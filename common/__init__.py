"""Project-wide helpers that no domain owns; below every app in the layer chain.

Nothing here imports a domain app (the import-linter contract in pyproject.toml
says so): form rendering, the health check, spreadsheet-safe cells, and how
money and dates are written for people.
"""
