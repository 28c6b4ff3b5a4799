"""Flet screens. They render and call app.services; no SQL, no HTTP, no rules here."""
