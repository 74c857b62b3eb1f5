"""Shared foundation: settings, database sessions, errors, clock."""
