# Helpers of the API tests (tests/api/api_test.py): a store on SQLite or on a throwaway PostgreSQL
# database, the gradus CLI, a `gradus serve` process on a free port, an HTTP client that speaks as
# one user (session cookie + CSRF token, or bearer token), and checks that record every failed
# assertion with the request and the answer instead of stopping at the first one.
#
#   store = Store.make("sqlite", work_dir)            # or "postgresql" (needs GRADUS_TEST_PG)
#   cli = Cli(gradus, store.url)
#   server = Server(gradus, store.url, work_dir).start()
#   admin = Client(server.url).login("admin", password)
#   r = admin.get("/api/v1/enterprises", region="3205")
#   check.status(r, 200, "admin lists firms")
#   server.stop()
#
# Thread-safety: a Client may be used from several threads (each request opens its own
# connection); Checks is locked.
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

SKIP = 77


class Failure(Exception):
    pass


class Store:
    """A fresh store: a SQLite file in the work directory or a new PostgreSQL database."""

    def __init__(self, url, drop=None):
        self.url = url
        self._drop = drop

    @staticmethod
    def make(backend, work):
        if backend == "sqlite":
            path = os.path.join(work, "api.db")
            if os.path.exists(path):
                os.remove(path)
            return Store("sqlite:" + path)
        pg = os.environ.get("GRADUS_TEST_PG", "")
        if not pg:
            if os.environ.get("GRADUS_REQUIRE_PG") == "1":
                print("GRADUS_REQUIRE_PG=1 but GRADUS_TEST_PG is not set", file=sys.stderr)
                sys.exit(1)
            print("GRADUS_TEST_PG not set: skipped", file=sys.stderr)
            sys.exit(SKIP)
        name = "gradus_api_%d" % os.getpid()
        subprocess.run(["psql", "-q", pg, "-c", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name],
                       check=True, capture_output=True)
        subprocess.run(["psql", "-q", pg, "-c", "CREATE DATABASE %s" % name], check=True, capture_output=True)
        base, sep, query = pg.partition("?")
        url = base.rsplit("/", 1)[0] + "/" + name + (sep + query if sep else "")

        def drop():
            subprocess.run(["psql", "-q", pg, "-c", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name],
                           capture_output=True)

        return Store(url, drop)

    def close(self):
        if self._drop:
            self._drop()


class Cli:
    """Runs gradus commands on the store."""

    def __init__(self, gradus, url, cwd):
        self.gradus, self.url, self.cwd = gradus, url, cwd

    def run(self, *args, stdin=None, expect=0):
        cmd = [self.gradus, *args, "--db", self.url, "--lang", "en"]
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=self.cwd, timeout=300)
        if expect is not None and p.returncode != expect:
            raise Failure("%s: exit %d, expected %d\nstdout: %s\nstderr: %s" %
                          (" ".join(cmd), p.returncode, expect, p.stdout, p.stderr))
        return p


