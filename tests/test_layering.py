"""Imports flow down (docs/ARCHITECTURE.md): bot composes; handlers and the scheduler stand
side by side on storage; storage imports no Telegram and renders no files. The contracts are
in pyproject.toml ([tool.importlinter]); import-linter checks them on the real tree, and on a
small tree that breaks each of them, so a contract that stopped biting would show."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def lint(directory: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(directory)}
    return subprocess.run(
        [str(LINT), "--config", str(directory / "pyproject.toml"), "--no-cache"],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_tree_keeps_every_layering_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_catch_an_import_that_runs_uphill(tmp_path: Path):
    contracts = (ROOT / "pyproject.toml").read_text()
    section = contracts[contracts.index("[tool.importlinter]") : contracts.index("[tool.ruff]")]
    (tmp_path / "pyproject.toml").write_text(section)
    sources = {
        "bot/__init__.py": "",
        "handlers/__init__.py": "import scheduler.ticker\n",  # sideways
        "scheduler/__init__.py": "",
        "scheduler/ticker.py": "import matplotlib\n",  # a file renderer
        "storage/__init__.py": "",
        "storage/people.py": "import bot\nimport aiogram\n",  # uphill, and Telegram
        "aiogram/__init__.py": "",
        "matplotlib/__init__.py": "",
    }
    for name, text in sources.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    result = lint(tmp_path)
    assert result.returncode != 0
    broken = re.findall(r"^(.*) BROKEN$", result.stdout, re.MULTILINE)
    assert len(broken) == 3, result.stdout
    for edge in (
        "handlers -> scheduler.ticker",
        "storage.people -> bot",
        "storage.people -> aiogram",
    ):
        assert edge in result.stdout, result.stdout
