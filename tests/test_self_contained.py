"""The project carries every file it reads: a stranger's clone has no ../shared beside it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# a path built to the team's reference folder next to the repository
SHARED_READ = re.compile(
    r"""\.\./shared\b"""  # a relative path in a script or a string
    r"""|parents?\s*(\[\s*\d+\s*\])?\s*/\s*["']shared["']"""  # Path(...).parent / "shared"
    r"""|["']shared["']\s*/\s*["']domain["']"""
)
CODE_SUFFIXES = {".py", ".sh", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".js", ".html"}


def _tracked_code() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    paths = [REPO / line for line in out.splitlines() if line]
    return [
        p
        for p in paths
        if p.exists()
        and (p.suffix in CODE_SUFFIXES or p.parent.name in {"scripts", ".ci"})
        and p != Path(__file__).resolve()
    ]


def test_no_code_test_or_script_reads_the_shared_folder() -> None:
    offending = []
    for path in _tracked_code():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SHARED_READ.search(line):
                offending.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offending == [], "reads ../shared:\n" + "\n".join(offending)


def test_the_pattern_catches_the_ways_a_path_to_shared_is_written() -> None:
    caught = [
        'CHECKLISTS = REPO.parent / "shared" / "domain" / "checklists.json"',
        "python scripts/x.py --source ../shared/domain/checklists.json",
        "Path(__file__).parents[2] / 'shared'",
    ]
    assert all(SHARED_READ.search(line) for line in caught)
    assert not SHARED_READ.search('DEFAULT_SOURCE = REPO / "assets" / "templates" / "source"')


def test_the_template_source_is_in_the_repository() -> None:
    source = REPO / "assets" / "templates" / "source" / "checklists.json"
    assert source.stat().st_size > 10_000
