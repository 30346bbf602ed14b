"""Issue 13: on a 390-px phone no public or staff page scrolls sideways — neither the page itself
nor a box inside it (a table scrolling in its box still makes the reader swipe sideways, and
squeezes company names to a character a line). The demo world is built once (`flask demo`: every
project state, every notice type), its pages are gathered by following the links each account
sees, and each page is opened at 390 × 844 in chromium: a page that is wider than the screen, or
holds a box scrolling sideways, fails the test, named with what sticks out.

By hand against a running demo: `python -m tests.e2e.test_phone_width http://127.0.0.1:5311
demo-output.txt` (the output of `flask demo`, for the passwords)."""

from __future__ import annotations

import asyncio
import functools
import re
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
#: Every role's demo account, a street platform's clerk and the installation's administrator;
#: the English site for the public, a clerk and a company.
SITES = (
    ("public", "zh_CN"),
    ("public", "en"),
    ("staff", "zh_CN"),
    ("staff", "en"),
    ("hongtang", "zh_CN"),
    ("owner", "zh_CN"),
    ("contractor", "zh_CN"),
    ("contractor", "en"),
    ("reviewer", "zh_CN"),
    ("supervisor", "zh_CN"),
    ("admin", "zh_CN"),
    ("root", "zh_CN"),
)
#: Pages of one kind (one path with its numbers and codes left out) opened at most: every
#: project of the Chinese public site (each state lays out its own tables), two notices of each
#: type (a type's tables are the same), a few draws and companies, one page of a kind on the English site and behind a login (the
#: public pages are not opened again there).
PUBLIC_KINDS = {
    "/draws/*": 3,
    "/draws/*/screen": 1,
    "/contractors/*": 2,
    "/sanctions/*": 2,
    "notice": 2,  # of each notice type
}
#: Pages of a kind opened behind a login (Chinese), and on the English site.
PER_KIND = {"zh_CN": 1, "en": 1}
#: Pages opened at once (one browser, several tabs). The site has no script: the pages are laid
#: out with JavaScript off, which the test's own measuring (Playwright's evaluate) does not need.
TABS = 4
#: What is not an HTML page, or would end the session or change the language mid-crawl.
SKIPPED = re.compile(
    r"^/(static|api|lang|logout)\b|\.(pdf|csv|png|jpe?g|zip|txt|json|xml)$"
    r"|/(download|export|csv|pdf|print|attachments?|qr|files?|documents?)(/|$)"
)
HREF = re.compile(r"""href="([^"#]*)""")
NOTICE_TYPE = re.compile(r'<p class="type">([^<]*)</p>')

#: What scrolls sideways: the page (with its deepest elements past the right edge), and every
#: box but a form control whose content is wider than it and may be scrolled.
SIDEWAYS_JS = """() => {
  const root = document.documentElement;
  const out = [];
  const name = el => el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  if (root.scrollWidth > root.clientWidth + 1) {
    out.push('page ' + root.scrollWidth + 'px');
    const limit = root.clientWidth + 1;
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right <= limit || r.width === 0) continue;
      if ([...el.children].some(c => c.getBoundingClientRect().right > limit)) continue;
      out.push(name(el) + ' to ' + Math.round(r.right) + 'px');
      if (out.length >= 4) break;
    }
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (['TEXTAREA', 'INPUT', 'SELECT'].includes(el.tagName)) continue;
    const x = getComputedStyle(el).overflowX;
    if ((x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth + 1)
      out.push(name(el) + ' scrolls ' + el.scrollWidth + 'px in ' + el.clientWidth + 'px');
  }
  return out;
}"""


def kind(path: str) -> str:
    """A path with its numbers and codes left out: /notices/12 and /notices/31 are one kind."""
    return "/".join("*" if re.search(r"\d", part) else part for part in path.split("/"))


@dataclass
class Sideways:
    site: str
    path: str
    what: list[str]

    def __str__(self) -> str:
        return f"{self.site:<17} {self.path}  {'; '.join(self.what)}"


