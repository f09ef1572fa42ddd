"""HTTP face of the sync engine: /api/sync/*."""
