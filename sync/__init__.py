"""Tournée sync engine: offline edits merged field by field, pulled without gaps (see PROTOCOL.md)."""
