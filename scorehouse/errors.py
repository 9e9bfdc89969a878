"""Errors that the CLI reports as one readable line instead of a stack trace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class ScorehouseError(Exception):
    """Bad input or bad configuration: the message names the file and the problem."""


def read_settings_file(path: Path, what: str) -> Any:
    """A user's YAML settings file (`what` names it in the message, e.g. "mapping file"):
    a missing file or bad YAML is one line that names the file."""
    path = Path(path)
    try:
        return yaml.safe_load(path.read_text())
    except FileNotFoundError as exc:
        raise ScorehouseError(f"{path}: no such {what}") from exc
    except yaml.YAMLError as exc:
        raise ScorehouseError(f"{path}: not valid YAML ({' '.join(str(exc).split())})") from exc
