"""Novu's integrations: configured third-party providers (email, SMS, chat, push, in-app).

The registry names `resource.py`, whose RESOURCE is the resource class; this package imports
nothing, so its modules can import each other without going round through it."""
