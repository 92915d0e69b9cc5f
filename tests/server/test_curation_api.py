import io
import time

import httpx
from openpyxl import Workbook, load_workbook

from tests.utils.live import ADMIN, CURATOR, PUBLISHER, STAFF, app_state, login


def session_for(live, user):
    c = httpx.Client(base_url=live.url, timeout=60)
    c.headers["X-CSRF-Token"] = login(c, user)
    return c


def wait_rebuild(c, generation_before):
    for _ in range(4500):  # a full retrain on a loaded 2-core machine can take minutes
        status = c.get("/api/v1/admin/rebuild").json()
        if status["state"] == "failed" or (status["state"] == "ready" and status["generation"] > generation_before):
            return status
        time.sleep(0.2)
    raise AssertionError(f"rebuild did not finish: {status}")


def chat_materials(live, text="普通护照签发需要什么材料"):
    return httpx.post(f"{live.url}/api/v1/chat", json={"text": text}, timeout=60).json()["materials"]


def test_publish_swaps_in_new_answers_and_failed_rebuild_keeps_old(live):
    pub = session_for(live, PUBLISHER)
    guide = pub.get("/api/v1/admin/guides/passport").json()["guide"]
    original = [m["name"] for m in guide["materials"]]
    guide["materials"].append({"name": "护照测试新增材料", "form": "copy", "copies": 1})
    assert pub.put("/api/v1/admin/guides/passport/draft", json=guide).status_code == 200
    preview = pub.post("/api/v1/admin/guides/passport/preview", json={"intent": "ask_materials"}).json()
    assert "护照测试新增材料" in preview["answer"]
    assert "护照测试新增材料" not in chat_materials(live)  # drafts are not served
    generation = pub.get("/api/v1/admin/rebuild").json()["generation"]
    r = pub.post("/api/v1/admin/guides/passport/publish")
    assert r.status_code == 200
    version = r.json()["version"]
    assert wait_rebuild(pub, generation)["state"] == "ready"
    assert "护照测试新增材料" in chat_materials(live)

    # a rebuild that dies before the swap leaves the published index serving, and says why
    state = app_state(live)
    state.rebuilder.before_swap = lambda: (_ for _ in ()).throw(MemoryError("out of memory while indexing"))
    try:
        generation = pub.get("/api/v1/admin/rebuild").json()["generation"]
        r = pub.post("/api/v1/admin/guides/passport/rollback", json={"version": version - 1})
        status = wait_rebuild(pub, generation)
        assert status["state"] == "failed" and "out of memory" in status["error"]
        assert "护照测试新增材料" in chat_materials(live)  # still the old (serving) index
    finally:
        state.rebuilder.before_swap = None
    generation = pub.get("/api/v1/admin/rebuild").json()["generation"]
    assert pub.post("/api/v1/admin/rebuild").status_code == 200
    assert wait_rebuild(pub, generation)["state"] == "ready"
    assert chat_materials(live) == original
    diff = pub.get("/api/v1/admin/guides/passport/diff", params={"a": version - 1, "b": version}).json()["diff"]
    assert "+  name: 护照测试新增材料" in diff or "护照测试新增材料" in diff
    audit = pub.get("/api/v1/admin/audit", params={"target": "passport"}).json()
    assert {"publish", "rollback", "save_draft"} <= {a["action"] for a in audit} and audit[0]["user"] == "zhang"


def test_curator_can_draft_but_not_publish(live):
    cur = session_for(live, CURATOR)
    guide = cur.get("/api/v1/admin/guides/marriage-registration").json()["guide"]
    guide["hours"] = "周一至周日 9:00-17:00"
    assert cur.put("/api/v1/admin/guides/marriage-registration/draft", json=guide).status_code == 200
    r = cur.post("/api/v1/admin/guides/marriage-registration/publish")
    assert r.status_code == 403 and "publisher" in r.json()["detail"]
    assert cur.post("/api/v1/admin/guides/marriage-registration/rollback", json={"version": 1}).status_code == 403
    assert cur.delete("/api/v1/admin/guides/marriage-registration/draft").status_code == 200
    bad = cur.put("/api/v1/admin/guides/marriage-registration/draft", json={**guide, "visits": "two"})
    assert bad.status_code == 422 and bad.json()["detail"]["errors"][0]["field"] == "visits"
    assert cur.put("/api/v1/admin/guides/nope/draft", json=guide).status_code == 404
    assert cur.get("/api/v1/admin/users").status_code == 403


