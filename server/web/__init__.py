"""Serves the PWA (pwa/) at `/`, its precache manifest, and /api/health."""
