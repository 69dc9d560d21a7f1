"""Every page a role reaches: its SQL query count and server time (p50, p95) in-process.

Pages are found as `tests/accessibility/crawler.py` finds them: start at the home page, follow the
portal's own links (GET only), one URL per pattern (numbers read as N), so a page added later is
measured without editing the benchmark. Each page is requested once to warm up, once with the
queries captured (the count), then `repeat` times for the timing, through the whole middleware
stack (sessions, MFA, institution scope) with the Django test client.
"""

import re
import statistics
import time
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.db import connection

from .signin import ROLES, client_for

# Not pages: signing out, Django's admin, files and exports (measured apart), the bulletin's redirect.
SKIP = re.compile(
    r"^/(admin/|accounts/|static/|media/|programmes/bulletin/go/)|\.(csv|xlsx|pdf|ics|zip|atom|xml)$"
    r"|/(export|download)(/|$)|[?&](format|page)="
)


@dataclass
class PageResult:
    role: str
    path: str
    pattern: str
    status: int
    queries: int
    p50_ms: float
    p95_ms: float


class _Counter:
    """Counts the statements a request runs (Django's captured query log is reset per request)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            attrs = dict(attrs)
            if attrs.get("href") and "download" not in attrs:
                self.hrefs.append(attrs["href"])


def pattern_of(path: str) -> str:
    parts = urlsplit(path)
    query = "&".join(sorted(key.split("=")[0] for key in parts.query.split("&") if key))
    return re.sub(r"\d+", "N", parts.path) + (f"?{query}" if query else "")


def _links(base: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        if href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        parts = urlsplit(urljoin(f"http://127.0.0.1{base}", href))
        if parts.netloc not in ("127.0.0.1", ""):
            continue
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIP.search(local):
            found.append(local)
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * share
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def crawl(role: str, email: str, *, repeat: int = 7, max_pages: int = 60, out=None) -> list[PageResult]:
    client = client_for(email)
    queue, seen, results = ["/"], set(), []
    while queue and len(results) < max_pages:
        path = queue.pop(0)
        pattern = pattern_of(path)
        if pattern in seen:
            continue
        seen.add(pattern)
        response = client.get(path)  # warm-up (and the links to follow)
        if response.status_code >= 400:  # a link the portal offers that fails is a finding
            results.append(PageResult(role, path, pattern, response.status_code, 0, 0.0, 0.0))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        counter = _Counter()
        with connection.execute_wrapper(counter):
            client.get(path)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        result = PageResult(
            role,
            path,
            pattern,
            response.status_code,
            counter.n,
            round(statistics.median(times), 1),
            round(percentile(times, 0.95), 1),
        )
        results.append(result)
        if out:
            out(f"{role:18} {result.queries:4d} q {result.p50_ms:8.1f} {result.p95_ms:8.1f} ms  {path}")
        queue.extend(link for link in _links(path, html) if pattern_of(link) not in seen)
    return results


def run(*, repeat: int = 7, max_pages: int = 60, roles: dict[str, str] | None = None, out=None) -> list[dict]:
    results = []
    for role, email in (roles or ROLES).items():
        results.extend(asdict(r) for r in crawl(role, email, repeat=repeat, max_pages=max_pages, out=out))
    return results
