"""Bulk import of engineers and challenges from JSON Lines, CSV and XLSX (CONTRACT.md)."""
