"""The kiosk as a hall runs it: `python -m kiosk --server URL`, full screen, in a real X display (Xvfb)
with no window manager, portrait 1080x1920 and landscape 1920x1080. A screenshot of the whole X
display shows whether the home screen's buttons are inside the display and drawn (an undrawn part of
the display stays black; the kiosk paints white and blue)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
BLUE = (11, 74, 139)  # the kiosk's button colour, kiosk.kv BLUE

# The real app; when its home screen has settled, it writes where the home buttons are (window
# coordinates, top-left origin) and exits.
DRIVER = textwrap.dedent(
    """
    import json, sys
    from kivy.clock import Clock  # the clock only: the window must not exist before the kiosk sets it up
    out = sys.argv[1]
    def report(_dt):
        from kivy.app import App
        from kivy.core.window import Window
        app = App.get_running_app()
        if app is None or app.busy or app.current != "home":
            return
        home = app.screen("home")
        widgets = [home.ids[k] for k in ("ask", "by_topic", "by_event", "human")]
        widgets += [app.root.ids.large_button, app.root.ids.lang_button]
        rects = []
        for w in widgets:
            x, y = w.to_window(w.x, w.y)
            rects.append({"left": x, "top": Window.height - (y + w.height), "width": w.width, "height": w.height})
        json.dump({"window": list(Window.size), "buttons": rects}, open(out, "w"))
        return False
    Clock.schedule_interval(report, 0.5)
    from kiosk.__main__ import main
    sys.argv = ["kiosk"] + sys.argv[2:]
    sys.exit(main(sys.argv[1:]))
    """
)


def start_xvfb(width: int, height: int) -> tuple[subprocess.Popen, str]:
    """Xvfb on a free display number (it tells us which through -displayfd)."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    if not number:
        proc.kill()
        pytest.fail("Xvfb did not start")
    return proc, f":{number}"


def black_share(image, box) -> float:
    """The share of pure black pixels in box (left, top, right, bottom), sampled on a grid."""
    left, top, right, bottom = (int(v) for v in box)
    px = image.load()
    total = black = 0
    for x in range(left + 2, right - 2, 6):
        for y in range(top + 2, bottom - 2, 6):
            total += 1
            black += px[x, y][:3] == (0, 0, 0)
    return black / max(total, 1)


def has_colour(image, box, colour, tolerance=12) -> bool:
    left, top, right, bottom = (int(v) for v in box)
    px = image.load()
    for x in range(left + 2, right - 2, 4):
        for y in range(top + 2, bottom - 2, 4):
            if all(abs(a - b) <= tolerance for a, b in zip(px[x, y][:3], colour)):
                return True
    return False


@pytest.mark.timeout(300)
@pytest.mark.parametrize("width,height", [(1080, 1920), (1920, 1080)], ids=["portrait", "landscape"])
def test_kiosk_fills_a_real_display_in_full_screen(live, tmp_path: Path, width: int, height: int) -> None:
    if shutil.which("Xvfb") is None:
        if os.environ.get("ASSISTANT_REQUIRE_BROWSER") == "1":
            pytest.fail("Xvfb is required (apt-get install xvfb)")
        pytest.skip("Xvfb is not installed")
    from PIL import ImageGrab

    xvfb, display = start_xvfb(width, height)
    report = tmp_path / "home.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SDL_", "KIVY_"))}
    env.update(DISPLAY=display, KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1", KIVY_HOME=str(tmp_path / "kivy"), KIVY_AUDIO="")
    log = tmp_path / "kiosk.log"
    with open(log, "w") as out:
        kiosk = subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(report), "--server", live.url],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not report.exists() or not report.read_text():
            if kiosk.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the kiosk did not show its home screen: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        time.sleep(1.0)  # a few more frames after the report
        shot = ImageGrab.grab(xdisplay=display).convert("RGB")
        data = json.loads(report.read_text())
    finally:
        kiosk.terminate()
        try:
            kiosk.wait(10)
        except subprocess.TimeoutExpired:
            kiosk.kill()
        xvfb.terminate()
        xvfb.wait(10)
    if width < height:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot.save(SCREENSHOTS / "kiosk-fullscreen.png")

    assert shot.size == (width, height)
    assert tuple(data["window"]) == (width, height), f"the kiosk laid out {data['window']} on a {width}x{height} display"
    whole = black_share(shot, (0, 0, width, height))
    assert whole < 0.01, f"{whole:.0%} of the display is not drawn"
    assert len(data["buttons"]) == 6
    for r in data["buttons"]:
        box = (r["left"], r["top"], r["left"] + r["width"], r["top"] + r["height"])
        assert box[0] >= 0 and box[1] >= 0 and box[2] <= width + 0.5 and box[3] <= height + 0.5, f"{r} is outside the display"
        assert black_share(shot, box) == 0, f"the button at {r} is not drawn"
        assert has_colour(shot, box, BLUE), f"the button at {r} does not show the kiosk's blue"
