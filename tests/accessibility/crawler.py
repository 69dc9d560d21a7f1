"""A small crawler that walks the portal as one signed-in person and checks every page it finds.

It starts from the home page, follows same-origin links (GET only), and on every page:

- runs axe-core with the WCAG 2.0, 2.1 and 2.2 A and AA rules (plus axe's best practices for
  landmarks and headings), and records every violation;
- records console errors, uncaught script errors and Content-Security-Policy violations
  (the `securitypolicyviolation` event, which the browser fires for each blocked inline script,
  style or attribute);
- submits each form that has fields once, empty, and checks the page it answers with the same
  way, and that a form that failed shows the error summary.

Pages are found by crawling, so a page added later is checked without editing the test. To keep
the run short, a URL pattern (numbers replaced by N, query keys without values) is visited once
per person, and a person visits at most `max_pages` pages.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

from axe_playwright_python.sync_playwright import Axe

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}

# Links the crawl must not follow: signing out ends the session, Django's admin is not the
# portal's own design, files are not pages, and the bulletin's click-counting redirect leads
# off the portal (an external post's own site) and would count the crawler's clicks. The API
# (/api/v1/) answers machines: its schema is YAML, and its Swagger UI is third-party and does not
# pass axe (contrast, nested controls, target size); /api/docs/ is the portal's accessible page.
SKIP_PATH = re.compile(
    r"^/(admin/|accounts/logout/|static/|media/|programmes/bulletin/go/|api/v1/)|\.(csv|xlsx|pdf|ics|zip)$|/(export|download)(/|$)|[?&]format="
)
# Forms the crawl must not submit even empty: they end the session or remove a second factor.
SKIP_FORM_ACTION = re.compile(r"logout|deactivate|/2fa/recovery-codes/generate|/accounts/email/")

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`
    + ` at ${event.sourceFile || ''}:${event.lineNumber}`
  );
});
"""

TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"

# What sticks out past the window's right edge, when the page is wider than the window.
TOO_WIDE = """() => {
  if (document.documentElement.scrollWidth <= window.innerWidth) return null;
  const clipped = el => {
    for (let box = el.parentElement; box; box = box.parentElement) {
      if (['auto', 'hidden', 'scroll'].includes(getComputedStyle(box).overflowX)) return true;
    }
    return false;
  };
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(el))
    .slice(-3)
    .map(el => `${el.tagName.toLowerCase()}.${(el.getAttribute('class') || '').split(' ').join('.')}`);
}"""


