"""pip-audit in CI (issue #13 item 7). No advisory service answers from CI (the package mirror has no
JSON API, api.osv.dev does not resolve), so pip-audit queries a local OSV endpoint over a dated
snapshot of the PyPA advisory database (tests/security/data, refreshed by scripts/refresh-advisories)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.utils.osv import Advisories, load_snapshot, osv_server

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def audit(url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [str(PIP_AUDIT), "-s", "osv", "--osv-url", url, "--cache-dir", str(tmp_path / "cache"), "--progress-spinner", "off", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


def test_snapshot_matches_versions_by_list_and_range() -> None:
    advisories = Advisories(load_snapshot())
    # PYSEC-2014-8: Jinja2 before 2.7.2 (listed versions and an introduced/fixed range)
    assert "PYSEC-2014-8" in {v["id"] for v in advisories.query("Jinja2", "2.7.1")}
    assert "PYSEC-2014-8" not in {v["id"] for v in advisories.query("jinja2", "2.7.2")}
    assert advisories.query("no-such-package-here", "1.0") == []
    assert advisories.query("jinja2", "not a version") == []


def test_pip_audit_reports_a_known_vulnerable_pin(tmp_path: Path) -> None:
    # the whole chain can fail: a pinned old release is reported and pip-audit exits non-zero
    (tmp_path / "req.txt").write_text("jinja2==2.7.1\n")
    with osv_server() as url:
        result = audit(url, tmp_path, "-r", str(tmp_path / "req.txt"), "--no-deps", "--disable-pip")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "PYSEC-2014-8" in result.stdout


def test_installed_packages_have_no_known_vulnerability(tmp_path: Path) -> None:
    # every package of this environment (the project itself is editable and skipped)
    with osv_server() as url:
        result = audit(url, tmp_path, "--skip-editable")
    snapshot = load_snapshot()
    assert result.returncode == 0, f"advisories of {snapshot['date']}:\n{result.stdout}\n{result.stderr}"
    assert "No known vulnerabilities found" in result.stdout + result.stderr
