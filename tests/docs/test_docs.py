"""The user guide builds with mkdocs --strict: no broken link, no page missing from the navigation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_user_guide_builds_strict(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
         "--site-dir", str(tmp_path / "site")],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for page in ("index.html", "ledger/index.html", "queries/appointments/index.html", "reliability/index.html"):
        assert (tmp_path / "site" / page).exists(), page


def test_every_doc_page_is_in_the_navigation():
    import yaml  # mkdocs depends on PyYAML

    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]

    def pages(entries):
        for e in entries:
            for v in e.values():
                if isinstance(v, list):
                    yield from pages(v)
                else:
                    yield v

    listed = set(pages(nav))
    on_disk = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")}
    assert on_disk == listed