def test_review_queue_groups_attach_teaches_the_next_rebuild(live):
    phrase = "办个出国用的小本本"
    for _ in range(3):
        httpx.post(f"{live.url}/api/v1/chat", json={"text": phrase}, timeout=60)
    pub = session_for(live, PUBLISHER)
    groups = pub.get("/api/v1/admin/review").json()
    group = next(g for g in groups if g["text"] == phrase)
    assert group["count"] >= 3
    trace = pub.get(f"/api/v1/admin/logs/{group['message_ids'][0]}").json()
    assert trace["text"] == phrase and "hits" in trace["trace"]
    assert pub.post("/api/v1/admin/review/attach", json={"message_ids": group["message_ids"], "guide_id": "passport", "phrase": phrase}).json()["updated"] >= 3
    assert all(g["text"] != phrase for g in pub.get("/api/v1/admin/review").json())
    generation = pub.get("/api/v1/admin/rebuild").json()["generation"]
    pub.post("/api/v1/admin/rebuild")
    assert wait_rebuild(pub, generation)["state"] == "ready"
    assert httpx.post(f"{live.url}/api/v1/chat", json={"text": phrase}, timeout=60).json()["service"] == "passport"


def test_batch_test_csv_gbk_and_xlsx(live):
    cur = session_for(live, CURATOR)
    csv_text = "question,expected_service\n护照要多少钱,passport\n社保卡丢了,social-security-card-replacement\n随便问问,\n"
    r = cur.post("/api/v1/admin/batch-test", files={"file": ("q.csv", csv_text.encode("gb18030"), "text/csv")})
    assert r.status_code == 200 and r.json()["labelled"] == 2 and r.json()["accuracy"] == 100.0
    wb = Workbook()
    wb.active.append(["question", "expected_service"])
    wb.active.append(["结婚登记要带什么", "divorce-registration"])
    buf = io.BytesIO()
    wb.save(buf)
    r = cur.post("/api/v1/admin/batch-test", files={"file": ("q.xlsx", buf.getvalue())})
    assert r.json()["accuracy"] == 0.0 and r.json()["misses"][0]["got"] == "marriage-registration"
    assert cur.post("/api/v1/admin/batch-test", files={"file": ("q.csv", b"", "text/csv")}).status_code == 422
    assert cur.post("/api/v1/admin/batch-test", files={"file": ("q.csv", b"a,b\n1,2\n", "text/csv")}).status_code == 422
    assert cur.post("/api/v1/admin/batch-test", files={"file": ("q.xlsx", b"not a zip")}).status_code == 422


def test_logs_export_is_masked_and_analytics(live):
    httpx.post(f"{live.url}/api/v1/chat", json={"text": "我电话13912345678，身份证丢了"}, timeout=60)
    cur = session_for(live, CURATOR)
    text = cur.get("/api/v1/admin/logs", params={"format": "csv"}).text
    assert "139****5678" in text and "13912345678" not in text
    wb = load_workbook(io.BytesIO(cur.get("/api/v1/admin/logs", params={"format": "xlsx"}).content))
    assert wb.active.max_row > 1
    data = cur.get("/api/v1/admin/analytics").json()
    assert data["questions"] > 0 and data["per_channel"] and 0 <= data["unanswered_rate"] <= 1 and data["busiest_hours"]
    assert cur.get("/api/v1/admin/analytics.csv").text.lstrip("\ufeff").startswith("metric,key,value")


def test_kb_import_dry_run_and_refusal(live):
    pub = session_for(live, PUBLISHER)
    xlsx = pub.get("/api/v1/admin/kb/export", params={"format": "xlsx"}).content
    r = pub.post("/api/v1/admin/kb/import", params={"dry_run": "true"}, files={"file": ("kb.xlsx", xlsx)})
    assert r.status_code == 200 and r.json()["dry_run"] and r.json()["added"] == []
    r = pub.post("/api/v1/admin/kb/import", params={"dry_run": "false"}, files={"file": ("kb.json", b'[{"id": "x"}]')})
    assert r.status_code == 422 and r.json()["detail"]["errors"]
    cur = session_for(live, CURATOR)
    assert cur.post("/api/v1/admin/kb/import", files={"file": ("kb.xlsx", xlsx)}).status_code == 403


def test_admin_manages_accounts(live):
    admin = session_for(live, ADMIN)
    r = admin.post("/api/v1/admin/users", json={"name": "sun-window", "password": "window-pass-9", "role": "staff", "window": "B02"})
    assert r.status_code == 201
    assert admin.post("/api/v1/admin/users", json={"name": "sun-window", "password": "window-pass-9", "role": "staff"}).status_code == 409
    assert admin.post("/api/v1/admin/users", json={"name": "<b>", "password": "x", "role": "king"}).status_code == 422
    assert "sun-window" in [u["name"] for u in admin.get("/api/v1/admin/users").json()]
    staff = session_for(live, STAFF)
    assert staff.get("/api/v1/admin/guides").status_code == 403
