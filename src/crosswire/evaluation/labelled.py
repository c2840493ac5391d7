"""Reading the labelled JSONL files we write by hand (gold sets, exemplars)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from crosswire.errors import InputError

T = TypeVar("T")


def read_labelled(path: Path, parse: Callable[[dict[str, Any], int], T],
                  what: str = "gold record") -> list[T]:
    """``parse(record, line number)`` for every line of a JSONL file; a bad line raises
    ``InputError`` naming the file, the line and the reason; an empty file too."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read {what}s ({exc})") from exc
    items: list[T] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(parse(json.loads(line), n))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{n}: not a {what} ({exc})") from exc
    if not items:
        raise InputError(f"{path}: no {what}s")
    return items
