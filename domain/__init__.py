"""Shared, pure domain: records, canonical hashing, the hazard lifecycle, who may do what.

Imports neither flet, nor fastapi, nor sqlite: both the device (``app``) and the server
(``sync_server``) build on it.
"""
