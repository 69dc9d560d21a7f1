"""The Content-Security-Policy is sent on every page and nothing in a template needs it loosened.

The browser crawl (test_every_page) proves no page it reaches breaks the policy; this scan also
covers templates the crawl cannot reach (e-mails excepted: they are not served to a browser).
"""

import re
from pathlib import Path

from django.conf import settings

from tests.conftest import client_for

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style[\s>]", re.I), "a <style> block"),
    (re.compile(r"\sstyle=", re.I), "a style= attribute"),
    (re.compile(r"\son[a-z]+=[\"']", re.I), "an inline event handler"),
]


def _served_templates():
    for root in [settings.BASE_DIR / "templates", *settings.BASE_DIR.glob("*/templates")]:
        for path in Path(root).rglob("*.html"):
            if "/email/" not in str(path) and not str(path).endswith((".txt",)):
                yield path


def test_every_page_is_sent_with_a_policy_that_allows_no_inline_script_or_style(technician):
    response = client_for(technician).get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


def test_no_template_carries_inline_script_style_or_event_handlers():
    found = []
    for path in _served_templates():
        text = path.read_text()
        text = re.sub(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.S)
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {what}")
    assert not found, "\n".join(found)
