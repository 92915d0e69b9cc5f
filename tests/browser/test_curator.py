"""Curator console (/curator) in Chromium: edit a guide, validation errors, preview, publish with the
background index rebuild, rollback, roles, review queue and traces, batch test, analytics, import;
and every admin/staff API route refuses anonymous callers."""

import re
import time
from pathlib import Path

import httpx
import pytest

from tests.utils.live import ADMIN, CURATOR, PUBLISHER, login

pytestmark = pytest.mark.timeout(600, func_only=True)  # training the models in the session fixtures is not counted

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
NEW_MATERIAL = "护照申请测试材料"
PASSPORT_QUESTION = "护照办理需要什么材料"


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    yield ctx
    ctx.close()


@pytest.fixture
def api(live):
    """A logged-in publisher's HTTP client (for checks and clean-up, not for what the page does)."""
    with httpx.Client(base_url=live.url, timeout=60) as c:
        c.headers["X-CSRF-Token"] = login(c, PUBLISHER)
        yield c


def open_console(context, live, user):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append(f"alert: {d.message}") if d.type == "alert" else None, d.accept()))  # confirm() is fine
    page.goto(f"{live.url}/curator")
    page.fill("#cur-name", user["name"])
    page.fill("#cur-password", user["password"])
    page.click("#cur-login button[type=submit]")
    page.wait_for_selector("#cur-app:not(.st-hidden)")
    page.errors = errors
    return page


def open_guide(page, guide_id):
    page.fill("#cur-filter", guide_id)
    page.click(f".cur-guide[data-id='{guide_id}']")
    page.wait_for_selector("[data-field='materials.0.name']")


def field_error(page, path):
    """The error text shown right after the input with data-field=path ('' if none)."""
    return page.evaluate(
        """(path) => { const i = [...document.querySelectorAll('#cur-form [data-field]')].find(e => e.dataset.field === path);
             const n = i && i.nextElementSibling; return n && n.classList.contains('cur-field-error') ? n.textContent : ''; }""",
        path,
    )


def wait_rebuilt(page, generation_before, timeout=240_000):
    page.wait_for_function(
        "(g) => { const e = document.querySelector('#cur-rebuild'); return (e.dataset.state === 'ready' && +e.dataset.generation > g) || e.dataset.state === 'failed'; }",
        arg=generation_before,
        timeout=timeout,
    )
    assert page.get_attribute("#cur-rebuild", "data-state") == "ready", page.inner_text("#cur-rebuild")
    return int(page.get_attribute("#cur-rebuild", "data-generation"))


