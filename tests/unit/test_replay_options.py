"""Record modes and matchers: one table, read the same way by the CLI and the pytest plugin."""

from __future__ import annotations

import pytest

from mockserver.cli.main import main
from mockserver.replay.cassette import Interaction
from mockserver.replay.matching import Matcher, RequestToMatch
from mockserver.replay.options import ATTRIBUTES, MATCHERS, RecordMode, parse_match_on


def test_each_mode_records_and_replays_as_vcr_does() -> None:
    table = {
        mode: (mode.records(has_recordings=False), mode.records(has_recordings=True), mode.replays)
        for mode in RecordMode
    }
    assert table == {
        RecordMode.ONCE: (True, False, True),
        RecordMode.NEW_EPISODES: (True, True, True),
        RecordMode.ALL: (True, True, False),
        RecordMode.NONE: (False, False, True),
    }


def test_an_unknown_mode_or_matcher_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="one of once, new_episodes, all, none"):
        RecordMode.parse("sometimes")
    with pytest.raises(ValueError, match="cannot match on headers: use method,path,query,body"):
        parse_match_on("method, headers")
    assert parse_match_on(" method,path ") == ("method", "path")
    assert tuple(MATCHERS) == ATTRIBUTES


def test_the_matcher_compares_only_what_it_is_told_to() -> None:
    recorded = Interaction(
        method="POST",
        path="/v1/integrations",
        query={},
        request_headers={},
        request_body={"name": "a"},
        status=201,
        response_headers={},
        response_body=None,
    )
    sent = RequestToMatch("POST", "/v1/integrations/", {}, {"name": "b"})
    assert Matcher([recorded], on=("method", "path")).differences(recorded, sent) == []
    assert Matcher([recorded]).differences(recorded, sent) == ["body differs in name"]


def test_the_cli_and_the_plugin_refuse_the_same_mode(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["record", "--upstream", "http://127.0.0.1:9", "--cassette", "x.yaml", "--mode", "x"])
    assert "invalid RecordMode value: 'x'" in capsys.readouterr().err
    pytester.makepyfile(
        """
import pytest

@pytest.mark.novu_cassette("c", mode="sometimes")
def test_it(novu_mock):
    pass
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*unknown record mode 'sometimes': one of once, new_episodes*"])
