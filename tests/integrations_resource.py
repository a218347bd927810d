"""Reaching the integrations resource of a server from tests, typed."""

from __future__ import annotations

from mockserver.contract import Contract
from mockserver.contract.compiled.validators import SchemaValidator
from mockserver.resources.integrations.resource import IntegrationsResource
from mockserver.server import MockServer

# The schema component the bundled structure document describes.
STRUCTURE = "IntegrationResponseDto"


def integrations(server: MockServer) -> IntegrationsResource:
    found = server.resource("integrations")
    assert isinstance(found, IntegrationsResource)
    return found


def structure_validator(contract: Contract) -> SchemaValidator:
    return contract.structures.validator(STRUCTURE)
