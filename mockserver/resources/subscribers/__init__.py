"""Novu's subscribers: the people notifications go to, by the application's own ids."""

from mockserver.resources.subscribers.resource import SubscribersResource

# What the registry reads (resources/registry.py).
RESOURCE = SubscribersResource

__all__ = ["RESOURCE"]
