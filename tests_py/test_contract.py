"""The raw data contract is parsed from the sources YAML once per text, and shared safely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from scorehouse import contract
from scorehouse.contract import PROJECT_DIR, accepted_values, load_contract


@pytest.fixture
def project(tmp_path) -> Path:
    """A project folder with a copy of the sources YAML only."""
    for path in (PROJECT_DIR / "models" / "staging").glob("*/_*__sources.yml"):
        copy = tmp_path / path.relative_to(PROJECT_DIR)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, copy)
    return tmp_path


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The YAML texts parsed from now on."""
    parsed: list[str] = []
    parse = yaml.safe_load

    def safe_load(text):
        parsed.append(text)
        return parse(text)

    monkeypatch.setattr(contract.yaml, "safe_load", safe_load)
    return parsed


def test_the_yaml_is_parsed_once_and_each_caller_gets_its_own_dict(project, parses):
    first = load_contract(project)
    files = len(list(project.glob("models/staging/*/_*__sources.yml")))
    assert len(parses) == files > 0
    first.pop("contacts")
    second = load_contract(project)
    assert len(parses) == files  # not parsed again
    assert "contacts" in second and second is not first
    assert second == load_contract(PROJECT_DIR)


EXTRA = """
sources:
  - name: extra
    tables:
      - name: extra_events
        columns:
          - name: kind
            meta: {accepted_values: [a, b]}
"""


def test_a_sources_yaml_added_or_edited_is_read_again(project, parses):
    assert "extra_events" not in load_contract(project)
    path = project / "models" / "staging" / "extra" / "_extra__sources.yml"
    path.parent.mkdir()
    path.write_text(EXTRA)
    assert load_contract(project)["extra_events"].columns[0].accepted_values == ("a", "b")
    parsed = len(parses)
    path.write_text(EXTRA.replace("[a, b]", "[a, c]"))
    assert load_contract(project)["extra_events"].columns[0].accepted_values == ("a", "c")
    assert len(parses) > parsed
    path.unlink()
    assert "extra_events" not in load_contract(project)


def test_accepted_values_are_a_tuple_in_the_yaml_order():
    values = accepted_values("email_events", "event_type")
    assert isinstance(values, tuple) and values[0] == "delivered"
    assert values == next(
        c.accepted_values for c in load_contract()["email_events"].columns if c.name == "event_type"
    )
    with pytest.raises(ValueError, match="no meta.accepted_values for email_events.contact_id"):
        accepted_values("email_events", "contact_id")
