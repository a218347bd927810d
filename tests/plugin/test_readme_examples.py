"""The README's "Use it in your tests" examples, run as users would run them."""

from __future__ import annotations

import re

import pytest

from tests.reference import ROOT

pytestmark = pytest.mark.live


def readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Use it in your tests", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_section_has_examples():
    assert len(readme_examples()) == 3


@pytest.mark.parametrize("index", range(3))
def test_readme_example_passes(pytester: pytest.Pytester, index: int):
    pytester.makepyfile(test_example=readme_examples()[index])
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
