"""Helpers of the accessibility tests: axe-core runs, measurements read from the page, widget states."""

from __future__ import annotations

from pathlib import Path

from tests.utils.live import CURATOR, STAFF

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page, axe_script: Path) -> list[dict]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it is now."""
    # colours are checked when the panel's opening animation (opacity) is over
    page.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running' || a.effect.getTiming().iterations === Infinity)"
    )
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script))
    return page.evaluate(
        """async (tags) => {
             const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
             return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.slice(0, 6).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300))}));
           }""",
        WCAG_TAGS,
    )


def assert_accessible(page, axe_script: Path, where: str) -> None:
    found = axe_violations(page, axe_script)
    report = "\n".join(f"  {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in found)
    assert not found, f"axe-core, {where}: {len(found)} violation(s)\n{report}"


def ask(page, text: str) -> None:
    page.fill("#ha-input", text)
    page.press("#ha-input", "Enter")


def wait_answers(page, n: int, timeout: float = 30_000) -> None:
    """Wait until n bot replies (the welcome not counted) are on screen."""
    page.wait_for_function(
        "(n) => document.querySelectorAll('.ha-bot:not(.ha-welcome)').length >= n && !document.querySelector('.ha-typing')",
        arg=n,
        timeout=timeout,
    )


def staff_login(page, live_url: str, user: dict = STAFF) -> None:
    page.goto(f"{live_url}/staff")
    page.fill("#st-name", user["name"])
    page.fill("#st-password", user["password"])
    page.click("#st-login button[type=submit]")
    page.wait_for_selector("#st-desk:not(.st-hidden)")


def curator_login(page, live_url: str, user: dict = CURATOR) -> None:
    page.goto(f"{live_url}/curator")
    page.fill("#cur-name", user["name"])
    page.fill("#cur-password", user["password"])
    page.click("#cur-login button[type=submit]")
    page.wait_for_selector("#cur-app:not(.st-hidden)")


def horizontal_overflow(page) -> int:
    """How many CSS px the page scrolls sideways (0: none)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")


# Every visible text node's element in the widget: font size, line height, colours (walks the
# backgrounds up to the first opaque one), and every control's box.
MEASURE = """() => {
  const root = document.getElementById('hall-assistant');
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(',').map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const bg = (el) => { for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const s = getComputedStyle(n); if (s.backgroundImage && s.backgroundImage !== 'none' && n.classList.contains('ha-header')) return {r: 10, g: 63, b: 134, a: 1};
      const c = parse(s.backgroundColor); if (c && c.a > 0.99) return c; }
    return {r: 255, g: 255, b: 255, a: 1}; };
  const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && s.clip !== 'rect(0px, 0px, 0px, 0px)'; };
  const texts = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const el = t.parentElement; if (!t.textContent.trim() || !visible(el) || el.closest('[aria-hidden=true]') && !el.closest('.ha-star')) continue;
    const s = getComputedStyle(el); const fs = parseFloat(s.fontSize);
    const lh = s.lineHeight === 'normal' ? 1.2 : parseFloat(s.lineHeight) / fs;
    const fg = parse(s.color), b = bg(el); const a = lum(fg), c = lum(b);
    texts.push({text: t.textContent.trim().slice(0, 40), cls: el.className && el.className.baseVal === undefined ? el.className : el.tagName,
                size: fs, line: lh, contrast: (Math.max(a, c) + 0.05) / (Math.min(a, c) + 0.05)});
  }
  const controls = [];
  root.querySelectorAll('button, a[href], input:not([type=checkbox]), textarea, .ha-checklist label').forEach((el) => {
    if (!visible(el)) return; const r = el.getBoundingClientRect();
    controls.push({what: (el.className || el.tagName) + ' ' + (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 20), w: r.width, h: r.height});
  });
  const log = root.querySelector('.ha-log').getBoundingClientRect();
  return {texts, controls, logHeight: log.height, rootSize: parseFloat(getComputedStyle(root).fontSize)};
}"""
