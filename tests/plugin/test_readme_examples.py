"""The README's "Use it in your tests" examples, run as users would run them."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.reference import ROOT

pytestmark = pytest.mark.live


def readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Use it in your tests", 1)[1].split("\n## ", 1)[0]
    section = section.split("\n### ", 1)[0]  # the pytest examples; subsections have their own
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_section_has_examples():
    assert len(readme_examples()) == 4


@pytest.mark.parametrize("index", range(4))
def test_readme_example_passes(pytester: pytest.Pytester, index: int):
    pytester.makepyfile(test_example=readme_examples()[index])
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def section(title: str) -> str:
    text = (ROOT / "README.md").read_text()
    return text.split(f"### {title}", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]


def test_the_in_process_httpx_example_runs(tmp_path):
    (example,) = re.findall(r"```python\n(.*?)```", section("In-process with httpx"), flags=re.S)
    script = tmp_path / "in_process.py"
    script.write_text(example)
    ran = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stdout + ran.stderr


def test_the_threaded_server_example_runs(tmp_path):
    (example,) = re.findall(
        r"```python\n(.*?)```", section("Outside pytest: `ThreadedServer`"), flags=re.S
    )
    script = tmp_path / "threaded.py"
    script.write_text(example)
    ran = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stdout + ran.stderr


def test_the_ci_script_starts_the_mock_waits_until_ready_and_runs_the_suite(tmp_path):
    text = section("Run it in CI")
    (script,) = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    (workflow,) = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    steps = yaml.safe_load(workflow)["jobs"]["test"]["steps"]
    start = next(step["run"] for step in steps if step.get("name") == "Start the Novu mock")
    assert "mockserver serve" in start and "/__mock/ready" in start
    path = tmp_path / "ci.sh"
    path.write_text(script)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "PORT": str(port),
        "TEST_COMMAND": f"{sys.executable} -c print('SUITE-RAN')",
    }
    ran = subprocess.run(
        ["bash", str(path)], capture_output=True, text=True, timeout=120, env=environment
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert '"ready":true' in ran.stdout and "SUITE-RAN" in ran.stdout
