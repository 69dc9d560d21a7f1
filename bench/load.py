"""A sustained HTTP load with wrk against gunicorn (2 workers) on the main pages.

Each main page alone, then a mix as people use the portal (the home page most, then the
catalogue, their development, the directory, a cohort's applicants for the programme
manager), each request signed in as one of the demo roles (a real session cookie, second factor
recorded). Reports requests per second, errors (socket errors, answers slower than wrk's 10 s
timeout, answers other than 2xx/3xx; `timeouts` and `non2xx` apart), p50 and p95 latency.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings

from .signin import client_for

LUA = r"""
local requests = %(requests)s
local counter = 0
request = function()
  counter = counter + 1
  local r = requests[(counter %% #requests) + 1]
  return wrk.format("GET", r[1], {["Cookie"] = "sessionid=" .. r[2], ["Host"] = "127.0.0.1"})
end
done = function(summary, latency, requests)
  io.write(string.format("JSON{\"requests\":%%d,\"duration_us\":%%d,\"errors\":%%d,\"timeouts\":%%d,\"non2xx\":%%d,\"p50_us\":%%d,\"p95_us\":%%d,\"p99_us\":%%d}\n",
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _session(email: str) -> str:
    return client_for(email).cookies[settings.SESSION_COOKIE_NAME].value


def _wrk(port: int, requests: list[tuple[str, str]], *, seconds: int, connections: int) -> dict:
    lua = LUA % {"requests": "{" + ", ".join(f'{{"{p}", "{s}"}}' for p, s in requests) + "}"}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "--latency",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    data = json.loads(re.search(r"JSON(\{.*\})", output).group(1))
    duration = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "rps": round(data["requests"] / duration, 1),
        "errors": data["errors"] + data["timeouts"] + data["non2xx"],
        "timeouts": data["timeouts"],  # no answer within wrk's --timeout
        "non2xx": data["non2xx"],
        "p50_ms": round(data["p50_us"] / 1000, 1),
        "p95_ms": round(data["p95_us"] / 1000, 1),
        "p99_ms": round(data["p99_us"] / 1000, 1),
    }


def run(
    pages: dict[str, tuple[str, str]], mix: list[tuple[str, int]], *, seconds: int = 15, connections: int = 8, out=None
) -> dict:
    """`pages`: name -> (email, path); `mix`: (page name, weight)."""
    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    sessions = {email: _session(email) for email, _ in pages.values()}
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "techcareers.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=settings.BASE_DIR,
        env=env,
        start_new_session=True,
    )
    results = {"workers": 2, "connections": connections, "seconds": seconds, "pages": {}, "mix": None}
    try:
        _wait(port)
        for name, (email, path) in pages.items():
            _wrk(port, [(path, sessions[email])], seconds=2, connections=connections)  # warm-up
            results["pages"][name] = r = {
                "path": path,
                **_wrk(port, [(path, sessions[email])], seconds=seconds, connections=connections),
            }
            if out:
                out(
                    f"{name:30} {r['rps']:7.1f} req/s  errors {r['errors']}  p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms"
                )
        weighted = [(pages[name][1], sessions[pages[name][0]]) for name, weight in mix for _ in range(weight)]
        results["mix"] = r = {"weights": dict(mix), **_wrk(port, weighted, seconds=seconds, connections=connections)}
        if out:
            out(f"{'mix':30} {r['rps']:7.1f} req/s  errors {r['errors']}  p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return results
