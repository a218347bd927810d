"""Novu's subscribers: the people notifications go to, by the application's own ids.

The registry names `resource.py`, whose RESOURCE is the resource class."""