def chat_answer(live, text=PASSPORT_QUESTION):
    r = httpx.post(f"{live.url}/api/v1/chat", json={"text": text}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()["answer"]


def restore(api, guide_id, published):
    """Leave the guide as it was published before the test: no draft, same content."""
    if api.get(f"/api/v1/admin/guides/{guide_id}").json()["has_draft"]:
        api.delete(f"/api/v1/admin/guides/{guide_id}/draft")
    now = api.get(f"/api/v1/admin/guides/{guide_id}").json()
    strip = lambda g: {k: v for k, v in g.items() if k not in ("updated_at", "updated_by", "status")}  # noqa: E731
    if strip(now["published"]) != strip(published["published"]):
        generation = api.get("/api/v1/admin/rebuild").json()["generation"]
        assert api.post(f"/api/v1/admin/guides/{guide_id}/rollback", json={"version": published["version"]}).status_code == 200
        deadline = time.time() + 240
        while time.time() < deadline:
            status = api.get("/api/v1/admin/rebuild").json()
            if status["state"] in ("ready", "failed") and status["generation"] > generation or status["state"] == "failed":
                break
            time.sleep(1)


def test_publisher_edits_previews_publishes_and_rolls_back(live, context, api):
    before = api.get("/api/v1/admin/guides/passport").json()
    assert NEW_MATERIAL not in chat_answer(live)
    page = open_console(context, live, PUBLISHER)
    try:
        open_guide(page, "passport")
        # every field of the guide has an input
        for field in ("name", "name_en", "case_type", "scope", "visits", "updated_at", "online_url", "fee", "steps", "location", "faq", "keywords",
                      "legal_basis", "time_limit", "channels", "appointment", "life_events", "materials.0.form", "materials.0.required"):  # fmt: skip
            assert page.locator(f"#cur-form [data-field='{field}']").count() == 1, field
        assert page.input_value("[data-field='materials.0.name']") == before["guide"]["materials"][0]["name"]

        # a new required material row
        rows = page.locator("#cur-materials tr").count()
        page.click("#cur-add-material")
        assert page.locator("#cur-materials tr").count() == rows + 1
        page.fill(f"[data-field='materials.{rows}.name']", NEW_MATERIAL)
        page.fill(f"[data-field='materials.{rows}.source']", "测试用：窗口领取")
        assert page.is_checked(f"[data-field='materials.{rows}.required']")
        # move it up one row and back down: the paths follow the rows
        page.click(f"#cur-materials tr:nth-child({rows + 1}) [data-act=up]")
        assert page.input_value(f"[data-field='materials.{rows - 1}.name']") == NEW_MATERIAL
        page.click(f"#cur-materials tr:nth-child({rows}) [data-act=down]")
        assert page.input_value(f"[data-field='materials.{rows}.name']") == NEW_MATERIAL
        page.click("#cur-save")
        page.wait_for_function("() => document.querySelector('#cur-status').textContent.includes('草稿已保存')")
        saved = api.get("/api/v1/admin/guides/passport").json()
        assert saved["has_draft"] and saved["guide"]["materials"][-1]["name"] == NEW_MATERIAL and saved["version"] == before["version"]

        page.select_option("#cur-intent", "ask_materials")
        page.click("#cur-preview-btn")
        page.wait_for_function("(t) => document.querySelector('#cur-preview').textContent.includes(t)", arg=NEW_MATERIAL)
        page.evaluate("() => { const f = document.querySelector('.cur-field-materials').closest('fieldset'); window.scrollTo(0, f.getBoundingClientRect().top + window.scrollY - 150); }")
        page.screenshot(path=str(SCREENSHOTS / "curator-editor.png"))
        assert "普通护照签发" in page.inner_text("#cur-preview")
        assert NEW_MATERIAL not in chat_answer(live)  # a draft is not what visitors see

        generation = api.get("/api/v1/admin/rebuild").json()["generation"]
        page.click("#cur-publish")
        page.wait_for_function("(v) => document.querySelector('#cur-status').textContent.includes('v' + v)", arg=before["version"] + 1)
        generation = wait_rebuilt(page, generation)
        answer = chat_answer(live)
        assert NEW_MATERIAL in answer and "居民身份证" in answer  # new list, no restart
        assert page.locator(f"#cur-versions tr[data-version='{before['version'] + 1}']").count() == 1

        # the diff of the two newest versions shows the added material
        page.click("#cur-diff-btn")
        page.wait_for_function("(t) => document.querySelector('#cur-diff').textContent.includes(t)", arg=NEW_MATERIAL)
        assert page.locator("#cur-diff .cur-add", has_text=NEW_MATERIAL).count() >= 1

        # roll back to the version before
        page.click(f"#cur-versions button[data-version='{before['version']}']")
        page.wait_for_function("() => document.querySelector('#cur-status').textContent.includes('已回滚')")
        wait_rebuilt(page, generation)
        assert NEW_MATERIAL not in chat_answer(live)
        after = api.get("/api/v1/admin/guides/passport").json()
        assert after["version"] == before["version"] + 2 and not after["has_draft"]
        assert [m["name"] for m in after["published"]["materials"]] == [m["name"] for m in before["published"]["materials"]]
        audit = api.get("/api/v1/admin/audit", params={"target": "passport"}).json()
        assert {"publish", "rollback", "save_draft"} <= {a["action"] for a in audit}
        assert page.errors == []
    finally:
        restore(api, "passport", before)


def test_invalid_input_is_shown_next_to_the_field_and_nothing_is_saved(live, context, api):
    before = api.get("/api/v1/admin/guides/hukou-transfer").json()
    page = open_console(context, live, PUBLISHER)
    try:
        open_guide(page, "hukou-transfer")
        page.fill("[data-field='materials.0.copies']", "-1")
        page.fill("[data-field='materials.1.name']", "")
        page.fill("[data-field='fee']", '{"free": true, "amount": 5}')  # nested error: fee.amount
        page.click("#cur-save")
        page.wait_for_selector(".cur-field-error")
        assert "greater than or equal to 0" in field_error(page, "materials.0.copies")
        assert page.get_attribute("[data-field='materials.0.copies']", "aria-invalid") == "true"
        assert field_error(page, "materials.1.name")
        assert "fee.amount" in field_error(page, "fee")
        assert page.get_attribute("[data-field='fee']", "aria-invalid") == "true"
        assert "未保存" in page.inner_text("#cur-status")
        # the first invalid field has the focus
        assert page.evaluate("document.activeElement.dataset.field") in ("materials.0.copies", "materials.1.name", "fee")

        # broken JSON is caught in the page, before anything is sent
        sent = []
        page.on("request", lambda r: sent.append(r.method) if "/draft" in r.url else None)
        page.fill("[data-field='steps']", '[{"title": "受理"')
        page.click("#cur-save")
        page.wait_for_function("() => document.querySelector('#cur-status').textContent.includes('JSON')")
        assert "JSON" in field_error(page, "steps") and sent == []

        now = api.get("/api/v1/admin/guides/hukou-transfer").json()
        assert now == before  # nothing saved
        assert page.errors == []
    finally:
        restore(api, "hukou-transfer", before)


def test_curator_saves_a_draft_but_cannot_publish(live, context, api):
    before = api.get("/api/v1/admin/guides/marriage-registration").json()
    page = open_console(context, live, CURATOR)
    try:
        assert "curator" in page.inner_text("#cur-user")
        assert page.is_hidden("#tab-users")
        open_guide(page, "marriage-registration")
        page.fill("[data-field='hours']", "周一至周五 9:00-17:00（测试草稿）")
        page.click("#cur-save")
        page.wait_for_function("() => document.querySelector('#cur-status').textContent.includes('草稿已保存')")
        assert api.get("/api/v1/admin/guides/marriage-registration").json()["has_draft"]
        page.wait_for_selector(".cur-guide[data-id='marriage-registration'] .cur-badge")

        page.click("#cur-publish")
        page.wait_for_function("() => document.querySelector('#cur-status').textContent.includes('需要发布员权限')")
        assert "needs the publisher role" in page.inner_text("#cur-status")
        now = api.get("/api/v1/admin/guides/marriage-registration").json()
        assert now["version"] == before["version"] and now["published"] == before["published"]

        page.click("#cur-discard")  # the dialog is accepted
        page.wait_for_function("() => document.querySelector('#cur-status').textContent.includes('草稿已放弃')")
        assert not api.get("/api/v1/admin/guides/marriage-registration").json()["has_draft"]
        assert page.errors == []
    finally:
        restore(api, "marriage-registration", before)


def test_every_admin_and_staff_route_refuses_anonymous_callers(live):
    spec = httpx.get(f"{live.url}/openapi.json", timeout=30).json()
    checked = []
    with httpx.Client(base_url=live.url, timeout=30) as anon:
        for path, methods in spec["paths"].items():
            if not path.startswith(("/api/v1/admin", "/api/v1/staff")):
                continue
            for method in methods:
                if path == "/api/v1/staff/logout":
                    continue  # clearing a session needs none
                url = re.sub(r"\{[^}]+\}", "passport", path)
                body = {"name": "nobody", "password": "not-the-password"} if path == "/api/v1/staff/login" else None
                r = anon.request(method.upper(), url, json=body)
                assert r.status_code == 401, f"{method.upper()} {path}: {r.status_code} {r.text[:200]}"
                checked.append(f"{method} {path}")
    assert len(checked) >= 25 and "put /api/v1/admin/guides/{guide_id}/draft" in checked and "post /api/v1/admin/users" in checked


SEED = [  # (question, channel, rating): unanswered ones for the review queue, answered ones and ratings for the charts
    ("我想养一只恐龙当宠物", "web", None), ("<img src=x onerror=alert(1)>能不能养恐龙", "web", None), ("我想养一只恐龙当宠物怎么办", "kiosk", None), ("火星签证怎么办", "web", None),
    ("结婚登记在哪里办", "kiosk", 5), ("身份证丢了怎么补办", "web", 4), ("护照办理需要什么材料", "api", 5),
    ("公积金租房提取要什么材料", "web", 3), ("新生儿怎么上户口", "kiosk", 5), ("社保卡丢了怎么办", "web", 2),
]


def test_review_queue_trace_batch_test_analytics_import(live, context, api):
    for text, channel, score in SEED:
        reply = httpx.post(f"{live.url}/api/v1/chat", json={"text": text, "channel": channel}, timeout=60).json()
        if score:
            r = httpx.post(f"{live.url}/api/v1/ratings", json={"session_id": reply["session_id"], "message_id": reply["message_id"], "score": score, "channel": channel}, timeout=30)
            assert r.status_code == 201, r.text
    page = open_console(context, live, PUBLISHER)
    page.click("#tab-review")
    page.wait_for_selector(".cur-group")
    assert "<img src=x onerror=alert(1)>" in page.inner_text("#cur-review-list")  # shown as text, never as markup
    assert page.locator("#panel-review img").count() == 0
    group = page.locator(".cur-group", has_text="恐龙").first
    assert "恐龙" in group.inner_text()
    # the attach form is prefilled with the question and the first suggested guide
    assert "恐龙" in group.locator("input[aria-label='俗称 Phrase']").input_value()
    assert group.locator("select").first.input_value()
    group.locator(".cur-trace-link").first.click()
    page.wait_for_selector(".cur-trace-hits tbody tr")
    assert "未命中" in page.inner_text("#cur-trace-body") or "命中" in page.inner_text("#cur-trace-body")
    assert page.locator(".cur-trace-intents tbody tr").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "curator-review.png"))

    dino = page.locator(".cur-group", has_text="恐龙").count()
    group.locator("button", has_text="忽略 Dismiss").click()
    page.wait_for_function("() => document.querySelector('#cur-review-status').textContent.includes('已忽略')")
    assert page.locator(".cur-group", has_text="恐龙").count() == dino - 1

    # batch test: a CSV with one deliberate miss
    page.click("#tab-batch")
    csv = "question,expected_service\n护照办理需要什么材料,passport\n身份证丢了怎么补办,id-card-replacement\n护照办理需要什么材料,marriage-registration\n"
    page.set_input_files("#cur-batch-file", files=[{"name": "questions.csv", "mimeType": "text/csv", "buffer": csv.encode("utf-8")}])
    page.click("#cur-batch-form button[type=submit]")
    page.wait_for_selector("#cur-accuracy", timeout=120_000)
    assert re.search(r"\d+(\.\d+)?%", page.inner_text("#cur-accuracy"))
    assert page.locator(".cur-misses tbody tr", has_text="marriage-registration").count() == 1

    # analytics: inline SVG bar charts and download links
    page.click("#tab-analytics")
    page.wait_for_selector("#cur-charts svg rect")
    assert page.locator("#cur-charts figure").count() == 5
    assert page.locator("#cur-charts svg").count() >= 3
    for href in ("/api/v1/admin/analytics.csv", "/api/v1/admin/logs?format=csv", "/api/v1/admin/logs?format=xlsx"):
        assert page.locator(f"a[href='{href}']").count() == 1
        assert page.request.get(f"{live.url}{href}").status == 200
    page.screenshot(path=str(SCREENSHOTS / "curator-analytics.png"))

    # knowledge import: a broken file is refused with the list of problems (dry run is the default)
    page.click("#tab-knowledge")
    assert page.is_checked("#cur-import-dry")
    page.set_input_files("#cur-import-file", files=[{"name": "kb.json", "mimeType": "application/json", "buffer": b'{"guides": [{"id": "x"}]}'}])
    page.click("#cur-import-form button[type=submit]")
    page.wait_for_selector(".cur-import-errors li")
    assert "Field required" in page.inner_text(".cur-import-errors")
    export = page.request.get(f"{live.url}/api/v1/admin/kb/export?format=json")
    assert export.status == 200 and "passport" in export.text()
    page.set_input_files("#cur-import-file", files=[{"name": "kb.json", "mimeType": "application/json", "buffer": export.body()}])
    page.click("#cur-import-form button[type=submit]")
    page.wait_for_function("() => document.querySelector('#cur-import-status').textContent.includes('试运行')")

    # audit log
    page.click("#tab-audit")
    page.wait_for_selector("#cur-audit tr")
    assert "dismiss" in page.inner_text("#cur-audit")
    assert page.errors == []


