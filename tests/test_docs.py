"""The docs match the code: every command and option, every setting, the README's promises."""

from __future__ import annotations

import re
from dataclasses import fields

import click
from tests.conftest import ROOT

from crosswire.cli import main
from crosswire.config import Settings

COMMANDS_MD = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
CONFIG_MD = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _walk(group: click.Group, prefix: str = ""):  # type: ignore[no-untyped-def]
    for name, cmd in group.commands.items():
        full = f"{prefix}{name}"
        if isinstance(cmd, click.Group):
            yield from _walk(cmd, full + " ")
        else:
            yield full, cmd


def test_every_command_and_option_is_documented() -> None:
    missing = []
    for name, cmd in _walk(main):
        if not re.search(rf"^## {re.escape(name)}\b", COMMANDS_MD, re.M):
            missing.append(f"command {name}")
        for param in cmd.params:
            if isinstance(param, click.Option):
                for opt in param.opts:
                    if opt.startswith("--") and f"`{opt}" not in COMMANDS_MD:
                        missing.append(f"{name} {opt}")
    for param in main.params:
        opt = param.opts[0]
        if isinstance(param, click.Option) and opt.startswith("--") and f"`{opt}" not in COMMANDS_MD:
            missing.append(f"global {opt}")
    assert not missing, missing


def test_every_setting_is_documented() -> None:
    undocumented = [f.name for f in fields(Settings) if f"`{f.name}`" not in CONFIG_MD]
    assert not undocumented


def test_documented_defaults_match_the_code() -> None:
    s = Settings()
    for f in fields(Settings):
        value = getattr(s, f.name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            row = next(line for line in CONFIG_MD.splitlines() if line.startswith(f"| `{f.name}`"))
            shown = row.split("|")[2].strip().strip("`")
            assert float(shown) == float(value), (f.name, shown, value)


def test_readme_starts_with_the_two_commands() -> None:
    head = README[:400]
    assert "make demo" in head and "make test" in head
