"""IMPLEMENTATION_COVERAGE.md is generated, and must match a fresh run."""

from __future__ import annotations

from mockserver.cli.coverage import render
from mockserver.contract import default_spec_path, load_contract
from tests.reference import ROOT


def test_coverage_file_is_current():
    fresh = render(default_spec_path(), "specs/novu-integrations.openapi.yaml")
    committed = (ROOT / "IMPLEMENTATION_COVERAGE.md").read_text()
    assert committed == fresh, "IMPLEMENTATION_COVERAGE.md is stale: run `mockserver coverage`"


def test_every_operation_of_the_spec_is_listed_and_implemented():
    rendered = render(default_spec_path(), "spec")
    assert "## Integrations (16/16 implemented)" in rendered
    assert "## Subscribers (20/20 implemented)" in rendered
    assert "## Workflows (14/14 implemented)" in rendered
    # Every operation of the project's spec has a handler: none is listed unticked.
    assert rendered.count("| [x] |") == len(load_contract(default_spec_path()).operations)
    assert "| [ ] |" not in rendered
