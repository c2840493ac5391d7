"""Shared fixtures: a fresh database per test, one vector cache for the whole suite."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
DEMO = ROOT / "src" / "crosswire" / "data" / "demo" / "articles.jsonl"
SEEDS = Path(os.environ.get("CROSSWIRE_SEEDS", ROOT.parent / "shared" / "seeds"))
SEED_TR = SEEDS / "000_5f440e34b08b12c8.txt"
SEED_EN = SEEDS / "004_10b7c2c8f8929c68.txt"

# Every test shares one persistent vector cache so the encoder runs once per distinct text.
os.environ.setdefault("CROSSWIRE_VECTOR_CACHE", str(ROOT / ".cache" / "vectors.sqlite"))
os.environ.setdefault("CROSSWIRE_PROGRESS", "0")


def seeds_or_skip() -> tuple[Path, Path]:
    if not (SEED_TR.is_file() and SEED_EN.is_file()):
        pytest.skip(f"seed articles not found under {SEEDS} (set CROSSWIRE_SEEDS)")
    return SEED_TR, SEED_EN


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "test.db")


@pytest.fixture
def cw(db_path: str) -> Iterator[object]:
    import crosswire

    app = crosswire.open(db_path)
    yield app
    app.close()


def run_cli(*args: str, db: str | None = None, stdin: bytes | None = None,
            env: dict[str, str] | None = None, check: bool = False
            ) -> subprocess.CompletedProcess[str]:
    """Run the real ``crosswire`` command in a subprocess."""
    cmd = [sys.executable, "-m", "crosswire"]
    if db:
        cmd += ["--db", db]
    cmd += list(args)
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(cmd, input=stdin, capture_output=True, env=full_env, timeout=900)
    result = subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{cmd} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result