def test_admin_manages_accounts_with_the_keyboard(live, context):
    page = open_console(context, live, ADMIN)
    page.focus("#tab-guides")
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.id") == "tab-users"
    page.wait_for_selector("#cur-users tr")
    assert PUBLISHER["name"] in page.inner_text("#cur-users")
    name = f"ed{int(time.time()) % 100000}"
    page.fill("#cur-new-name", name)
    page.fill("#cur-new-password", "a-long-password-1")
    page.select_option("#cur-new-role", "curator")
    page.click("#cur-user-form button[type=submit]")
    page.wait_for_function("(n) => document.querySelector('#cur-users').textContent.includes(n)", arg=name)
    page.focus("#tab-users")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.id") == "tab-audit" and page.is_visible("#panel-audit")
    assert page.errors == []


def test_the_editor_form_follows_the_published_schema(live, context, api):
    """A field the schema gains appears in the editor with its kind, without a change to curator.js;
    enum options are the schema's values."""
    schema = api.get("/api/v1/admin/schema").json()
    schema["properties"]["counter_note"] = {"type": "boolean", "title": "窗口提示"}
    schema["$defs"]["Material"]["properties"]["pickup_hint"] = {"type": "string", "maxLength": 80, "title": "领取提示"}
    page = context.new_page()
    page.route("**/api/v1/admin/schema", lambda route: route.fulfill(json=schema))
    page.goto(f"{live.url}/curator")
    page.fill("#cur-name", PUBLISHER["name"])
    page.fill("#cur-password", PUBLISHER["password"])
    page.click("#cur-login button[type=submit]")
    open_guide(page, "passport")
    added = page.locator("#cur-form [data-field='counter_note']")
    assert added.get_attribute("type") == "checkbox" and added.get_attribute("data-kind") == "bool"
    assert "其他字段" in added.evaluate("n => n.closest('fieldset').querySelector('legend').textContent")
    assert page.locator("#cur-form [data-field='materials.0.pickup_hint']").count() == 1
    options = page.eval_on_selector_all("[data-field='case_type'] option", "os => os.map(o => o.value)")
    assert options == schema["$defs"]["CaseType"]["enum"]
    page.close()


def test_the_rebuild_line_shows_how_far_a_fresh_index_is(live, context):
    """While a rebuild encodes passages the console says what share is done (the server's percentage)."""
    import json

    running = {"state": "running", "generation": 3, "error": None, "reason": "manual", "started": time.time(), "progress": 42, "encoded": 8591, "passages": 20453}
    context.route("**/api/v1/admin/rebuild", lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(running)))
    page = open_console(context, live, PUBLISHER)
    page.wait_for_function("() => document.querySelector('#cur-rebuild').dataset.state === 'running'")
    text = page.inner_text("#cur-rebuild")
    assert "42 %" in text and "旧索引继续服务" in text, text
    assert not page.errors
