"""Novu's integrations: configured third-party providers (email, SMS, chat, push, in-app)."""

from mockserver.resources.integrations.resource import IntegrationsResource

# What the registry reads (resources/registry.py).
RESOURCE = IntegrationsResource

__all__ = ["RESOURCE"]
