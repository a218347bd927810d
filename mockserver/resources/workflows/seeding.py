"""The workflow of a seeded environment: a welcome with an in-app and an email step whose
templates use the subscriber and the payload, named by Faker, the same for the same
(seed, label)."""

from __future__ import annotations

from faker import Faker

from mockserver.novu.auth import Caller
from mockserver.resources.workflows.backend import WorkflowsBackend
from mockserver.state.store import Environment, Organization


def populate_environment(
    backend: WorkflowsBackend,
    organization: Organization,
    environment: Environment,
    *,
    seed: int,
    label: str,
) -> None:
    faker = Faker("en_US")
    faker.seed_instance(f"{seed}:{label}:workflows")
    product = faker.word()
    caller = Caller("Bearer", organization, environment)
    backend.create(
        caller,
        {
            "name": f"Welcome to {product.capitalize()}",
            "workflowId": "welcome",
            "tags": ["onboarding"],
            "steps": [
                {
                    "name": "In-app welcome",
                    "type": "in_app",
                    "controlValues": {
                        "subject": "Welcome, {{ subscriber.firstName }}",
                        "body": f"Your {product} account is ready.",
                    },
                },
                {
                    "name": "Welcome email",
                    "type": "email",
                    "controlValues": {
                        "subject": f"Welcome to {product.capitalize()}, "
                        "{{ subscriber.firstName }}",
                        "body": "<p>Hello {{ subscriber.firstName | default: 'there' }},</p>"
                        f"<p>{faker.sentence()}</p>",
                    },
                },
            ],
        },
    )
