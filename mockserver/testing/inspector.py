"""`GET /__mock/`: a page for people, showing the environments, what each resource holds in
them, and the journal (newest first, contract violations highlighted). It reloads itself every
few seconds."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from mockserver.http.pipeline import current_server

inspector = Blueprint("mockserver_inspector", __name__, template_folder="templates")
REFRESH_SECONDS = 3
JOURNAL_ROWS = 50


@inspector.get("/__mock/")
def page() -> str:
    server = current_server()
    with server.store.lock:
        organizations = [
            {
                "organization": organization,
                "environments": [
                    (
                        environment,
                        [table for r in server.resources for table in r.tables(environment)],
                    )
                    for environment in organization.environments.values()
                ],
            }
            for organization in server.organizations
        ]
    entries = server.journal.entries()[:JOURNAL_ROWS]
    return render_template(
        "inspector.html",
        organizations=organizations,
        entries=entries,
        total=len(server.journal),
        violations=sum(1 for e in server.journal.entries() if e.violations),
        settings=server.settings,
        seed=server.seed,
        title=server.contract.title,
        refresh=REFRESH_SECONDS,
        token=request.args.get("token"),
    )
