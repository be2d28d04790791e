"""Browser tests: Debian's Chromium, driven by Playwright, against ``live_server``.

They run in a pytest process of their own (``scripts/test.sh`` does it):
Playwright's sync API keeps an event loop running, so Django's async-safety
check has to be switched off, and that switch is process-wide.
"""

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Served to the page from its own origin, so axe runs under the site's real CSP
# (no inline script) rather than with the policy bypassed.
AXE_PATH = "/__e2e__/axe.min.js"
SERIOUS = ("serious", "critical")

expect.set_options(timeout=15_000)


@pytest.fixture(scope="session", autouse=True)
def _browser_test_process():
    """Fail, never skip, when the process or the machine is not set up for browsers."""
    problems = []
    if os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE", "").lower() not in {"1", "true"}:
        problems.append(
            "browser tests run in their own process with DJANGO_ALLOW_ASYNC_UNSAFE=true "
            "(scripts/test.sh does it: `DJANGO_ALLOW_ASYNC_UNSAFE=true pytest -m e2e`)"
        )
    if not shutil.which("chromium"):
        problems.append("no `chromium` on the PATH: apt-get install -y chromium")
    if not AXE.exists():
        problems.append(f"{AXE.relative_to(ROOT)} is missing: run `npm ci`")
    if problems:
        pytest.fail("; ".join(problems), pytrace=False)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict, live_server) -> dict:
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "viewport": VIEWPORT,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
        "reduced_motion": "reduce",
    }


class Browsing:
    """Opens pages as a visitor or as a given user, and watches what the browser complains of."""

    def __init__(self, new_context: Callable[..., BrowserContext], base_url: str):
        self.new_context = new_context
        self.base_url = base_url
        self.csp_errors: list[str] = []

    def page(self, user=None) -> Page:
        context = self.new_context()
        context.set_default_timeout(15_000)
        context.route(f"**{AXE_PATH}", lambda route: route.fulfill(path=AXE))
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.base_url}])
        page = context.new_page()
        page.on("console", self._console)
        return page

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.csp_errors.append(message.text)


@pytest.fixture
def browsing(new_context, live_server) -> Iterator[Browsing]:
    browsing = Browsing(new_context, live_server.url)
    yield browsing
    assert not browsing.csp_errors, "the page broke its CSP:\n" + "\n".join(browsing.csp_errors)


class Worker:
    """Tasks wait in Redis until a real worker starts, so a person can watch work progress."""

    def __init__(self, redis_url: str):
        self.redis_url = redis_url
        self.stack = contextlib.ExitStack()

    def hold(self) -> None:
        import redis

        from config.celery import app

        redis.Redis.from_url(self.redis_url).flushdb()
        app.conf.task_always_eager = False
        self.stack.callback(setattr, app.conf, "task_always_eager", True)

    def start(self) -> None:
        from celery.contrib.testing.worker import start_worker

        from config.celery import app

        self.stack.enter_context(
            start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING")
        )

    def stop(self) -> None:
        """Back to tasks run in-process, as in every other test."""
        self.stack.close()


@pytest.fixture
def worker(redis_test_url) -> Iterator[Worker]:
    held = Worker(redis_test_url)
    with held.stack:
        yield held


def axe_violations(page: Page) -> list[dict]:
    """Serious and critical axe-core findings on the page as it is now.

    Results axe marks "needs review" count too (an aria-label a role forbids,
    duplicate ids behind labels), except the contrast of SVG chart text, whose
    background axe cannot work out.
    """
    page.wait_for_load_state()  # a page still on its way has no <head> to add axe to
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_PATH)
    results = page.evaluate("async () => await axe.run(document)")
    found = []
    for result in results["violations"] + results["incomplete"]:
        nodes = [
            n
            for n in result["nodes"]
            if not (result["id"] == "color-contrast" and n["html"].startswith("<text"))
        ]
        if result["impact"] in SERIOUS and nodes:
            found.append({**result, "nodes": nodes})
    return found


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  {v['impact']}: {v['id']} — {v['help']}")
        lines.extend(f"      {n['target']}: {n['failureSummary']}" for n in v["nodes"][:5])
    return "\n".join(lines)


MOBILE = {"width": 390, "height": 844}
# The landing page shows these (static/img/screenshots/: docs/ stays out of the Docker image).
ON_THE_LANDING_PAGE = {"mentee-home", "mentor-home", "dashboard"}
STATIC_SCREENSHOTS = ROOT / "static" / "img" / "screenshots"


def screenshot(page: Page, name: str) -> None:
    """Keep docs/screenshots/ current, at desktop width (``name.png``) and on a phone
    (``name-mobile.png``): the top of the page only, so the files stay small."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or VIEWPORT
    # Once loaded, and a frame after: kindred.js focuses a page's message again then.
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")
    try:
        for suffix, viewport in (("", VIEWPORT), ("-mobile", MOBILE)):
            page.set_viewport_size(viewport)
            page.evaluate("document.activeElement?.blur(); window.scrollTo(0, 0)")
            path = SCREENSHOTS / f"{name}{suffix}.png"
            page.screenshot(path=path, animations="disabled", caret="initial")
            if name in ON_THE_LANDING_PAGE:
                STATIC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, STATIC_SCREENSHOTS / path.name)
    finally:
        page.set_viewport_size(size)
