import json
from pathlib import Path

import pytest
import yaml

from assistant.cli import main
from tests.conftest import KNOWLEDGE

CATALOGUE = Path(__file__).resolve().parents[3] / "shared" / "catalogue.yaml"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_reports_40_valid_guides(capsys):
    code, out, _ = run(capsys, "kb", "check", str(KNOWLEDGE))
    assert code == 0
    assert out.strip().endswith("40 valid guides, 0 problem(s)")


def test_check_against_the_shared_catalogue(capsys):
    if not CATALOGUE.exists():
        pytest.skip("shared/catalogue.yaml is not next to this checkout")
    code, out, _ = run(capsys, "kb", "check", str(KNOWLEDGE), "--catalogue", str(CATALOGUE))
    assert code == 0, out
    assert out.strip().endswith("40 valid guides, 0 problem(s)")


def _catalogue_of(kb_dir: Path, tmp_path: Path, change) -> Path:
    """A catalogue written from the guides themselves, with one change applied."""
    from assistant.kb.source import load_knowledge

    kb, _ = load_knowledge(kb_dir)
    services = [{"id": g.id, "name": g.name, "name_en": g.name_en, "category": g.category, "life_events": list(g.life_events)}
                for g in kb.guides.values()]
    change(services)
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump({"services": services}, allow_unicode=True), encoding="utf-8")
    return path


def test_catalogue_name_mismatch_and_missing_guide_are_problems(capsys, tmp_path):
    def change(services):
        services[0]["name"] = "别的名字"
        services.append({"id": "no-such-service", "name": "不存在", "name_en": "None", "category": "x", "life_events": []})
    path = _catalogue_of(KNOWLEDGE, tmp_path, change)
    code, out, _ = run(capsys, "kb", "check", str(KNOWLEDGE), "--catalogue", str(path))
    assert code == 1
    assert "name: differs from catalogue: '别的名字'" in out and "no-such-service: no guide for this catalogue service" in out


def test_curated_life_events_are_notes_not_problems(capsys, tmp_path):
    def change(services):
        entry = next(s for s in services if s["id"] == "passport")
        entry["life_events"] = ["marriage"]
    path = _catalogue_of(KNOWLEDGE, tmp_path, change)
    code, out, _ = run(capsys, "kb", "check", str(KNOWLEDGE), "--catalogue", str(path))
    assert code == 0, out
    assert "note: guides/passport.yaml:life_events: curated, leaves out marriage" in out
    assert out.strip().endswith("40 valid guides, 0 problem(s)")


def test_unreadable_catalogue_is_one_clear_problem(capsys, tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text("services: [unclosed", encoding="utf-8")
    code, out, _ = run(capsys, "kb", "check", str(KNOWLEDGE), "--catalogue", str(path))
    assert code == 1 and "unreadable catalogue" in out and "Traceback" not in out


def test_check_fails_with_file_and_field(capsys, kb_copy):
    path = kb_copy / "guides" / "passport.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nvisits: 2\n", "\nvisits: -3\n"), encoding="utf-8")
    code, out, _ = run(capsys, "kb", "check", str(kb_copy))
    assert code == 1
    assert f"{path}:visits:" in out


def test_import_twice_then_show_and_export(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    code, out, _ = run(capsys, "--database-url", url, "kb", "import", str(KNOWLEDGE))
    assert code == 0 and "40 added" in out
    code, out, _ = run(capsys, "--database-url", url, "kb", "import", str(KNOWLEDGE))
    assert code == 0 and "0 added, 0 updated, 40 unchanged" in out
    code, out, _ = run(capsys, "--database-url", url, "kb", "show", "passport", "--json")
    assert code == 0 and json.loads(out)["id"] == "passport"
    code, out, _ = run(capsys, "--database-url", url, "kb", "export", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 40
    xlsx = tmp_path / "kb.xlsx"
    code, _, err = run(capsys, "--database-url", url, "kb", "export", "--format", "xlsx", "-o", str(xlsx))
    assert code == 0 and xlsx.stat().st_size > 0 and "exported 40 guides" in err
    other = f"sqlite:///{tmp_path / 'b.db'}"
    code, out, _ = run(capsys, "--database-url", other, "kb", "import", str(xlsx))
    assert code == 0 and "40 added" in out


def test_show_unknown_id(capsys, tmp_path):
    code, _, err = run(capsys, "--database-url", f"sqlite:///{tmp_path / 'a.db'}", "kb", "show", "no-such-guide")
    assert code == 1 and "no guide with id 'no-such-guide'" in err


def test_failed_import_changes_nothing(capsys, tmp_path, kb_copy):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    assert run(capsys, "--database-url", url, "kb", "import", str(KNOWLEDGE))[0] == 0
    good = kb_copy / "guides" / "passport.yaml"
    good.write_text(good.read_text(encoding="utf-8").replace("hours:", "hours: 全天\nx_hours:", 1), encoding="utf-8")
    other = kb_copy / "guides" / "id-card-renewal.yaml"
    other.write_text(other.read_text(encoding="utf-8").replace("phone: 0000-66001001", "phone: 0000-66009999"), encoding="utf-8")
    code, _, err = run(capsys, "--database-url", url, "kb", "import", str(kb_copy))
    assert code == 1 and "nothing was changed" in err
    code, out, _ = run(capsys, "--database-url", url, "kb", "show", "id-card-renewal", "--json")
    assert json.loads(out)["phone"] == "0000-66001001"


def test_dry_run_reports_without_writing(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    code, out, _ = run(capsys, "--database-url", url, "kb", "import", str(KNOWLEDGE), "--dry-run")
    assert code == 0 and "would be: 40 guides: 40 added" in out
    code, out, _ = run(capsys, "--database-url", url, "kb", "export", "--format", "json")
    assert json.loads(out) == []
