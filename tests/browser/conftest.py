from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = "/usr/bin/chromium"
# Without the networking flags Chromium keeps trying to reach hosts this machine cannot reach.
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic"]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parent.parent / ".artifacts"
WEBCHAT_VERSION = "1.0.1"
AXE_VERSION = "4.14.1"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("ASSISTANT_REQUIRE_BROWSER") == "1":
            pytest.fail("Debian chromium is required (apt-get install chromium fonts-noto-cjk)")
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    """A desktop page in Chinese (a test file needing another size defines its own)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield ctx
    ctx.close()


def npm_file(tmp_path_factory, package: str, version: str, path: str) -> Path:
    """A file of an npm package, fetched with `npm pack` at test time into tests/.artifacts (never committed)."""
    cache = ARTIFACTS / f"{package}-{version}" / "package" / path
    if cache.exists():
        return cache
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(f"npm is needed to fetch {package} from the npm registry")
    work = tmp_path_factory.mktemp("npm")
    out = subprocess.run([npm, "pack", f"{package}@{version}", "--silent"], check=False, cwd=work, capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        pytest.fail(f"npm pack {package} failed: {out.stderr[-500:]}")
    tarball = work / out.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as tar:
        tar.extractall(ARTIFACTS / f"{package}-{version}", filter="data")
    return cache


@pytest.fixture(scope="session")
def rasa_webchat_bundle(tmp_path_factory) -> Path:
    """The unmodified rasa-webchat bundle from the npm registry."""
    return npm_file(tmp_path_factory, "rasa-webchat", WEBCHAT_VERSION, "lib/index.js")


@pytest.fixture(scope="session")
def axe_script(tmp_path_factory) -> Path:
    """axe-core from the npm registry, injected into pages by the accessibility tests."""
    return npm_file(tmp_path_factory, "axe-core", AXE_VERSION, "axe.min.js")


def open_rasa_webchat(live, context, bundle: Path, language: str = "zh"):
    """A page holding the unmodified rasa-webchat, connected to the live server's socket.io channel."""
    page = context.new_page()
    html = f"""<!doctype html><html><head><meta charset="utf-8"></head><body><div id="webchat"></div>
    <script src="/__rw__/index.js"></script>
    <script>WebChat.default({{socketUrl: "{live.url}", socketPath: "/socket.io/", embedded: true,
      customData: {{language: "{language}"}}, title: "示例市", params: {{storage: "session"}}}}, document.getElementById("webchat"));</script>
    </body></html>"""
    page.route(f"{live.url}/__rw__/page.html", lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    page.route(f"{live.url}/__rw__/index.js", lambda route: route.fulfill(path=str(bundle), content_type="application/javascript"))
    page.goto(f"{live.url}/__rw__/page.html")
    page.wait_for_selector(".rw-new-message", timeout=30_000)
    return page


def webchat_say(page, text: str, expect: str) -> None:
    """Send a message in rasa-webchat and wait until a bot response contains `expect`."""
    page.fill(".rw-new-message", text)
    page.press(".rw-new-message", "Enter")
    page.wait_for_function(f"() => [...document.querySelectorAll('.rw-response')].some(e => e.innerText.includes({expect!r}))", timeout=30_000)
