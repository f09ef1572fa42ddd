"""Pieces every domain uses: schema fields and the generic record routes."""