class Server:
    """A `gradus serve` process on 127.0.0.1 with a port the system picks."""

    def __init__(self, gradus, url, work, extra=()):
        self.gradus, self.db, self.work, self.extra = gradus, url, work, list(extra)
        self.proc = None
        self.url = None
        self.log_path = None

    def start(self):
        n = len([f for f in os.listdir(self.work) if f.startswith("serve-")])
        self.log_path = os.path.join(self.work, "serve-%d.log" % n)
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([self.gradus, "serve", "--db", self.db, "--listen", "127.0.0.1:0",
                                      "--jobs-dir", os.path.join(self.work, "jobs"), *self.extra],
                                     stdout=subprocess.PIPE, stderr=log)
        line = self.proc.stdout.readline().decode("utf-8", "replace")
        m = re.search(r"http://[0-9.]+:[0-9]+", line)
        if not m:
            self.proc.kill()
            raise Failure("gradus serve printed no address: %r (log %s)" % (line, self.log_path))
        self.url = m.group(0)
        # The rest of stdout (the "stopped" line) is drained so the server never blocks on it.
        self._rest = []
        threading.Thread(target=lambda: self._rest.append(self.proc.stdout.read()), daemon=True).start()
        return self

    @property
    def port(self):
        return int(self.url.rsplit(":", 1)[1])

    def terminate(self, timeout=90):
        """SIGTERM; returns the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def access_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")


class Response:
    def __init__(self, method, target, req_headers, req_body, status, headers, body):
        self.method, self.target, self.req_headers, self.req_body = method, target, req_headers, req_body
        self.status, self.headers, self.body = status, headers, body
        self._json = None

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def headers_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def json(self):
        if self._json is None:
            try:
                self._json = json.loads(self.body.decode("utf-8"))
            except ValueError:
                self._json = {"<not json>": self.body[:300].decode("utf-8", "replace")}
        return self._json

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def describe(self):
        body = self.req_body
        if isinstance(body, bytes):
            body = body[:300].decode("utf-8", "replace") + ("…" if len(self.req_body) > 300 else "")
        hdrs = {k: (v[:12] + "…" if k in ("Authorization", "Cookie") else v) for k, v in self.req_headers.items()}
        return "%s %s %s %s\n  -> %s %s %s" % (self.method, self.target, hdrs, body or "", self.status,
                                                self.header("Content-Type"), self.text[:600])


class Client:
    """One caller of the API: anonymous, a session (cookie + CSRF token) or a bearer token.
    Every answer is also appended to Client.answers (for the check against the OpenAPI document)."""

    answers = []
    _answers_mu = threading.Lock()

    def __init__(self, base, token=None, lang=None):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.token = token
        self.cookie = None
        self.csrf = None
        self.lang = lang
        self.login_response = None

    def with_server(self, server):
        c = Client(server.url, self.token, self.lang)
        c.cookie, c.csrf = self.cookie, self.csrf
        return c

    def request(self, method, path, body=None, headers=None, params=None, csrf=True, timeout=120):
        target = path
        if params:
            target += "?" + urllib.parse.urlencode(params)
        h = {}
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        if self.cookie:
            h["Cookie"] = "gradus_session=" + self.cookie
            if csrf and self.csrf and method in ("POST", "PATCH", "PUT", "DELETE"):
                h["X-CSRF-Token"] = self.csrf
        if self.lang:
            h["Accept-Language"] = self.lang
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode("utf-8")
            h["Content-Type"] = "application/json"
        elif isinstance(body, str):
            body = body.encode("utf-8")
        if headers:
            for k, v in headers.items():
                if v is None:
                    h.pop(k, None)
                else:
                    h[k] = v
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, target, body=body, headers=h)
            r = conn.getresponse()
            data = r.read()
            out = Response(method, target, h, body, r.status, r.getheaders(), data)
            with Client._answers_mu:
                if len(Client.answers) < 20000:
                    Client.answers.append(out)
            return out
        finally:
            conn.close()

    def get(self, path, **params):
        headers = params.pop("headers", None)
        return self.request("GET", path, params=params or None, headers=headers)

    def login(self, user, password):
        r = self.request("POST", "/api/v1/session", {"username": user, "password": password})
        self.login_response = r
        if r.status != 200:
            raise Failure("login of %s failed:\n%s" % (user, r.describe()))
        for v in r.headers_all("Set-Cookie"):
            m = re.match(r"gradus_session=([^;]+)", v)
            if m:
                self.cookie = m.group(1)
        self.csrf = r.json.get("csrf_token")
        return self


class Checks:
    """Assertions that record failures (with the request and answer) and go on."""

    def __init__(self):
        self.failures = []
        self.passed = 0
        self.section = ""
        self._mu = threading.Lock()

    def begin(self, name):
        self.section = name
        print("== " + name, flush=True)

    def fail(self, what, r=None):
        msg = "[%s] %s" % (self.section, what)
        if r is not None:
            msg += "\n  " + r.describe()
        with self._mu:
            self.failures.append(msg)
        print("FAIL " + msg, flush=True)

    def ok(self, cond, what, r=None):
        if cond:
            with self._mu:
                self.passed += 1
            return True
        self.fail(what, r)
        return False

    def status(self, r, expected, what):
        exp = expected if isinstance(expected, (tuple, list, set)) else (expected,)
        return self.ok(r.status in exp, "%s: status %d, expected %s" % (what, r.status, "/".join(map(str, exp))), r)

    def problem(self, r, status, code, what):
        """An error answer: the status, application/problem+json, and the code."""
        if not self.status(r, status, what):
            return False
        ctype = r.header("Content-Type") or ""
        if not self.ok(ctype.startswith("application/problem+json"), "%s: Content-Type %r is not application/problem+json" % (what, ctype), r):
            return False
        j = r.json
        good = all(k in j for k in ("type", "title", "status", "code", "detail")) and j.get("status") == r.status
        if not self.ok(good, "%s: the problem lacks type/title/status/code/detail" % what, r):
            return False
        if code is not None:
            return self.ok(j.get("code") == code, "%s: code %r, expected %r" % (what, j.get("code"), code), r)
        return True

    def keys(self, r, keys, what):
        j = r.json
        missing = [k for k in keys if not isinstance(j, dict) or k not in j]
        return self.ok(not missing, "%s: the answer lacks %s" % (what, ", ".join(missing)), r)
