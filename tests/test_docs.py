"""README and docs/ point only at files that exist (a picture copied between them with its relative path
kept would render as a broken image)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("doc", [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))], ids=lambda p: p.name)
def test_local_links_and_images_exist(doc):
    missing = [target for target in LINK.findall(doc.read_text(encoding="utf-8"))
               if not re.match(r"[a-z]+:", target) and not (doc.parent / target).exists()]  # fmt: skip
    assert not missing, f"{doc.name} links to missing files: {missing}"