@dataclass
class Crawl:
    page: object
    base_url: str
    who: str
    max_pages: int = 40
    skip: object = None  # a compiled pattern of paths another test already checks
    problems: list = field(default_factory=list)
    visited: list = field(default_factory=list)
    _patterns: set = field(default_factory=set)
    _forms: set = field(default_factory=set)
    _console: list = field(default_factory=list)

    def __post_init__(self):
        self.axe = Axe()
        self.page.add_init_script(CSP_LISTENER)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self._console.append(f"script error: {error}"))

    def _on_console(self, message):
        if message.type == "error":
            self._console.append(f"console error: {message.text}")

    # --- walking -----------------------------------------------------------------------

    def crawl(self, start="/"):
        queue = [start]
        while queue and len(self.visited) < self.max_pages:
            url = queue.pop(0)
            pattern = _pattern(url)
            if pattern in self._patterns:
                continue
            self._patterns.add(pattern)
            if not self.visit(url):
                continue
            for link in self.links():
                if _pattern(link) not in self._patterns:
                    queue.append(link)
            self.submit_forms_empty(url)

    def visit(self, url, expect_status=None):
        """Open `url`, check it, and say whether it is an HTML page worth crawling from."""
        self._console.clear()
        try:
            response = self.page.goto(url, wait_until="load")
        except Exception as error:  # a link to a file starts a download instead of a page
            if "Download is starting" in str(error):
                return False
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            return False
        self.visited.append(url)
        status = response.status
        if expect_status is not None:
            if status != expect_status:
                self.problems.append(f"{self.who} {url}: answered {status}, expected {expect_status}")
            self._forget_document_status(status)
        elif status >= 400:
            self.problems.append(f"{self.who} {url}: answered {status} to a link the portal offers")
        self.check(url)
        return True

    def links(self):
        hrefs = self.page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map(link => link.getAttribute('href'))"
        )
        found = []
        for href in hrefs:
            if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
                continue
            absolute = urljoin(self.page.url, href)
            parts = urlsplit(absolute)
            if f"{parts.scheme}://{parts.netloc}" != self.base_url:
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if SKIP_PATH.search(local) or (self.skip is not None and self.skip.search(local)):
                continue
            found.append(local)
        return found

    def submit_forms_empty(self, url):
        """Submit each form with fields once, emptied, and check the page that answers."""
        forms = self.page.eval_on_selector_all(
            "main form",
            """forms => forms.map((form, index) => ({
                index,
                method: (form.getAttribute('method') || 'get').toLowerCase(),
                action: form.getAttribute('action') || '',
                htmx: form.hasAttribute('hx-post'),
                fields: form.querySelectorAll(
                  'input:not([type=hidden]):not([type=submit]):not([type=button]), textarea, select'
                ).length,
            }))""",
        )
        for form in forms:
            if form["method"] != "post" or not form["fields"] or SKIP_FORM_ACTION.search(form["action"]):
                continue
            # one form, one check, whichever page shows it (a form posting to itself is its page's)
            key = _pattern(form["action"]) if form["action"] else _pattern(url)
            if key in self._forms:
                continue
            self._forms.add(key)
            self.page.goto(url, wait_until="load")
            self._console.clear()
            self.page.evaluate(
                """index => {
                    const form = document.querySelectorAll('main form')[index];
                    form.noValidate = true;  // let the server answer, as it must for any browser
                    form.querySelectorAll('input[type=text], input[type=email], input[type=number],'
                      + ' input[type=date], input[type=url], input[type=password], textarea')
                      .forEach(field => { if (!field.readOnly) field.value = ''; });
                }""",
                form["index"],
            )
            submit = "index => document.querySelectorAll('main form')[index].requestSubmit()"
            if form["htmx"]:  # htmx answers in place: wait for its answer to be swapped in
                with self.page.expect_response(lambda response: response.request.method == "POST"):
                    self.page.evaluate(submit, form["index"])
                self.page.wait_for_timeout(300)  # htmx may send the browser to a new page instead
                self.page.wait_for_load_state("networkidle")
            else:
                with self.page.expect_navigation(wait_until="load") as navigation:
                    self.page.evaluate(submit, form["index"])
                if navigation.value is not None:  # a form that failed may answer 400, as it should
                    self._forget_document_status(navigation.value.status)
            where = f"{url} (form {form['action'] or 'to itself'} sent empty)"
            self.check(where)
            if self.page.locator(".is-invalid, .errorlist, .invalid-feedback").count():
                summary = self.page.locator("[data-error-summary]")
                if not summary.count():
                    self.problems.append(f"{self.who} {where}: shows field errors but no error summary")

    def _forget_document_status(self, status):
        """The browser logs the page's own error status as a failed resource: not a fault."""
        self._console[:] = [m for m in self._console if f"status of {status} " not in m]

    # --- checking ----------------------------------------------------------------------

    def check(self, where):
        results = self.axe.run(self.page, options=AXE_OPTIONS)
        for violation in results.response["violations"]:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            self.problems.append(
                f"{self.who} {where}: axe {violation['id']} ({violation['impact']}) on "
                f"{len(violation['nodes'])} element(s), e.g. {targets}: {violation['help']}"
            )
        # On a phone (390 px) nothing may widen the page: tables scroll inside their own box.
        size = self.page.viewport_size
        self.page.set_viewport_size({"width": 390, "height": 844})
        self.page.evaluate(TWO_FRAMES)  # charts and scripts resize on the next frames
        overflow = self.page.evaluate(TOO_WIDE)
        self.page.set_viewport_size(size)
        if overflow is not None:
            self.problems.append(f"{self.who} {where}: wider than a 390 px phone, e.g. {overflow}")
        blocked = self.page.evaluate("window.__cspViolations || []")
        for violation in blocked:
            self.problems.append(f"{self.who} {where}: CSP {violation}")
        for message in self._console:
            self.problems.append(f"{self.who} {where}: {message}")
        self._console.clear()


def _pattern(url):
    """`/programmes/12/apply/?page=2` -> `/programmes/N/apply/?page`: one visit per kind of page."""
    parts = urlsplit(url)
    path = re.sub(r"\d+", "N", parts.path)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")
