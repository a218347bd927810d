"""IMPLEMENTATION_COVERAGE.md is generated, and must match a fresh run; it says how each
operation of the project's spec and of Novu's published document is served."""

from __future__ import annotations

from mockserver.cli.coverage import render
from mockserver.cli.main import NOVU_LABEL
from mockserver.contract import default_spec_path, load_contract
from tests.reference import ROOT, novu_openapi

PROJECT = (default_spec_path(), "The project's spec, `specs/novu-integrations.openapi.yaml`")


def test_coverage_file_is_current():
    fresh = render([PROJECT, (novu_openapi(), NOVU_LABEL)])
    committed = (ROOT / "IMPLEMENTATION_COVERAGE.md").read_text()
    assert committed == fresh, (
        "IMPLEMENTATION_COVERAGE.md is stale: run `mockserver coverage --novu-api "
        "../shared/reference/novu-openapi.json`"
    )


def test_every_operation_of_the_spec_is_modelled():
    rendered = render([PROJECT])
    assert "## Integrations (16 modelled, 0 inferred, 0 not served)" in rendered
    assert "## Subscribers (20 modelled, 0 inferred, 0 not served)" in rendered
    assert rendered.count("| [x] |") == len(load_contract(default_spec_path()).operations)
    assert "| [~] |" not in rendered and "| [ ] |" not in rendered


def test_novus_document_is_modelled_or_inferred_and_not_served_only_without_inference():
    inferred = render([(novu_openapi(), NOVU_LABEL)])
    assert "149 operations: 51 modelled, 98 inferred, 0 not served." in inferred
    assert "## Layouts (0 modelled, 8 inferred, 0 not served)" in inferred
    plain = render([(novu_openapi(), NOVU_LABEL)], infer=False)
    assert "149 operations: 51 modelled, 0 inferred, 98 not served." in plain