async def _login(context, base: str, username: str, password: str) -> None:
    page = await context.new_page()
    await page.goto(f"{base}/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.click("form[method=post] button.primary")
    await page.wait_for_load_state()
    assert urlsplit(page.url).path != "/login", f"{username} could not log in"
    await page.close()


async def gather(context, base: str, starts, caps: dict, cap: int, seen: set, kinds: dict) -> list:
    """The HTML pages (path, html) reachable from `starts` by the links this context's account
    sees, leaving out those in `seen` and (but for the start pages) those of a kind `kinds`
    counted `caps.get(kind, cap)` times already."""
    queue, found = deque(starts), []
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        k = kind(path)
        if path not in starts and kinds.get(k, 0) >= caps.get(k, cap):
            continue
        response = await context.request.get(base + path, max_redirects=0)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        html = await response.text()
        notice_type = NOTICE_TYPE.search(html)
        if notice_type:  # a notice's tables are its type's: a few of each type
            k = f"{k} {notice_type[1]}"
            if path not in starts and kinds.get(k, 0) >= caps.get("notice", cap):
                continue
        kinds[k] = kinds.get(k, 0) + 1
        found.append((path, html))
        for href in HREF.findall(html):
            target = urlsplit(unescape(href))
            if target.netloc and target.netloc != urlsplit(base).netloc:
                continue
            if target.path.startswith("/") and not SKIPPED.search(target.path):
                queue.append(target.path)
    return found


async def sweep(chromium: str, base: str, passwords: dict[str, str], starts: dict) -> tuple:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        contexts = {}
        for who, lang in SITES:
            context = await browser.new_context(viewport=PHONE, java_script_enabled=False)
            await context.request.get(f"{base}/lang/{lang}", max_redirects=0)
            if who != "public":
                await _login(context, base, who, passwords[who])
            contexts[who, lang] = context
        public = await gather(contexts[SITES[0]], base, ["/"], PUBLIC_KINDS, 999, set(), {})
        public_paths = {path for path, _html in public}
        jobs = deque((SITES[0], path, html) for path, html in public)
        # Behind a login, a kind of page is opened by the first account that has it (each its
        # own start page); in English, one of a kind on the whole site.
        kinds = {"zh_CN": {}, "en": {}}
        for who, lang in SITES[1:]:
            first = ["/" if who == "public" else "/dashboard", *starts.get((who, lang), ())]
            context = contexts[who, lang]
            found = await gather(
                context, base, first, {}, PER_KIND[lang], set(public_paths), kinds[lang]
            )
            jobs.extend(((who, lang), path, html) for path, html in found)
        opened, sideways = len(jobs), []
        # Each page is laid out from the HTML the crawl read (the server renders it once), its
        # style sheets and icons fetched once for the whole sweep.
        documents, static = {}, {}

        async def serve(site, route):
            url = route.request.url
            if (site, url) in documents:  # each account's own /dashboard
                html = documents[site, url]
                await route.fulfill(body=html, content_type="text/html; charset=utf-8")
            elif "/static/" in url:
                if url not in static:
                    response = await route.fetch()
                    static[url] = (response.status, response.headers, await response.body())
                status, headers, body = static[url]
                await route.fulfill(status=status, headers=headers, body=body)
            else:
                await route.continue_()

        for site, context in contexts.items():
            await context.route("**/*", functools.partial(serve, site))

        async def tab():
            pages = {}
            while jobs:
                site, path, html = jobs.popleft()
                if site not in pages:
                    pages[site] = await contexts[site].new_page()
                documents[site, base + path] = html
                await pages[site].goto(base + path, wait_until="load")
                what = await pages[site].evaluate(SIDEWAYS_JS)
                if what:
                    sideways.append(Sideways("/".join(site), path, what))

        await asyncio.gather(*(tab() for _ in range(TABS)))
        await browser.close()
    return sorted(sideways, key=lambda s: (s.site, s.path)), opened


def run_sweep(chromium: str, base: str, passwords: dict[str, str], starts: dict | None = None):
    """The sweep in a thread of its own: pytest's sync Playwright may hold this thread's loop."""
    result = {}

    def target():
        result["value"] = asyncio.run(sweep(chromium, base, passwords, starts or {}))

    thread = threading.Thread(target=target, name="phone-width")
    thread.start()
    thread.join()
    return result["value"]


def passwords_of(demo_output: str) -> dict[str, str]:
    line = r"^\s+(\w+)\s+(\S+)\s+(?:admin|staff|reviewer|owner|contractor|supervisor)\s"
    return {m[1]: m[2] for m in re.finditer(line, demo_output, re.M)}


# ---- the test ------------------------------------------------------------------------------------


@pytest.fixture
def demo_server(live_server, monkeypatch):
    from tests.factories import use_cheap_password_hashes

    use_cheap_password_hashes(monkeypatch)
    return live_server, build_demo(live_server.app)


def build_demo(app) -> dict[str, str]:
    """`flask demo` on the app's database as of 2026-11-27 10:00: the accounts' passwords."""
    from app import clock

    app.config["SMS_RATE_PER_SECOND"] = 1000
    with app.app_context():
        clock.set_now(datetime(2026, 11, 27, 10, 0, tzinfo=clock.TZ))
        try:
            result = app.test_cli_runner().invoke(args=["demo"])
        finally:
            clock.reset()
    assert result.exit_code == 0, result.output
    return passwords_of(result.output)


def staff_starts(app) -> dict:
    """Pages the staff's crawl might not reach one of a kind at a time: every project's page
    (each state lays out its own tables) and the SMS lists of two trading notices."""
    from sqlalchemy import select

    from app.extensions import db
    from contracts.models import Project
    from notices.sms.models import SmsMessage

    with app.app_context():
        codes = db.session.scalars(select(Project.code).order_by(Project.id)).all()
        sent = db.session.scalars(
            select(SmsMessage.notice_id).distinct().order_by(SmsMessage.notice_id).limit(2)
        ).all()
    paths = [f"/staff/projects/{code}" for code in codes]
    return {("staff", "zh_CN"): paths + [f"/staff/notices/{n}/sms" for n in sent]}


def test_no_page_scrolls_sideways_on_a_390_px_phone(chromium_path, demo_server):
    server, passwords = demo_server
    sideways, opened = run_sweep(chromium_path, server.url, passwords, staff_starts(server.app))
    assert opened > 120, f"only {opened} pages were found"
    assert not sideways, (
        f"{len(sideways)} of {opened} pages scroll sideways at 390 px:\n"
        + "\n".join(map(str, sideways))
    )


if __name__ == "__main__":  # by hand, against a running demo
    import sys
    import time

    started = time.monotonic()
    with open(sys.argv[2], encoding="utf-8") as output:
        found, n = run_sweep("/usr/bin/chromium", sys.argv[1], passwords_of(output.read()))
    print("\n".join(map(str, found)))
    print(f"{len(found)} of {n} pages scroll sideways ({time.monotonic() - started:.0f} s)")
