#!/usr/bin/env python3
# The HTTP API tests (issue 10), run by ctest (tests/api.cmake) on SQLite and on PostgreSQL:
# a fresh store (init + demo of 200 firms), users made with the CLI (admin, an official of one
# park, an official of one region, a reviewer, two enterprise users), `gradus serve` on a free
# port, then real HTTP requests: sessions and tokens, every route, the access matrix of the roles,
# If-Match and concurrent edits, imports and Idempotency-Key, assessment runs as jobs, bad input,
# a slow client, two processes on one store, 20 concurrent writers, SIGTERM during writes, and the
# OpenAPI document against the routes and every answer. Every failed assertion is printed with its request and answer; the exit code is 1
# when any failed (77: PostgreSQL asked for but not available, unless GRADUS_REQUIRE_PG=1).
#
#   python3 tests/api/api_test.py build/gradus . sqlite /tmp/api-work
#   GRADUS_REQUIRE_PG=1 scripts/with-postgres.sh python3 tests/api/api_test.py build/gradus . postgresql /tmp/w
import csv
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gradus_http import Checks, Cli, Client, Failure, Server, Store  # noqa: E402

PASSWORD = "api-test-password-1"


# The main server's workflow date (gradus serve --today; GRADUS_ALLOW_TEST_CLOCK=1 is set in
# main()): a notice published then runs across the National Day holiday of 2026.
WORKFLOW_TODAY = "2026-09-28"


def first_line_uscc(text):
    return re.findall(r"\b[0-9A-HJ-NPQRTUWXY]{18}\b", text)


class World:
    """The store, the server and the users of one run."""

    def __init__(self, gradus, source, backend, work):
        self.gradus, self.source, self.backend, self.work = os.path.abspath(gradus), os.path.abspath(source), backend, work
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(os.path.join(work, "jobs"))
        self.store = Store.make(backend, work)
        self.cli = Cli(self.gradus, self.store.url, self.source)
        self.servers = []

    def serve(self, *extra):
        s = Server(self.gradus, self.store.url, self.work, extra).start()
        self.servers.append(s)
        return s

    def setup(self, check):
        check.begin("setup")
        out = self.cli.run("init").stdout
        m = re.search(r"\n([A-Za-z0-9_-]{12,})\s*$", out)
        if not m:
            raise Failure("gradus init printed no admin password:\n" + out)
        self.admin_password = m.group(1)
        self.cli.run("demo", "--enterprises", "200")
        # The workflow's dates on a test clock inside the years the holiday file covers, so that
        # notices (counted in working days) do not depend on the day the tests run.
        self.server = self.serve("--today", WORKFLOW_TODAY)
        self.admin = Client(self.server.url).login("admin", self.admin_password)
        firms = self.all_firms(self.admin)
        check.ok(len(firms) == 200, "the demo pool has %d firms, expected 200" % len(firms))
        self.firms = firms
        # A park and a region (province prefix) of the demo pool, each with some firms but not all.
        parks = {}
        regions = {}
        for f in firms:
            if f.get("park"):
                parks.setdefault(f["park"], []).append(f["uscc"])
            if f.get("region"):
                regions.setdefault(str(f["region"])[:2], []).append(f["uscc"])
        self.park = max((p for p in parks if len(parks[p]) < len(firms)), key=lambda p: len(parks[p]))
        self.park_firms = set(parks[self.park])
        self.region = max((r for r in regions if len(regions[r]) < len(firms)), key=lambda r: len(regions[r]))
        self.region_firms = set(regions[self.region])
        # Two firms for the enterprise users, one outside the park; firms for the edit tests.
        outside = [f["uscc"] for f in firms if f["uscc"] not in self.park_firms and f["uscc"] not in self.region_firms]
        self.firm_a = sorted(self.park_firms)[0]
        self.firm_b = outside[0]
        self.outside = outside[1]
        print("park %s (%d firms), region %s (%d firms), firms %s %s" %
              (self.park, len(self.park_firms), self.region, len(self.region_firms), self.firm_a, self.firm_b), flush=True)
        pw = PASSWORD + "\n"
        self.cli.run("user", "add", "parkofficial", "--role", "official", "--parks", self.park, "--password-stdin", stdin=pw)
        self.cli.run("user", "add", "regionofficial", "--role", "official", "--regions", self.region, "--password-stdin", stdin=pw)
        self.cli.run("user", "add", "rev", "--role", "reviewer", "--level", "province", "--password-stdin", stdin=pw)
        self.cli.run("user", "add", "firma", "--role", "enterprise", "--uscc", self.firm_a, "--password-stdin", stdin=pw)
        self.cli.run("user", "add", "firmb", "--role", "enterprise", "--uscc", self.firm_b, "--password-stdin", stdin=pw)
        self.admin_token = self.cli.run("user", "token", "admin", "--label", "api-test").stdout.strip()
        self.users = {
            "admin": self.admin,
            "parkofficial": Client(self.server.url).login("parkofficial", PASSWORD),
            "regionofficial": Client(self.server.url).login("regionofficial", PASSWORD),
            "rev": Client(self.server.url).login("rev", PASSWORD),
            "firma": Client(self.server.url).login("firma", PASSWORD),
            "firmb": Client(self.server.url).login("firmb", PASSWORD),
        }
        self.token_client = Client(self.server.url, token=self.admin_token)
        self.openapi = Client(self.server.url).get("/api/v1/openapi.json").json
        self.trickler = Trickler(self.server.port)

    def all_firms(self, client, **params):
        out, page = [], 1
        while True:
            r = client.get("/api/v1/enterprises", page=page, page_size=1000, **params)
            if r.status != 200:
                raise Failure("listing firms failed:\n" + r.describe())
            out += r.json["items"]
            if len(out) >= r.json["total"] or not r.json["items"]:
                return out
            page += 1

    def close(self):
        for s in self.servers:
            s.stop()
        self.store.close()


class Trickler:
    """A client sending a request one byte a second, for the whole run: the server must cut it
    off at its request deadline (30 s) while serving everyone else."""

    def __init__(self, port):
        self.started = time.time()
        self.closed_after = None
        self.sock = socket.create_connection(("127.0.0.1", port))
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        msg = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 120
        for b in msg:
            try:
                self.sock.send(bytes([b]))
                self.sock.settimeout(1.0)
                try:
                    if self.sock.recv(4096) == b"":
                        break  # closed by the server
                except socket.timeout:
                    pass
            except OSError:
                break
        self.closed_after = time.time() - self.started
        self.sock.close()


# --- sessions, tokens ---

def test_sessions(w, check):
    check.begin("sessions and tokens")
    r = w.admin.login_response
    cookies = r.headers_all("Set-Cookie")
    cookie = next((c for c in cookies if c.startswith("gradus_session=")), "")
    check.ok("HttpOnly" in cookie, "the session cookie is not HttpOnly: %r" % cookie, r)
    check.ok("SameSite=Strict" in cookie, "the session cookie is not SameSite=Strict: %r" % cookie, r)
    check.ok(isinstance(r.json.get("csrf_token"), str) and len(r.json["csrf_token"]) >= 16, "login returns no csrf_token", r)
    check.ok(r.json.get("user", {}).get("role") == "admin", "login's user is not the admin", r)

    anon = Client(w.server.url)
    r = anon.request("POST", "/api/v1/session", {"username": "rev", "password": "wrong password here"})
    check.problem(r, 401, "invalid_credentials", "wrong password")
    check.ok(not any(c.startswith("gradus_session=") and "Max-Age=0" not in c and len(c.split(";")[0]) > 16
                     for c in r.headers_all("Set-Cookie")), "a failed login sets a session cookie", r)
    r = anon.get("/api/v1/session")
    check.problem(r, 401, "unauthenticated", "no authentication")
    check.ok(r.header("WWW-Authenticate") is not None, "401 without WWW-Authenticate", r)
    r = anon.get("/api/v1/enterprises")
    check.problem(r, 401, "unauthenticated", "list without authentication")

    s = Client(w.server.url).login("parkofficial", PASSWORD)
    r = s.get("/api/v1/session")
    if check.status(r, 200, "GET session with the cookie"):
        check.ok(r.json.get("via") == "session" and r.json.get("user", {}).get("name") == "parkofficial"
                 and r.json.get("csrf_token") == s.csrf, "GET session: wrong user/via/csrf_token", r)
    r = s.request("DELETE", "/api/v1/session", csrf=False)
    check.problem(r, 403, "csrf_failed", "logout without X-CSRF-Token")
    r = s.request("DELETE", "/api/v1/session")
    check.status(r, 204, "logout")
    r = s.get("/api/v1/session")
    check.problem(r, 401, "unauthenticated", "the session after logout")

    r = w.token_client.get("/api/v1/session")
    if check.status(r, 200, "GET session with a bearer token"):
        check.ok(r.json.get("via") == "token" and r.json.get("user", {}).get("name") == "admin", "bearer: wrong via/user", r)
    r = w.token_client.get("/api/v1/enterprises", page_size=1)
    check.status(r, 200, "list with a bearer token")
    r = Client(w.server.url, token="gradus_00000000000000000000000000000000").get("/api/v1/session")
    check.problem(r, 401, "unauthenticated", "an unknown bearer token")

    # Five wrong passwords in a row lock the account, even for the right password afterwards.
    r = w.admin.request("POST", "/api/v1/users", {"name": "locky", "role": "reviewer", "level": "province", "password": PASSWORD})
    check.status(r, 201, "admin adds a user")
    for k in range(5):
        r = anon.request("POST", "/api/v1/session", {"username": "locky", "password": "not the password %d" % k})
        check.ok(r.status in (401, 429), "wrong password %d for locky: %d" % (k, r.status), r)
    r = anon.request("POST", "/api/v1/session", {"username": "locky", "password": PASSWORD})
    if check.problem(r, 429, "account_locked", "the right password after five wrong ones"):
        check.ok(r.header("Retry-After") is not None, "account_locked without Retry-After", r)


# --- every route ---

def route_requests(w):
    """One good request (as admin) per route pattern, and the keys its answer must have."""
    u = w.firm_a
    return {
        ("GET", "/healthz"): (lambda c: c.get("/healthz"), 200, ["status", "head_batch"]),
        ("GET", "/metrics"): (lambda c: c.get("/metrics"), 200, None),
        ("GET", "/api/v1/openapi.json"): (lambda c: c.get("/api/v1/openapi.json"), 200, ["openapi", "paths"]),
        ("POST", "/api/v1/session"): (lambda c: Client(w.server.url).request("POST", "/api/v1/session", {"username": "admin", "password": w.admin_password}), 200, ["csrf_token", "user"]),
        ("GET", "/api/v1/session"): (lambda c: c.get("/api/v1/session"), 200, ["user", "via"]),
        ("DELETE", "/api/v1/session"): (lambda c: Client(w.server.url).login("admin", w.admin_password).request("DELETE", "/api/v1/session"), 204, None),
        ("GET", "/api/v1/enterprises"): (lambda c: c.get("/api/v1/enterprises", region=w.region, sort="-uscc", page_size=5), 200, ["items", "total", "page", "page_size"]),
        ("GET", "/api/v1/enterprises/{uscc}"): (lambda c: c.get("/api/v1/enterprises/" + u), 200, ["uscc", "version"]),
        ("PATCH", "/api/v1/enterprises/{uscc}"): (lambda c: patch_fact(c, u, "2023", 4321.5), 200, ["uscc", "version", "batch"]),
        ("GET", "/api/v1/enterprises/{uscc}/assessments"): (lambda c: c.get("/api/v1/enterprises/%s/assessments" % u), 200, ["uscc", "results"]),
        ("GET", "/api/v1/enterprises/{uscc}/explanation"): (lambda c: c.get("/api/v1/enterprises/%s/explanation" % u), 200, ["uscc", "results"]),
        ("GET", "/api/v1/enterprises/{uscc}/gaps"): (lambda c: c.get("/api/v1/enterprises/%s/gaps" % u), 200, ["uscc", "gaps"]),
        ("GET", "/api/v1/enterprises/{uscc}/path"): (lambda c: c.get("/api/v1/enterprises/%s/path" % u), 200, ["uscc", "steps"]),
        ("POST", "/api/v1/enterprises/{uscc}/whatif"): (lambda c: c.request("POST", "/api/v1/enterprises/%s/whatif" % u, {"set": {"rd_expense@2025": "900"}}), 200, ["uscc", "results"]),
        ("GET", "/api/v1/enterprises/{uscc}/history"): (lambda c: c.get("/api/v1/enterprises/%s/history" % u), 200, ["items"]),
        ("POST", "/api/v1/imports"): (lambda c: c.request("POST", "/api/v1/imports", read_sample(w, "pool.csv"), {"Content-Type": "text/csv"}, {"dry_run": "true"}), 200, ["dry_run", "rows_read", "enterprises_in_input"]),
        ("POST", "/api/v1/assessment-runs"): (lambda c: c.request("POST", "/api/v1/assessment-runs", {"policies": ["srdi-sme"]}), 202, ["id", "state", "location"]),
        ("GET", "/api/v1/jobs/{id}"): (lambda c: c.get(start_job(c)), 200, ["id", "state", "progress"]),
        ("GET", "/api/v1/jobs/{id}/result"): (lambda c: c.get(finished_job(c) + "/result", format="csv"), 200, None),
        ("GET", "/api/v1/potential"): (lambda c: c.get("/api/v1/potential", policy=first_tier(c), top=5), 200, ["policy", "items", "total"]),
        ("GET", "/api/v1/stats"): (lambda c: c.get("/api/v1/stats"), 200, ["enterprises", "policies"]),
        ("GET", "/api/v1/policies"): (lambda c: c.get("/api/v1/policies"), 200, ["as_of", "items"]),
        ("GET", "/api/v1/policies/{id}/{version}"): (lambda c: c.get("/api/v1/policies/%s/%s" % first_policy(c)), 200, ["id", "version", "criteria"]),
        ("GET", "/api/v1/policy-diff"): (lambda c: c.get("/api/v1/policy-diff", **{"from": policy_key(c, 0), "to": policy_key(c, -1)}), 200, ["items", "total", "transitions"]),
        ("GET", "/api/v1/audit"): (lambda c: c.get("/api/v1/audit", page_size=5), 200, ["items", "total"]),
        ("GET", "/api/v1/users"): (lambda c: c.get("/api/v1/users"), 200, ["items", "total"]),
        ("POST", "/api/v1/users"): (lambda c: c.request("POST", "/api/v1/users", {"name": "added%d" % time.monotonic_ns(), "role": "reviewer", "level": "province", "password": PASSWORD}), 201, ["name", "role"]),
        ("PATCH", "/api/v1/users/{name}"): (lambda c: c.request("PATCH", "/api/v1/users/rev", {"level": "province"}), 200, ["name", "role"]),
        ("GET", "/api/v1/users/{name}/tokens"): (lambda c: c.get("/api/v1/users/firmb/tokens"), 200, ["items"]),
        ("POST", "/api/v1/users/{name}/tokens"): (lambda c: c.request("POST", "/api/v1/users/firmb/tokens", {"label": "t%d" % time.monotonic_ns()}), 201, ["user", "label", "token"]),
        ("DELETE", "/api/v1/users/{name}/tokens/{label}"): (lambda c: c.request("DELETE", "/api/v1/users/firmb/tokens/" + c.request("POST", "/api/v1/users/firmb/tokens", {"label": "d%d" % time.monotonic_ns()}).json["label"]), 204, None),
        ("POST", "/api/v1/applications"): (lambda c: new_application(w, c), 201, ["id", "status", "frozen", "allowed_actions"]),
        ("GET", "/api/v1/applications"): (lambda c: c.get("/api/v1/applications"), 200, ["items"]),
        ("GET", "/api/v1/applications/{id}"): (lambda c: c.get("/api/v1/applications/%d" % new_application(w, c).json["id"]), 200, ["id", "timeline", "evidence"]),
        ("POST", "/api/v1/applications/{id}/evidence"): (lambda c: c.request("POST", "/api/v1/applications/%d/evidence" % new_application(w, c).json["id"], PDF, {"Content-Type": "application/pdf"}, {"name": "营业执照.pdf"}), 201, ["seq", "sha256"]),
        ("GET", "/api/v1/applications/{id}/evidence/{seq}"): (lambda c: c.get(c.request("POST", "/api/v1/applications/%d/evidence" % new_application(w, c).json["id"], PDF, {"Content-Type": "application/pdf"}, {"name": "a.pdf"}).json["download"]), 200, None),
        ("POST", "/api/v1/applications/{id}/submit"): (lambda c: c.request("POST", "/api/v1/applications/%d/submit" % new_application(w, c).json["id"], {"declaration": True}), 200, ["status"]),
        ("POST", "/api/v1/applications/{id}/actions"): (lambda c: c.request("POST", "/api/v1/applications/%d/actions" % new_application(w, c).json["id"], {"action": "withdraw"}), 200, ["status"]),
        ("POST", "/api/v1/notices"): (lambda c: c.request("POST", "/api/v1/notices", {"applications": [approved_application(w, c)], "title": "路由检查"}), 201, ["id", "ends_on", "status"]),
        ("GET", "/api/v1/notices"): (lambda c: c.get("/api/v1/notices"), 200, ["items"]),
        ("GET", "/api/v1/notices/{id}"): (lambda c: c.get("/api/v1/notices/%d" % new_notice(w, c)), 200, ["id", "applications", "objections"]),
        ("POST", "/api/v1/notices/{id}/objections"): (lambda c: object_to(w, c, new_notice(w, c)), 201, ["notice", "seq"]),
        ("POST", "/api/v1/notices/{id}/objections/{seq}/resolve"): (lambda c: (lambda n: c.request("POST", "/api/v1/notices/%d/objections/%d/resolve" % (n, object_to(w, c, n).json["seq"]), {"upheld": False, "reason": "查无实据"}))(new_notice(w, c)), 200, ["resolution"]),
        ("POST", "/api/v1/notices/{id}/close"): (lambda c: c.request("POST", "/api/v1/notices/%d/close" % new_notice(w, c)), 409, None),
        ("GET", "/api/v1/export"): (lambda c: c.get("/api/v1/export", format="xlsx", park=w.park), 200, None),
        ("GET", "/api/v1/import-template"): (lambda c: c.get("/api/v1/import-template"), 200, None),
        ("GET", "/api/v1/runs"): (lambda c: c.get("/api/v1/runs"), 200, ["items"]),
        ("GET", "/api/v1/runs/{before}/diff/{after}"): (lambda c: c.get("/api/v1/runs/%d/diff/%d" % saved_runs(c)), 200, ["before", "after", "outcome_changes", "items"]),
        ("POST", "/api/v1/title-imports"): (lambda c: c.request("POST", "/api/v1/title-imports", title_list(w, [w.firm_a]), {"Content-Type": "text/csv"}, {"dry_run": "true"}), 200, ["rows", "counts", "report", "titles"]),
        ("GET", "/api/v1/audit/verify"): (lambda c: c.get("/api/v1/audit/verify"), 200, ["ok", "entries", "head_hash"]),
        ("POST", "/api/v1/gap-reports"): (lambda c: c.request("POST", "/api/v1/gap-reports", {"policies": ["srdi-sme"], "summary": True}), 202, ["id", "state", "location"]),
    }


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
_next_firm = [0]


def new_application(w, c, policy="innovative-sme"):
    """A new draft by `c` (an admin or official) for the next firm of the pool that does not hold
    the tier and has no application for it yet."""
    while _next_firm[0] < len(w.firms):
        u = w.firms[_next_firm[0]]["uscc"]
        _next_firm[0] += 1
        if u in (w.firm_a, w.firm_b):
            continue
        r = c.request("POST", "/api/v1/applications", {"uscc": u, "policy": policy})
        if r.status == 201:
            return r
    raise Failure("no firm left to apply for %s" % policy)


_workflow_reviewers = {}


def workflow_reviewer(w, level):
    """A reviewer of `level` (made once per run) for the notice tests."""
    if level not in _workflow_reviewers:
        w.cli.run("user", "add", "wf-" + level, "--role", "reviewer", "--level", level, "--password-stdin", stdin=PASSWORD + "\n")
        _workflow_reviewers[level] = Client(w.server.url).login("wf-" + level, PASSWORD)
    return _workflow_reviewers[level]


def approved_application(w, c, policy="innovative-sme"):
    """A new application of a firm, submitted and approved at every level of its workflow (its id)."""
    r = new_application(w, c, policy)
    loc = "/api/v1/applications/%d" % r.json["id"]
    if c.request("POST", loc + "/submit", {"declaration": True}).status != 200:
        raise Failure("submitting an application for the notice failed")
    levels = {"innovative-sme": ["city", "province"], "srdi-sme": ["city", "province"]}[policy]
    for level in levels:
        a = workflow_reviewer(w, level).request("POST", loc + "/actions", {"action": "approve"})
        if a.status != 200:
            raise Failure("approving at %s failed:\n%s" % (level, a.describe()))
    return r.json["id"]


def new_notice(w, c):
    r = c.request("POST", "/api/v1/notices", {"applications": [approved_application(w, c)], "title": "测试公示"})
    if r.status != 201:
        raise Failure("publishing a notice failed:\n" + r.describe())
    return r.json["id"]


def object_to(w, c, notice):
    n = c.get("/api/v1/notices/%d" % notice).json
    return c.request("POST", "/api/v1/notices/%d/objections" % notice,
                     {"application": n["applications"][0], "objector": "张某", "contact": "0512-0000000", "text": "数据存疑"})


def saved_runs(c):
    """Two saved runs of srdi-sme (their numbers)."""
    ids = []
    for _ in range(2):
        r = c.request("POST", "/api/v1/assessment-runs", {"policies": ["srdi-sme"], "save_run": True})
        if r.status != 202:
            raise Failure("saving a run failed:\n" + r.describe())
        job = wait_job(c, r.header("Location"))
        if job.json.get("state") != "succeeded" or "run" not in job.json.get("summary", {}):
            raise Failure("the saved run's job did not succeed with a run number:\n" + job.describe())
        ids.append(job.json["summary"]["run"])
    return tuple(ids)


def title_list(w, firms, tier="专精特新中小企业", year="2025"):
    """A published list naming `firms` (by their names in the pool) and one firm nobody has."""
    names = {f["uscc"]: f["name"] for f in w.firms}
    rows = ["企业名称,称号,批次,年度,省份"]
    for u in firms:
        rows.append("%s,%s,%s年第一批,%s,江苏省" % (names[u], tier, year, year))
    rows.append("无此企业有限公司,%s,%s年第一批,%s,江苏省" % (tier, year, year))
    return ("\n".join(rows) + "\n").encode("utf-8")


def read_sample(w, name):
    with open(os.path.join(w.source, "samples", name), "rb") as f:
        return f.read()


def patch_fact(c, uscc, year, value, field="revenue", etag=None):
    if etag is None:
        g = c.get("/api/v1/enterprises/" + uscc)
        etag = g.header("ETag")
    return c.request("PATCH", "/api/v1/enterprises/" + uscc, {"years": {year: {field: value}}}, {"If-Match": etag})


_policies = {}


def policies(c):
    if not _policies:
        r = c.get("/api/v1/policies")
        _policies["items"] = r.json.get("items", []) if r.status == 200 else []
    return _policies["items"]


def first_policy(c):
    p = policies(c)[0] if policies(c) else {"id": "x", "version": "y"}
    return p["id"], p["version"]


def first_tier(c):
    tiers = [p["id"] for p in policies(c) if p.get("kind") == "tier" and p.get("in_force")]
    return tiers[0] if tiers else "srdi-sme"


def policy_key(c, k):
    # Two versions of one policy when there are, else the same version twice.
    by_id = {}
    for p in policies(c):
        by_id.setdefault(p["id"], []).append(p["version"])
    pid = max(by_id, key=lambda i: len(by_id[i])) if by_id else "x"
    versions = by_id.get(pid, ["y"])
    return "%s@%s" % (pid, versions[k])


def start_job(c, body=None):
    r = c.request("POST", "/api/v1/assessment-runs", body if body is not None else {"policies": ["srdi-sme"]})
    if r.status != 202:
        raise Failure("starting an assessment run failed:\n" + r.describe())
    return r.header("Location")


def wait_job(c, location, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        r = c.get(location)
        if r.status != 200:
            raise Failure("polling the job failed:\n" + r.describe())
        if r.json.get("state") in ("succeeded", "failed"):
            return r
        time.sleep(0.1)
    raise Failure("the job %s did not finish in %d s" % (location, seconds))


def finished_job(c):
    loc = start_job(c)
    wait_job(c, loc)
    return loc


def run_routes(w, check):
    check.begin("every route")
    p = w.server.proc
    routes = w.cli.run("serve", "--routes").stdout.split("\n")
    routes = [tuple(x.split(" ", 1)) for x in routes if x.strip()]
    table = route_requests(w)
    for route in routes:
        if route not in table:
            check.fail("route %s %s has no test request (add one to route_requests)" % route)
            continue
        fn, status, keys = table[route]
        try:
            r = fn(w.admin)
        except Failure as e:
            check.fail("%s %s: %s" % (route[0], route[1], e))
            continue
        if check.status(r, status, "%s %s" % route) and keys:
            check.keys(r, keys, "%s %s" % route)
        check_documented(w, check, route, r)
        # An error of the route, as documented.
        if route[1].startswith("/api/v1/") and route not in (("POST", "/api/v1/session"), ("GET", "/api/v1/openapi.json")):
            anon = Client(w.server.url).request(route[0], route[1].replace("{", "x").replace("}", ""), {})
            check.problem(anon, (401, 404, 405), None, "%s %s without authentication" % route)
            check_documented(w, check, route, anon)
    for route in table:
        check.ok(route in routes, "route %s %s is tested but `gradus serve --routes` does not list it" % route)
    check.ok(p.poll() is None, "the server died")

    # Errors: problem+json, and the language of Accept-Language.
    en = Client(w.server.url, token=w.admin_token, lang="en").get("/api/v1/enterprises/91000000000000000X")
    zh = Client(w.server.url, token=w.admin_token, lang="zh-CN").get("/api/v1/enterprises/91000000000000000X")
    if check.problem(en, 404, "not_found", "unknown firm (en)") and check.problem(zh, 404, "not_found", "unknown firm (zh)"):
        check.ok(en.json["detail"] != zh.json["detail"], "Accept-Language en and zh-CN give the same detail", en)
        check.ok(re.search(r"[\u4e00-\u9fff]", zh.json["detail"]) is not None, "zh-CN detail has no Chinese: %r" % zh.json["detail"], zh)
        check.ok(re.search(r"[\u4e00-\u9fff]", en.json["detail"]) is None, "en detail has Chinese: %r" % en.json["detail"], en)
    r = w.admin.get("/api/v1/no-such-thing")
    check.problem(r, 404, "not_found", "unknown path")
    r = w.admin.request("PUT", "/api/v1/enterprises")
    check.problem(r, 405, "method_not_allowed", "PUT on the list")
    check.ok(r.header("Allow") is not None and "GET" in (r.header("Allow") or ""), "405 without Allow: GET", r)
    r = w.admin.get("/api/v1/enterprises", page="0")
    check.problem(r, 422, "invalid_parameter", "page=0")
    r = w.admin.get("/api/v1/enterprises", as_of="2026-13-45")
    check.problem(r, 422, "invalid_parameter", "as_of=2026-13-45")


def schema_errors(doc, schema, value, where="$", depth=0):
    """The places where `value` breaks the documented schema (a small subset of JSON Schema:
    $ref, allOf, oneOf, type, const, enum, required, properties, items)."""
    if depth > 40 or not isinstance(schema, dict):
        return []
    if "$ref" in schema:
        node = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        return schema_errors(doc, node, value, where, depth + 1)
    errs = []
    for sub in schema.get("allOf", []):
        errs += schema_errors(doc, sub, value, where, depth + 1)
    if "oneOf" in schema and all(schema_errors(doc, sub, value, where, depth + 1) for sub in schema["oneOf"]):
        errs.append("%s: matches none of oneOf" % where)
    types = schema.get("type")
    if types is not None:
        types = types if isinstance(types, list) else [types]
        kinds = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list, "object": dict, "null": type(None)}
        ok = any(isinstance(value, kinds[t]) and not (t in ("integer", "number") and isinstance(value, bool)) for t in types if t in kinds)
        if not ok:
            return errs + ["%s: %r is not %s" % (where, value if not isinstance(value, (dict, list)) else type(value).__name__, "/".join(types))]
    if "const" in schema and value != schema["const"]:
        errs.append("%s: %r is not %r" % (where, value, schema["const"]))
    if "enum" in schema and value not in schema["enum"]:
        errs.append("%s: %r is not one of %s" % (where, value, schema["enum"]))
    if isinstance(value, dict):
        for k in schema.get("required", []):
            if k not in value:
                errs.append("%s: lacks %s" % (where, k))
        for k, sub in schema.get("properties", {}).items():
            if k in value:
                errs += schema_errors(doc, sub, value[k], where + "." + k, depth + 1)
    if isinstance(value, list) and "items" in schema:
        for i, x in enumerate(value[:50]):
            errs += schema_errors(doc, schema["items"], x, "%s[%d]" % (where, i), depth + 1)
    return errs


def check_documented(w, check, route, r):
    """The answer `r` of `route` (METHOD, PATTERN) has a documented status and, for JSON, the
    documented shape (docs/openapi.yaml as served)."""
    doc = w.openapi
    op = doc.get("paths", {}).get(route[1], {}).get(route[0].lower())
    if op is None:
        return  # test_openapi reports the undocumented route
    if r.status in (431, 503) or (r.status == 400 and r.json.get("code") == "malformed_request"):
        return  # answered by the HTTP server before any route (docs/server.md, Errors)
    resp = op.get("responses", {}).get(str(r.status))
    if not check.ok(resp is not None, "%s %s answered %d, which docs/openapi.yaml does not list" % (route[0], route[1], r.status), r):
        return
    if "$ref" in resp:
        resp = doc["components"]["responses"][resp["$ref"].rsplit("/", 1)[1]]
    ctype = (r.header("Content-Type") or "").split(";")[0].strip()
    content = resp.get("content", {})
    if not content:
        return
    if not check.ok(ctype in content, "%s %s %d: Content-Type %s is not documented (%s)" % (route[0], route[1], r.status, ctype, ", ".join(content)), r):
        return
    if ctype.endswith("json"):
        errs = schema_errors(doc, content[ctype].get("schema", {}), r.json)
        check.ok(not errs, "%s %s %d: the answer does not match docs/openapi.yaml: %s" % (route[0], route[1], r.status, "; ".join(errs[:5])), r)


# --- access matrix ---

FIRM_ROUTES = [("GET", ""), ("GET", "/assessments"), ("GET", "/gaps"), ("GET", "/path"),
               ("POST", "/whatif"), ("GET", "/explanation"), ("GET", "/history"), ("PATCH", "")]


def firm_request(c, method, suffix, uscc):
    path = "/api/v1/enterprises/" + uscc + suffix
    if method == "GET":
        return c.get(path)
    if method == "POST":
        return c.request("POST", path, {"set": {"rd_expense@2025": "900"}})
    return c.request("PATCH", path, {"years": {"2024": {"revenue": 777.5}}}, {"If-Match": '"1"'})


def test_access(w, check):
    check.begin("access matrix")
    admin_park = w.admin.get("/api/v1/enterprises", park=w.park, page_size=1)
    check.ok(admin_park.json.get("total") == len(w.park_firms), "admin's park filter total %r != %d" %
             (admin_park.json.get("total"), len(w.park_firms)), admin_park)
    scopes = {"parkofficial": w.park_firms, "regionofficial": w.region_firms,
              "firma": {w.firm_a}, "firmb": {w.firm_b}, "rev": {f["uscc"] for f in w.firms}, "admin": {f["uscc"] for f in w.firms}}
    for name, expected in scopes.items():
        c = w.users[name]
        seen = {f["uscc"] for f in w.all_firms(c)}
        check.ok(seen == expected, "%s sees %d firms, expected %d (extra %s, missing %s)" %
                 (name, len(seen), len(expected), sorted(seen - expected)[:3], sorted(expected - seen)[:3]))
        inside = sorted(expected)[0]
        outside = w.outside if name not in ("rev", "admin") else None
        for method, suffix in FIRM_ROUTES:
            if method == "PATCH":
                continue
            r = firm_request(c, method, suffix, inside)
            check.status(r, 200, "%s %s %s of a firm in scope (%s)" % (name, method, suffix or "/", inside))
            if outside:
                r = firm_request(c, method, suffix, outside)
                check.problem(r, 404, "not_found", "%s %s %s of a firm outside its scope" % (name, method, suffix or "/"))
        if outside:
            r = firm_request(c, "PATCH", "", outside)
            check.problem(r, 404, "not_found", "%s PATCH of a firm outside its scope" % name)
        # Statistics and potential only over the scope.
        r = c.get("/api/v1/stats")
        if check.status(r, 200, "%s stats" % name):
            check.ok(r.json.get("enterprises") == len(expected), "%s stats counts %r firms, expected %d" %
                     (name, r.json.get("enterprises"), len(expected)), r)
        r = c.get("/api/v1/potential", policy=first_tier(c), top=1000, include_holders="true")
        if check.status(r, 200, "%s potential" % name):
            got = {x["uscc"] for x in r.json.get("items", [])}
            check.ok(got <= expected, "%s potential ranks firms outside its scope: %s" % (name, sorted(got - expected)[:3]), r)
        # Routes every role may use; the policy diff only over the scope.
        for path in ["/api/v1/session", "/api/v1/policies", "/api/v1/policies/%s/%s" % first_policy(c)]:
            check.status(c.get(path), 200, "%s GET %s" % (name, path))
        r = c.get("/api/v1/policy-diff", page_size=1000, **{"from": policy_key(c, 0), "to": policy_key(c, -1)})
        if check.status(r, 200, "%s policy-diff" % name):
            got = {x["uscc"] for x in r.json.get("items", [])}
            check.ok(got <= expected, "%s policy-diff lists firms outside its scope: %s" % (name, sorted(got - expected)[:3]), r)
        r = c.request("POST", "/api/v1/assessment-runs", {"policies": ["srdi-sme"]})
        if check.status(r, 202, "%s assessment run" % name):
            job = wait_job(c, r.header("Location"))
            check.ok(job.json.get("summary", {}).get("enterprises") == len(expected), "%s's run covers %r firms, expected %d" %
                     (name, job.json.get("summary", {}).get("enterprises"), len(expected)), job)
        # Admin-only routes.
        for method, path, body in [("GET", "/api/v1/users", None), ("GET", "/api/v1/audit", None),
                                   ("POST", "/api/v1/users", {"name": "x" + name, "role": "reviewer", "level": "province", "password": PASSWORD}),
                                   ("PATCH", "/api/v1/users/rev", {"level": "ministry"})]:
            r = c.request(method, path, body)
            if name == "admin":
                check.status(r, (200, 201), "admin %s %s" % (method, path))
            else:
                check.problem(r, 403, "forbidden", "%s %s %s" % (name, method, path))

    # An enterprise user asking for the other firm.
    a = w.users["firma"]
    r = a.get("/api/v1/enterprises/" + w.firm_b)
    check.problem(r, 404, "not_found", "firma GET firmb's firm")
    r = a.get("/api/v1/enterprises", q=w.firm_b)
    check.ok(r.status == 200 and r.json.get("total") == 0 and r.json.get("items") == [],
             "firma's list with q=firmb's USCC is not empty", r)
    r = w.admin.get("/api/v1/enterprises", q=w.firm_b)
    check.ok(r.status == 200 and r.json.get("total") == 1, "admin's list with q=USCC finds not exactly 1", r)
    loc = start_job(a, {})
    job = wait_job(a, loc)
    check.ok(job.json.get("state") == "succeeded", "firma's assessment run did not succeed", job)
    check.ok(job.json.get("summary", {}).get("enterprises") == 1, "firma's run covers %r firms" % job.json.get("summary", {}).get("enterprises"), job)
    r = a.get(loc + "/result", format="csv")
    if check.status(r, 200, "firma downloads its run"):
        found = set(first_line_uscc(r.text))
        check.ok(found == {w.firm_a}, "firma's run CSV names firms %s, expected only %s" % (sorted(found)[:5], w.firm_a), r)
    # Another user cannot see the job.
    r = w.users["firmb"].get(loc)
    check.problem(r, 404, "not_found", "firmb polls firma's job")
    r = w.users["firmb"].get(loc + "/result")
    check.problem(r, 404, "not_found", "firmb downloads firma's job")
    # The reviewer may not change anything.
    rev = w.users["rev"]
    r = patch_fact(rev, w.firm_a, "2024", 555.5)
    check.problem(r, 403, "forbidden", "reviewer PATCH")
    r = rev.request("POST", "/api/v1/imports", read_sample(w, "pool.csv"), {"Content-Type": "text/csv"}, {"dry_run": "true"})
    check.problem(r, 403, "forbidden", "reviewer import")
    # An official's import of firms outside its park is refused whole.
    r = w.users["parkofficial"].request("POST", "/api/v1/imports", read_sample(w, "pool.csv"), {"Content-Type": "text/csv"})
    check.ok(r.status in (403, 404) and r.status != 201, "an official imports firms outside its scope", r)
    # An enterprise user's import of another firm, and an official's import moving a firm into its
    # park, are refused and change nothing.
    r = a.request("POST", "/api/v1/imports", ("uscc,year,revenue\n%s,2024,1900000.5\n" % w.firm_b).encode(), {"Content-Type": "text/csv"})
    check.problem(r, 404, "not_found", "firma imports firmb's figures")
    moved = w.admin.get("/api/v1/enterprises/" + w.outside).json
    r = w.users["parkofficial"].request("POST", "/api/v1/imports", ("uscc,park\n%s,%s\n" % (w.outside, w.park)).encode(), {"Content-Type": "text/csv"})
    check.problem(r, 404, "not_found", "an official's import moving a firm into its park")
    after = w.admin.get("/api/v1/enterprises/" + w.outside).json
    check.ok(after.get("park") == moved.get("park") and after.get("version") == moved.get("version"), "a refused import moved the firm %s" % w.outside)
    # Disabling a user, changing its password and revoking a token end its access at once.
    r = w.admin.request("POST", "/api/v1/users", {"name": "temp", "role": "official", "parks": [w.park], "password": PASSWORD})
    check.status(r, 201, "admin adds an official")
    t = Client(w.server.url).login("temp", PASSWORD)
    check.status(t.get("/api/v1/session"), 200, "the new official's session")
    r = w.admin.request("PATCH", "/api/v1/users/temp", {"password": PASSWORD + "-new"})
    check.status(r, 200, "admin sets the official's password")
    check.problem(t.get("/api/v1/session"), 401, "unauthenticated", "the session after a password change")
    t = Client(w.server.url).login("temp", PASSWORD + "-new")
    r = w.admin.request("PATCH", "/api/v1/users/temp", {"disabled": True})
    check.ok(r.status == 200 and r.json.get("disabled") is True, "admin disables the official", r)
    check.problem(t.get("/api/v1/session"), 401, "unauthenticated", "the session of a disabled user")
    r = Client(w.server.url).request("POST", "/api/v1/session", {"username": "temp", "password": PASSWORD + "-new"})
    check.problem(r, 401, "invalid_credentials", "the login of a disabled user")
    token = w.cli.run("user", "token", "firmb", "--label", "revoke-me").stdout.strip()
    tc = Client(w.server.url, token=token)
    check.status(tc.get("/api/v1/session"), 200, "a new token")
    w.cli.run("user", "revoke-token", "firmb", "--label", "revoke-me")
    check.problem(tc.get("/api/v1/session"), 401, "unauthenticated", "a revoked token")
    # An enterprise user cannot grant itself titles.
    a_etag = a.get("/api/v1/enterprises/" + w.firm_a).header("ETag")
    r = a.request("PATCH", "/api/v1/enterprises/" + w.firm_a, {"titles": [{"tier": "srdi-sme", "since": "2025-01-01"}]}, {"If-Match": a_etag})
    check.problem(r, 403, "forbidden", "an enterprise user sets its own titles")


# --- the CLI's other commands through the API: export, template, runs, title lists, audit, gaps ---

def csv_usccs(text, column=0):
    """The USCCs of a CSV's first column (after the header)."""

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    return [r[column] for r in rows[1:] if r]


def test_reports(w, check):
    check.begin("export, template, runs, title lists, audit verify, gap reports")
    en = Client(w.server.url, token=w.admin_token, lang="en")
    # Export: exactly the firms the same list shows, in scope, in its order.
    for name, expected in [("admin", {f["uscc"] for f in w.firms}), ("parkofficial", w.park_firms), ("firma", {w.firm_a})]:
        c = w.users[name]
        r = c.get("/api/v1/export", format="csv", sort="-uscc")
        if check.status(r, 200, "%s exports the enterprises table" % name):
            got = csv_usccs(r.text)
            check.ok(set(got) == expected and len(got) == len(expected), "%s's export holds %d firms, expected %d (extra %s)" %
                     (name, len(got), len(expected), sorted(set(got) - expected)[:3]), r)
            check.ok(got == sorted(got, reverse=True), "%s's export is not in the list's order (sort=-uscc)" % name, r)
            check.ok("attachment" in (r.header("Content-Disposition") or ""), "the export is not an attachment", r)
    listed = [f["uscc"] for f in w.all_firms(w.admin, region=w.region, sort="uscc")]
    r = w.admin.get("/api/v1/export", format="csv", region=w.region, sort="uscc")
    check.ok(r.status == 200 and csv_usccs(r.text) == listed, "the export with region=%s differs from the list" % w.region, r)
    r = en.get("/api/v1/export", format="csv", table="assessment", with_assessment="srdi-sme", park=w.park)
    if check.status(r, 200, "export with an assessment column"):
        head = r.text.lstrip("\ufeff").split("\n", 1)[0]
        check.ok("srdi-sme" in head and "outcome" in head, "the assessment table lacks the policy's outcome column: %r" % head[:200], r)
        check.ok(set(csv_usccs(r.text)) == w.park_firms, "the assessment table's firms differ from the park's", r)
    r = w.admin.get("/api/v1/export", format="xlsx", park=w.park)
    check.ok(r.status == 200 and r.body[:2] == b"PK" and "spreadsheetml" in (r.header("Content-Type") or ""), "the xlsx export is no workbook", r)
    r = w.admin.get("/api/v1/export", format="csv", table="../etc/passwd")
    check.problem(r, 422, "invalid_parameter", "export of an unknown table")
    r = w.admin.get("/api/v1/export", format="pdf")
    check.problem(r, 422, "invalid_parameter", "export as pdf")
    r = w.admin.get("/api/v1/export", format="csv", with_assessment="no-such-policy")
    check.problem(r, 422, "invalid_parameter", "export with an unknown policy")
    r = w.admin.get("/api/v1/export", format="csv", known_at="2000-01-01")
    check.problem(r, 422, "invalid_parameter", "export known at a time before any data")
    # The template: the CLI's workbook.
    for name in ("firma", "rev"):
        r = w.users[name].get("/api/v1/import-template")
        check.ok(r.status == 200 and r.body[:2] == b"PK", "%s cannot download the import template" % name, r)
    cli_template = os.path.join(w.work, "template.xlsx")
    subprocess.run([w.gradus, "template", "--output", cli_template, "--lang", "en"], check=True, capture_output=True)
    import zipfile
    api_sheets = sorted(zipfile.ZipFile(io.BytesIO(en.get("/api/v1/import-template").body)).namelist())
    cli_sheets = sorted(zipfile.ZipFile(cli_template).namelist())
    check.ok(api_sheets == cli_sheets, "the API's template has other parts than the CLI's: %s vs %s" % (api_sheets, cli_sheets))

    # Saved runs: a change between two runs shows in the diff, the same as the CLI's, in scope only.
    r1 = en.request("POST", "/api/v1/assessment-runs", {"policies": ["srdi-sme"], "save_run": True})
    j1 = wait_job(en, r1.header("Location"))
    # Make one park firm miss another srdi-sme criterion for sure: main-business revenue of 1 (万元)
    # is far below 80 % of its revenue last year.
    r = patch_fact(w.admin, w.firm_a, "2025", 1, field="main_revenue")
    check.status(r, 200, "admin edits a park firm between two runs")
    r2 = en.request("POST", "/api/v1/assessment-runs", {"policies": ["srdi-sme"], "save_run": True})
    j2 = wait_job(en, r2.header("Location"))
    a, b = j1.json.get("summary", {}).get("run"), j2.json.get("summary", {}).get("run")
    if check.ok(isinstance(a, int) and isinstance(b, int) and b > a, "saved runs have no numbers: %r %r" % (a, b), j2):
        r = w.admin.get("/api/v1/runs")
        ids = [x["id"] for x in r.json.get("items", [])] if r.status == 200 else []
        check.ok(a in ids and b in ids, "GET /runs does not list runs %d and %d" % (a, b), r)
        runs_cli = w.cli.run("runs", "list").stdout
        check.ok("run %d " % b in runs_cli, "the CLI does not list the API's run %d" % b)
        d = en.get("/api/v1/runs/%d/diff/%d" % (a, b))
        if check.status(d, 200, "runs diff"):
            check.ok(any(x["uscc"] == w.firm_a for x in d.json.get("items", [])), "the diff misses the edited firm %s" % w.firm_a, d)
        api_csv = en.get("/api/v1/runs/%d/diff/%d" % (a, b), format="csv")
        cli_csv = w.cli.run("runs", "diff", str(a), str(b), "--format", "csv").stdout
        check.ok(api_csv.status == 200 and api_csv.text.replace("\r\n", "\n") == cli_csv, "the API's run diff CSV differs from `gradus runs diff`", api_csv)
        x = en.get("/api/v1/runs/%d/diff/%d" % (a, b), format="xlsx")
        check.ok(x.status == 200 and x.body[:2] == b"PK", "the run diff as xlsx is no workbook", x)
        po = w.users["parkofficial"].get("/api/v1/runs/%d/diff/%d" % (a, b))
        if check.status(po, 200, "the park official's runs diff"):
            got = {i["uscc"] for i in po.json.get("items", [])}
            check.ok(got <= w.park_firms and w.firm_a in got, "the park official's diff shows %s" % sorted(got)[:5], po)
        check.problem(en.get("/api/v1/runs/%d/diff/999999" % a), 404, "not_found", "diff with a missing run")
        check.problem(en.get("/api/v1/runs/x/diff/1"), 404, "not_found", "diff with a run that is no number")
    # known_at: the facts as the store knew them at the first run (before the edit).
    if isinstance(a, int):
        first = [x for x in w.admin.get("/api/v1/runs").json.get("items", []) if x["id"] == a]
        r3 = en.request("POST", "/api/v1/assessment-runs", {"policies": ["srdi-sme"], "save_run": True, "known_at": first[0]["at"]})
        j3 = wait_job(en, r3.header("Location"))
        c = j3.json.get("summary", {}).get("run")
        check.ok(j3.json.get("summary", {}).get("known_batch") == first[0]["known_batch"], "a run known at run %d's time used batch %r, expected %r" %
                 (a, j3.json.get("summary", {}).get("known_batch"), first[0]["known_batch"]), j3)
        if isinstance(c, int):
            same = en.get("/api/v1/runs/%d/diff/%d" % (a, c))
            check.ok(same.status == 200 and same.json.get("items") == [], "a run known at run %d's time differs from it" % a, same)
        check.problem(en.request("POST", "/api/v1/assessment-runs", {"known_at": "1999-01-01"}), 422, "validation_failed", "known_at before any data")
    for name in ("firma", "rev"):
        check.problem(w.users[name].get("/api/v1/runs"), 403, "forbidden", "%s lists saved runs" % name)
        r = w.users[name].request("POST", "/api/v1/assessment-runs", {"policies": ["srdi-sme"], "save_run": True})
        check.problem(r, 403, "forbidden", "%s saves a run" % name)
    r = w.admin.request("POST", "/api/v1/assessment-runs", {"save_run": "yes"})
    check.problem(r, 422, "validation_failed", "save_run that is no boolean")

    # A published title list: matched within the caller's scope; written as one batch.
    body = title_list(w, [w.firm_a, w.outside])
    po = w.users["parkofficial"].request("POST", "/api/v1/title-imports", body, {"Content-Type": "text/csv"}, {"dry_run": "true"})
    if check.status(po, 200, "the park official's dry run of a title list"):
        matched = {x["uscc"] for x in po.json.get("report", []) if x.get("uscc")}
        check.ok(matched == {w.firm_a}, "the park official's list matched %s, expected only %s" % (sorted(matched), w.firm_a), po)
        check.ok(po.json.get("counts", {}).get("unmatched") == 2, "the firm outside the park and the unknown firm are not both unmatched", po)
    r = en.request("POST", "/api/v1/title-imports", body, {"Content-Type": "text/csv"}, {"filename": "第一批.csv"})
    if check.status(r, 201, "admin imports a title list"):
        check.ok(r.json.get("titles") == 2 and r.json.get("batch", 0) > 0, "admin's list wrote %r titles" % r.json.get("titles"), r)
        g = w.admin.get("/api/v1/enterprises/" + w.outside)
        check.ok(any(t.get("tier") == "srdi-sme" for t in g.json.get("titles", [])), "the imported title is not on the firm", g)
        h = w.admin.get("/api/v1/enterprises/%s/history" % w.outside)
        check.ok("第一批.csv" in h.text, "the firm's history does not name the list's file", h)
    r = en.request("POST", "/api/v1/title-imports", body, {"Content-Type": "text/csv"})
    check.ok(r.status == 200 and r.json.get("batch") == 0, "importing the same list twice wrote a batch", r)
    for name in ("firma", "rev"):
        r = w.users[name].request("POST", "/api/v1/title-imports", body, {"Content-Type": "text/csv"})
        check.problem(r, 403, "forbidden", "%s imports a title list" % name)
    r = w.admin.request("POST", "/api/v1/title-imports", b"{}", {"Content-Type": "application/json"})
    check.problem(r, 415, "unsupported_media_type", "a title list as JSON")
    r = w.admin.request("POST", "/api/v1/title-imports", b"PK\x03\x04broken", {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    check.problem(r, 422, "import_failed", "a broken workbook as title list")

    # Audit verification: the CLI's verdict and head hash.
    r = w.admin.get("/api/v1/audit/verify")
    if check.status(r, 200, "audit verify"):
        check.ok(r.json.get("ok") is True, "the audit chain of an untouched store does not verify", r)
        cli = w.cli.run("audit", "verify").stdout
        check.ok(r.json.get("head_hash", "-") in cli, "the API's head hash is not the CLI's", r)
        bad = w.admin.get("/api/v1/audit/verify", expect_head="0" * 64)
        check.ok(bad.status == 200 and bad.json.get("ok") is False and bad.json.get("problem"), "a wrong expect_head verifies", bad)
    for name in ("parkofficial", "firma", "rev"):
        check.problem(w.users[name].get("/api/v1/audit/verify"), 403, "forbidden", "%s verifies the audit log" % name)

    # The whole pool's gap report: the CLI's CSV, over the caller's scope.
    po = Client(w.server.url, lang="en").login("parkofficial", PASSWORD)
    r = po.request("POST", "/api/v1/gap-reports", {"policies": ["srdi-sme"], "summary": True, "as_of": "2026-06-30"})
    if check.status(r, 202, "the park official's gap report"):
        job = wait_job(po, r.header("Location"))
        check.ok(job.json.get("state") == "succeeded" and job.json.get("kind") == "gap-report", "the gap report job failed", job)
        got = po.get(r.header("Location") + "/result", format="csv")
        if check.status(got, 200, "the gap report's CSV"):
            firms = set(csv_usccs(got.text))
            check.ok(firms == w.park_firms, "the park official's gap report covers %d firms, expected %d" % (len(firms), len(w.park_firms)), got)
            cli = w.cli.run("gap", "--all", "--summary", "--policy", "srdi-sme", "--as-of", "2026-06-30", "--park", w.park).stdout
            check.ok(got.text == cli, "the API's gap report differs from `gradus gap --all --summary --park`", got)
        x = po.get(r.header("Location") + "/result", format="xlsx")
        check.ok(x.status == 200 and x.body[:2] == b"PK", "the gap report as xlsx is no workbook", x)
    r = po.request("POST", "/api/v1/gap-reports", {"policies": ["no-such-tier"]})
    check.problem(r, 422, "validation_failed", "a gap report of an unknown tier")
    r = po.request("POST", "/api/v1/gap-reports", {"summary": 1})
    check.problem(r, 422, "validation_failed", "a gap report with summary that is no boolean")
    r = w.users["firmb"].request("POST", "/api/v1/gap-reports", {"policies": ["srdi-sme"], "summary": True})
    if check.status(r, 202, "an enterprise user's gap report"):
        job = wait_job(w.users["firmb"], r.header("Location"))
        got = w.users["firmb"].get(r.header("Location") + "/result")
        check.ok(set(csv_usccs(got.text)) == {w.firm_b}, "firmb's gap report names other firms", got)

    # API tokens by an admin: shown once (not in a replay), listed, revoked.
    r = w.admin.request("POST", "/api/v1/users/firma/tokens", {"label": "erp"}, {"Idempotency-Key": "token-erp"})
    if check.status(r, 201, "admin creates a token for firma"):
        token = r.json.get("token") or ""
        check.ok(token.startswith("gradus_") and len(token) == 71, "the new token looks wrong: %r" % token[:12], r)
        again = w.admin.request("POST", "/api/v1/users/firma/tokens", {"label": "erp"}, {"Idempotency-Key": "token-erp"})
        check.ok(again.status == 201 and again.header("Idempotent-Replayed") == "true" and again.json.get("token") is None,
                 "the replayed token answer shows the secret again", again)
        tc = Client(w.server.url, token=token)
        me = tc.get("/api/v1/session")
        check.ok(me.status == 200 and me.json.get("user", {}).get("name") == "firma", "the new token is not firma's", me)
        check.problem(tc.get("/api/v1/enterprises/" + w.firm_b), 404, "not_found", "firma's token reads firmb")
        listed = w.admin.get("/api/v1/users/firma/tokens")
        erp = [t for t in listed.json.get("items", []) if t.get("label") == "erp"]
        check.ok(len(erp) == 1 and erp[0].get("last_used_at") and not erp[0].get("revoked"), "the token list does not show erp as used", listed)
        check.ok(token not in listed.text, "the token list shows the secret", listed)
        check.problem(w.admin.request("POST", "/api/v1/users/firma/tokens", {"label": "erp"}), 409, "conflict", "a second live token with the same label")
        r = w.admin.request("DELETE", "/api/v1/users/firma/tokens/erp")
        check.status(r, 204, "admin revokes the token")
        check.problem(tc.get("/api/v1/session"), 401, "unauthenticated", "the revoked token")
        check.problem(w.admin.request("DELETE", "/api/v1/users/firma/tokens/erp"), 404, "not_found", "revoking it again")
    check.problem(w.admin.get("/api/v1/users/nobody/tokens"), 404, "not_found", "tokens of an unknown user")
    check.problem(w.admin.request("POST", "/api/v1/users/firma/tokens", {"label": ""}), 422, "validation_failed", "an empty label")
    check.problem(w.admin.request("POST", "/api/v1/users/firma/tokens", {"label": "x", "secret": 1}), 422, "validation_failed", "an unknown field")
    for name in ("parkofficial", "firma", "rev"):
        c = w.users[name]
        check.problem(c.get("/api/v1/users/firma/tokens"), 403, "forbidden", "%s lists tokens" % name)
        check.problem(c.request("POST", "/api/v1/users/%s/tokens" % name, {"label": "mine"}), 403, "forbidden", "%s makes itself a token" % name)
        check.problem(c.request("DELETE", "/api/v1/users/firma/tokens/erp"), 403, "forbidden", "%s revokes a token" % name)

    # An edit that contradicts a stored fact is refused as an edit (not "the file").
    firm = en.get("/api/v1/enterprises/" + w.firm_b).json
    year = next((y for y, f in sorted(firm.get("years", {}).items()) if f.get("main_revenue") not in (None, "", 0, "0")), None)
    if check.ok(year is not None, "firmb has no year with main_revenue", None):
        r = patch_fact(en, w.firm_b, year, 0.5)
        if check.problem(r, 422, "validation_failed", "an edit making revenue less than main_revenue"):
            check.ok("nothing was changed" in r.json.get("detail", "") and "file" not in r.json.get("detail", ""),
                     "the refused edit's detail speaks of a file: %r" % r.json.get("detail"), r)
            check.ok(any(e.get("column", "").startswith("revenue") for e in r.json.get("errors", [])), "the refused edit names no revenue column", r)


# --- the accreditation workflow: applications, evidence, reviews (issue 11, first part) ---

def test_applications(w, check):
    check.begin("applications, evidence and the review chain")
    for level in ("county", "city", "province", "ministry"):
        w.cli.run("user", "add", "rev-" + level, "--role", "reviewer", "--level", level, "--password-stdin", stdin=PASSWORD + "\n")
    w.cli.run("user", "add", "rev-county2", "--role", "reviewer", "--level", "county", "--password-stdin", stdin=PASSWORD + "\n")
    rev = {lv: Client(w.server.url, lang="en").login("rev-" + lv, PASSWORD) for lv in ("county", "city", "province", "ministry")}
    rev2 = Client(w.server.url, lang="en").login("rev-county2", PASSWORD)
    firma = w.users["firma"]
    # The firm applies for the little giant tier (four levels: county, city, province, ministry).
    r = firma.request("POST", "/api/v1/applications", {"uscc": w.firm_a, "policy": "little-giant"})
    if not check.status(r, 201, "firma applies for little-giant"):
        return
    app = r.json
    loc = "/api/v1/applications/%d" % app["id"]
    check.ok(app["status"] == "draft" and app["frozen"].get("policy", "").startswith("little-giant@")
             and app["frozen"].get("outcome") in ("met", "not_met", "unknown", "manual")
             and app["frozen"].get("facts", {}).get("uscc") == w.firm_a, "the new application's frozen assessment is incomplete", r)
    check.ok(r.header("Location") == loc, "the new application's Location is %r" % r.header("Location"), r)
    check.problem(firma.request("POST", "/api/v1/applications", {"uscc": w.firm_a, "policy": "little-giant"}), 409, "conflict", "a second application for the same tier and year")
    check.problem(firma.request("POST", "/api/v1/applications", {"uscc": w.firm_b, "policy": "little-giant"}), 404, "not_found", "firma applies for firmb")
    check.problem(firma.request("POST", "/api/v1/applications", {"uscc": w.firm_a, "policy": "sme-size"}), 422, "validation_failed", "an application for a tier without a workflow")
    check.problem(firma.request("POST", "/api/v1/applications", {"uscc": w.firm_a, "policy": "little-giant", "mode": "review"}), 422, "validation_failed", "a review without the title")
    check.problem(w.users["rev"].request("POST", "/api/v1/applications", {"uscc": w.firm_a, "policy": "srdi-sme"}), 403, "forbidden", "a reviewer applies")
    # Evidence: checked names, types and sizes; kept whole; in scope only.
    ev = firma.request("POST", loc + "/evidence", PDF, {"Content-Type": "application/pdf"}, {"name": "审计报告.pdf"})
    if check.status(ev, 201, "firma adds a PDF"):
        got = firma.get(ev.json["download"])
        check.ok(got.status == 200 and got.body == PDF, "the evidence downloaded differs from the upload", got)
        check.problem(w.users["firmb"].get(ev.json["download"]), 404, "not_found", "firmb downloads firma's evidence")
        import hashlib
        check.ok(ev.json["sha256"] == hashlib.sha256(PDF).hexdigest(), "the evidence's SHA-256 is wrong", ev)
    for name, body in [("../../x.pdf", PDF), ("x.exe", PDF), ("photo.png", PDF), ("empty.pdf", b""), (".env.pdf", PDF),
                       ("big.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024 + 1))]:
        r = firma.request("POST", loc + "/evidence", body, {"Content-Type": "application/octet-stream"}, {"name": name})
        check.problem(r, 422, "validation_failed", "evidence named %r" % name)
    check.problem(w.users["firmb"].request("POST", loc + "/evidence", PDF, {"Content-Type": "application/pdf"}, {"name": "x.pdf"}), 404, "not_found", "firmb adds evidence to firma's application")
    # Submission needs the declaration.
    check.problem(firma.request("POST", loc + "/submit", {}), 422, "validation_failed", "submitting without the declaration")
    r = firma.request("POST", loc + "/submit", {"declaration": True})
    check.ok(r.status == 200 and r.json.get("status") == "in_review" and r.json.get("level") == "county", "the submitted application is not under county review", r)
    check.problem(firma.request("POST", loc + "/evidence", PDF, {"Content-Type": "application/pdf"}, {"name": "late.pdf"}), 409, "conflict", "evidence after submission")
    # Reviews: a wrong level is refused; return needs a reason; the firm resubmits; every level approves.
    check.problem(rev["province"].request("POST", loc + "/actions", {"action": "approve"}), 403, "forbidden", "a provincial reviewer acts at county level")
    check.problem(rev["county"].request("POST", loc + "/actions", {"action": "return"}), 422, "validation_failed", "a return without a reason")
    check.problem(rev["county"].request("POST", loc + "/actions", {"action": "publish"}), 422, "validation_failed", "an action that is no reviewer's")
    r = rev["county"].request("POST", loc + "/actions", {"action": "return", "reason": "请补充近两年审计报告"})
    check.ok(r.status == 200 and r.json.get("status") == "returned", "the county's return did not return", r)
    r = firma.request("POST", loc + "/submit", {"declaration": True})
    check.ok(r.status == 200 and r.json.get("status") == "in_review" and r.json.get("level") == "county", "the resubmission is not back at the county", r)
    q = rev["city"].get("/api/v1/applications", queue="true")
    check.ok(q.status == 200 and all(x["id"] != app["id"] for x in q.json.get("items", [])), "the city's queue holds an application still at the county", q)
    for level in ("county", "city", "province", "ministry"):
        q = rev[level].get("/api/v1/applications", queue="true")
        check.ok(any(x["id"] == app["id"] for x in q.json.get("items", [])), "the %s reviewer's queue lacks the application" % level, q)
        r = rev[level].request("POST", loc + "/actions", {"action": "approve"})
        check.status(r, 200, "the %s reviewer approves" % level)
    r = firma.get(loc)
    if check.status(r, 200, "firma reads its application"):
        check.ok(r.json.get("status") == "approved", "after four approvals the status is %r" % r.json.get("status"), r)
        steps = [(x["action"], x["actor"]) for x in r.json.get("timeline", [])]
        check.ok(steps == [("submit", "firma"), ("return", "rev-county"), ("resubmit", "firma"), ("approve", "rev-county"),
                           ("approve", "rev-city"), ("approve", "rev-province"), ("approve", "rev-ministry")], "the timeline is %r" % steps, r)
        check.ok(r.json.get("allowed_actions") == [], "firma may still act on an approved application", r)
    check.problem(rev["ministry"].request("POST", loc + "/actions", {"action": "reject", "reason": "x"}), 409, "conflict", "rejecting an approved application")
    check.problem(firma.request("POST", loc + "/actions", {"action": "withdraw"}), 409, "conflict", "withdrawing after the review")
    # Scope: officials see the applications of their firms only; other firms' users see nothing.
    seen = {x["id"] for x in w.users["parkofficial"].get("/api/v1/applications").json.get("items", [])}
    check.ok(app["id"] in seen, "the park official does not see its firm's application")
    check.ok(app["id"] not in {x["id"] for x in w.users["firmb"].get("/api/v1/applications").json.get("items", [])}, "firmb sees firma's application")
    check.problem(w.users["firmb"].get(loc), 404, "not_found", "firmb reads firma's application")
    check.problem(w.admin.get("/api/v1/applications/999999"), 404, "not_found", "an unknown application")
    check.problem(w.admin.get("/api/v1/applications/x1"), 404, "not_found", "an application id that is no number")
    # Two county reviewers at once: one acts, the other is refused.
    other = new_application(w, w.admin, "srdi-sme")
    oloc = "/api/v1/applications/%d" % other.json["id"]
    check.status(w.admin.request("POST", oloc + "/submit", {"declaration": True}), 200, "the admin submits for a firm")
    results = []
    def act(client, action):
        results.append(client.request("POST", oloc + "/actions", {"action": action, "reason": "并发测试"}).status)
    first = rev["city"]  # srdi-sme.national: city, then province
    second_name = "rev-city2"
    w.cli.run("user", "add", second_name, "--role", "reviewer", "--level", "city", "--password-stdin", stdin=PASSWORD + "\n")
    second = Client(w.server.url, lang="en").login(second_name, PASSWORD)
    ts = [threading.Thread(target=act, args=(first, "approve")), threading.Thread(target=act, args=(second, "reject"))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    # The loser is refused with 409: the winner rejected it, or approved it on to the province.
    check.ok(sorted(results) == [200, 409], "two reviewers at once answered %s, expected one 200 and one 409" % sorted(results))
    steps = w.admin.get(oloc).json.get("timeline", [])
    check.ok(len(steps) == 2, "the concurrent reviews left %d actions, expected 2" % len(steps))
    r = w.admin.get("/api/v1/audit/verify")
    check.ok(r.status == 200 and r.json.get("ok") is True, "the audit chain does not verify after the workflow", r)
    audit = w.admin.get("/api/v1/audit", page_size=1000, actor="rev-ministry")
    check.ok(any(x.get("action") == "application.action" for x in audit.json.get("items", [])), "the ministry's approval is not in the audit log", audit)


# --- public notices and grants (issue 11), with the test clock ---

def working_days_after(w, start, n):
    """The n-th working day from `start` (a date), by data/cn_public_holidays.csv."""
    import csv as _csv, datetime as _dt
    special = {}
    with open(os.path.join(w.source, "data", "cn_public_holidays.csv"), encoding="utf-8") as f:
        for row in _csv.DictReader(f):
            special[row["date"]] = row["kind"] == "work"
    d, k = start, 0
    while True:
        key = d.isoformat()
        working = special[key] if key in special else d.weekday() < 5
        if working:
            k += 1
            if k == n:
                return d
        d += _dt.timedelta(days=1)


def test_notices(w, check):
    check.begin("public notices, objections and grants (test clock)")
    import datetime as _dt
    a1 = approved_application(w, w.admin)
    a2 = approved_application(w, w.admin)
    firm1 = w.admin.get("/api/v1/applications/%d" % a1).json["uscc"]
    # A notice of an application that is not approved is refused; so is one of another's scope.
    draft = new_application(w, w.admin).json["id"]
    check.problem(w.admin.request("POST", "/api/v1/notices", {"applications": [draft]}), 409, "conflict", "a notice of a draft")
    check.problem(w.users["firma"].request("POST", "/api/v1/notices", {"applications": [a1]}), 403, "forbidden", "a firm publishes a notice")
    r = w.admin.request("POST", "/api/v1/notices", {"applications": [a1, a2], "title": "2026年创新型中小企业拟认定名单", "document_no": "测试〔2026〕1号"})
    if not check.status(r, 201, "admin publishes a notice of two applications"):
        return
    notice = r.json
    today = _dt.date.fromisoformat(notice["published_on"])
    expected_end = working_days_after(w, today, notice["working_days"])
    check.ok(notice["ends_on"] == expected_end.isoformat(), "the notice ends on %s, expected %s (%d working days)" % (notice["ends_on"], expected_end, notice["working_days"]), r)
    check.ok(notice["working_days"] == 5, "the innovative SME workflow's notice has %r working days" % notice["working_days"], r)
    loc = "/api/v1/notices/%d" % notice["id"]
    check.ok(w.admin.get("/api/v1/applications/%d" % a1).json.get("status") == "in_notice", "a published application is not in_notice")
    # Objections: real name, contact and text; by the office; only for applications of the notice.
    check.problem(w.admin.request("POST", loc + "/objections", {"application": a2, "objector": "", "contact": "x", "text": "y"}), 422, "validation_failed", "an objection without a name")
    check.problem(w.admin.request("POST", loc + "/objections", {"application": draft, "objector": "王某", "contact": "x", "text": "y"}), 404, "not_found", "an objection against an application not in the notice")
    check.problem(w.users["firmb"].request("POST", loc + "/objections", {"application": a2, "objector": "王某", "contact": "x", "text": "y"}), 403, "forbidden", "a firm records an objection")
    o = w.admin.request("POST", loc + "/objections", {"application": a2, "objector": "王某", "contact": "139-0000-0000", "text": "研发人员数据不实"})
    check.status(o, 201, "admin records an objection")
    seen = w.users["firma"].get(loc)
    check.ok(seen.status == 200 and all("contact" not in x and "objector" not in x for x in seen.json.get("objections", [])),
             "a firm user sees the objector's name or contact", seen)
    # Closing before the period ends is refused.
    r = w.admin.request("POST", loc + "/close")
    check.problem(r, 409, "conflict", "closing the notice before its period ends")
    check.ok(notice["ends_on"] in r.json.get("detail", ""), "the early close does not say when the notice ends", r)
    check.ok(notice["published_on"] == WORKFLOW_TODAY and notice["ends_on"] == "2026-10-09",
             "a 5-working-day notice from %s should end on 2026-10-09 (National Day skipped), not %s" % (WORKFLOW_TODAY, notice["ends_on"]), r)
    # A server whose clock is the day after the period: the grants.
    after = expected_end + _dt.timedelta(days=1)
    clocked = w.serve("--today", after.isoformat())
    admin2 = Client(clocked.url, lang="en").login("admin", w.admin_password)
    r = admin2.request("POST", loc + "/close")
    check.problem(r, 409, "conflict", "closing with an open objection")
    check.problem(admin2.request("POST", loc + "/objections", {"application": a2, "objector": "李某", "contact": "x", "text": "y"}), 409, "conflict", "an objection after the period")
    check.problem(admin2.request("POST", loc + "/objections/%d/resolve" % o.json.get("seq", 1), {"upheld": True}), 422, "validation_failed", "upholding without a reason")
    r = admin2.request("POST", loc + "/objections/%d/resolve" % o.json.get("seq", 1), {"upheld": True, "reason": "经核实，研发人员数据不实"})
    check.ok(r.status == 200 and r.json.get("resolution") == "upheld", "upholding the objection failed", r)
    check.ok(admin2.get("/api/v1/applications/%d" % a2).json.get("status") == "rejected", "the application with an upheld objection is not rejected")
    r = admin2.request("POST", loc + "/close")
    if check.status(r, 200, "closing the notice after its period"):
        check.ok(r.json.get("granted") == [a1] and r.json.get("refused") == [a2] and r.json.get("batch", 0) > 0 and r.json.get("since") == after.isoformat(),
                 "the close granted %r and refused %r" % (r.json.get("granted"), r.json.get("refused")), r)
    check.ok(admin2.get("/api/v1/applications/%d" % a1).json.get("status") == "granted", "the surviving application is not granted")
    firm = admin2.get("/api/v1/enterprises/" + firm1, as_of=after.isoformat())
    titles = [t for t in firm.json.get("titles", []) if t.get("tier") == "innovative-sme" and t.get("since") == after.isoformat()]
    check.ok(len(titles) == 1 and titles[0].get("valid_to") == after.replace(year=after.year + 3).isoformat(),
             "the granted firm's title is %r" % titles, firm)
    check.problem(admin2.request("POST", loc + "/close"), 409, "conflict", "closing the notice twice")
    check.ok(w.admin.get(loc).json.get("status") == "closed", "the first server does not see the notice closed")
    r = w.admin.get("/api/v1/audit/verify")
    check.ok(r.status == 200 and r.json.get("ok") is True, "the audit chain does not verify after the grants", r)
    clocked.stop()
    # Without GRADUS_ALLOW_TEST_CLOCK the clock is refused.
    p = subprocess.run([w.gradus, "serve", "--db", w.store.url, "--today", "2030-01-01", "--listen", "127.0.0.1:0"],
                       capture_output=True, text=True, timeout=30, env={k: v for k, v in os.environ.items() if k != "GRADUS_ALLOW_TEST_CLOCK"})
    check.ok(p.returncode == 2 and "GRADUS_ALLOW_TEST_CLOCK" in p.stderr, "gradus serve --today without GRADUS_ALLOW_TEST_CLOCK=1 answered %r" % p.returncode)


# --- If-Match ---

def test_if_match(w, check):
    check.begin("ETag / If-Match")
    u = w.firm_a
    c = w.users["parkofficial"]
    g = c.get("/api/v1/enterprises/" + u)
    if not check.status(g, 200, "GET firm"):
        return
    etag = g.header("ETag")
    check.ok(etag is not None and re.fullmatch(r'"[0-9]+"', etag) is not None, "ETag %r is not a quoted version" % etag, g)
    r = c.request("PATCH", "/api/v1/enterprises/" + u, {"years": {"2024": {"revenue": 1234.5}}}, {"If-Match": etag})
    if check.status(r, 200, "PATCH with the ETag"):
        check.ok(r.header("ETag") not in (None, etag), "PATCH kept the ETag %r" % etag, r)
        check.ok(r.json.get("years", {}).get("2024", {}).get("revenue") == 1234.5, "PATCH answer lacks revenue 1234.5", r)
    g2 = c.get("/api/v1/enterprises/" + u)
    check.ok(g2.json.get("years", {}).get("2024", {}).get("revenue") == 1234.5, "GET after PATCH lacks revenue 1234.5", g2)
    check.ok(g2.header("ETag") == r.header("ETag"), "GET's ETag %r != PATCH's %r" % (g2.header("ETag"), r.header("ETag")), g2)
    r = c.request("PATCH", "/api/v1/enterprises/" + u, {"years": {"2024": {"revenue": 2345.5}}}, {"If-Match": etag})
    check.problem(r, 412, "precondition_failed", "PATCH with the stale ETag")
    r = c.request("PATCH", "/api/v1/enterprises/" + u, {"years": {"2024": {"revenue": 2345.5}}})
    check.problem(r, 428, "precondition_required", "PATCH without If-Match")
    r = c.request("PATCH", "/api/v1/enterprises/" + u, {"years": {"2024": {"revenue": 2345.5}}}, {"If-Match": g2.header("ETag")}, csrf=False)
    check.problem(r, 403, "csrf_failed", "PATCH with the cookie and no X-CSRF-Token")
    r = c.request("PATCH", "/api/v1/enterprises/" + u, {"years": {"2024": {"revenue": 2345.5}}},
                  {"If-Match": g2.header("ETag"), "X-CSRF-Token": "0" * len(c.csrf or "x")})
    check.problem(r, 403, "csrf_failed", "PATCH with a wrong X-CSRF-Token")
    g3 = c.get("/api/v1/enterprises/" + u)
    check.ok(g3.json.get("years", {}).get("2024", {}).get("revenue") == 1234.5, "a refused PATCH changed the firm", g3)
    # The enterprise user edits its own firm.
    a = w.users["firma"]
    r = patch_fact(a, u, "2024", 1500.5)
    check.status(r, 200, "firma PATCHes its own firm")

    # Two edits with the same ETag at once: one wins.
    for attempt in range(3):
        etag = c.get("/api/v1/enterprises/" + u).header("ETag")
        results = [None, None]
        barrier = threading.Barrier(2)

        def edit(k):
            barrier.wait()
            results[k] = c.request("PATCH", "/api/v1/enterprises/" + u, {"years": {"2024": {"revenue": 3000.5 + k + attempt * 10}}}, {"If-Match": etag})

        ts = [threading.Thread(target=edit, args=(k,)) for k in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        statuses = sorted(r.status for r in results)
        check.ok(statuses == [200, 412], "two concurrent PATCHes with one ETag answered %s, expected [200, 412]" % statuses,
                 results[0] if results[0].status != 200 else results[1])
        winner = next((r for r in results if r.status == 200), None)
        if winner:
            now = c.get("/api/v1/enterprises/" + u)
            check.ok(now.json["years"]["2024"]["revenue"] == winner.json["years"]["2024"]["revenue"],
                     "the firm does not hold the winning PATCH's value", now)


# --- imports ---

def test_imports(w, check):
    check.begin("imports")
    c = w.admin
    body = read_sample(w, "pool.csv")
    uscc = first_line_uscc(body.decode("utf-8").split("\n", 2)[1])[0]
    before = c.get("/api/v1/enterprises", q=uscc)
    check.ok(before.json.get("total") == 0, "the sample firm %s is in the demo pool already" % uscc, before)
    head = c.get("/healthz").json.get("head_batch")
    r = c.request("POST", "/api/v1/imports", body, {"Content-Type": "text/csv"}, {"dry_run": "true", "filename": "pool.csv"})
    if check.status(r, 200, "dry run"):
        check.ok(r.json.get("dry_run") is True and r.json.get("enterprises_new", 0) > 0, "dry run reports no new firms", r)
    after = c.get("/api/v1/enterprises", q=uscc)
    check.ok(after.json.get("total") == 0, "the dry run wrote the firm", after)
    check.ok(c.get("/healthz").json.get("head_batch") == head, "the dry run moved the head batch")
    r = c.request("POST", "/api/v1/imports", body, {"Content-Type": "text/csv"}, {"filename": "../../etc/pool.csv"})
    if check.status(r, 201, "import"):
        check.ok(r.json.get("batch", 0) > 0 and r.json.get("dry_run") is False, "import reports no batch", r)
        check.ok(r.json.get("file") == "pool.csv", "import's file %r is not the file name alone" % r.json.get("file"), r)
    got = c.get("/api/v1/enterprises", q=uscc)
    check.ok(got.json.get("total") == 1, "the imported firm is not listed", got)
    h = c.get("/api/v1/enterprises/%s/history" % uscc)
    if check.status(h, 200, "history of the imported firm"):
        check.ok(any(x.get("actor") == "admin" and x.get("kind") == "import" for x in h.json.get("items", [])),
                 "history does not show admin as the importing actor", h)

    bad = read_sample(w, "bad.csv")
    r = c.request("POST", "/api/v1/imports", bad, {"Content-Type": "text/csv"}, {"filename": "bad.csv"})
    if check.problem(r, 422, "import_failed", "a bad CSV"):
        errs = r.json.get("errors", [])
        check.ok(len(errs) > 0 and all("reason" in e for e in errs), "import_failed without errors[] reasons", r)
        check.ok(any("row" in e and "column" in e for e in errs), "no error of the bad CSV has row and column", r)
    check.ok(c.get("/api/v1/enterprises", q="91110108MA0BAD015J").json.get("total") == 0, "the refused file wrote its good firm")
    r = c.request("POST", "/api/v1/imports", b"\x00\x01garbage", {"Content-Type": "text/csv"})
    check.problem(r, 422, "import_failed", "a binary CSV")
    r = c.request("POST", "/api/v1/imports", body, {"Content-Type": "application/x-foo"})
    check.problem(r, 415, "unsupported_media_type", "an import of unknown type")

    # Idempotency-Key: replay and reuse.
    edit = ("uscc,year,revenue\n%s,2024,988888.5\n" % uscc).encode("utf-8")
    key = "api-test-key-%d" % os.getpid()
    r1 = c.request("POST", "/api/v1/imports", edit, {"Content-Type": "text/csv", "Idempotency-Key": key})
    check.status(r1, 201, "import with an Idempotency-Key")
    r2 = c.request("POST", "/api/v1/imports", edit, {"Content-Type": "text/csv", "Idempotency-Key": key})
    if check.status(r2, r1.status, "the replay of the Idempotency-Key"):
        check.ok(r2.body == r1.body, "the replay's body differs from the first answer", r2)
        check.ok((r2.header("Idempotent-Replayed") or "").lower() == "true", "the replay lacks Idempotent-Replayed: true", r2)
        check.ok(r1.header("Idempotent-Replayed") is None, "the first answer says Idempotent-Replayed", r1)
    h = c.get("/api/v1/enterprises/%s/history" % uscc).json.get("items", [])
    check.ok(sum(1 for x in h if x.get("field") == "revenue" and x.get("year") == 2024 and x.get("after", "").replace(",", "") in ("988888.5", "988888.50")) == 1,
             "the replayed import was written %d times" % sum(1 for x in h if x.get("field") == "revenue" and x.get("year") == 2024 and "988888" in x.get("after", "")))
    other = ("uscc,year,revenue\n%s,2024,999999.5\n" % uscc).encode("utf-8")
    r3 = c.request("POST", "/api/v1/imports", other, {"Content-Type": "text/csv", "Idempotency-Key": key})
    check.problem(r3, 422, "idempotency_key_reused", "the key with another body")
    # The same key sent twice at once: the import runs once — the other answer is the replay of
    # the first, or 409 while the first is in progress — never a second execution.
    for attempt in range(5):
        body2 = ("uscc,year,revenue\n%s,2023,%d.5\n" % (uscc, 977000 + attempt)).encode("utf-8")
        key2 = "api-test-race-%d-%d" % (os.getpid(), attempt)
        out = [None, None]
        barrier = threading.Barrier(2)

        def send(k):
            barrier.wait()
            out[k] = c.request("POST", "/api/v1/imports", body2, {"Content-Type": "text/csv", "Idempotency-Key": key2})

        ts = [threading.Thread(target=send, args=(k,)) for k in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        first, second = sorted(out, key=lambda r: (r.header("Idempotent-Replayed") is not None, r.status))
        executed_once = first.status == 201 and (second.status == 409 or (second.status == 201 and second.body == first.body))
        if not check.ok(executed_once, "two concurrent imports with one Idempotency-Key answered %d and %d (the second is neither "
                        "the replay nor 409: it ran again)\n  the other: %s" % (first.status, second.status, first.describe()), second):
            break
    r4 = w.token_client.request("POST", "/api/v1/imports", edit, {"Content-Type": "text/csv", "Idempotency-Key": "x" * 201})
    check.problem(r4, 422, None, "an Idempotency-Key of 201 characters")


# --- jobs ---

def test_jobs(w, check):
    check.begin("assessment runs")
    c = w.users["regionofficial"]
    r = c.request("POST", "/api/v1/assessment-runs", {"policies": ["srdi-sme"], "mode": "application"})
    if not check.status(r, 202, "assessment run"):
        return
    loc = r.header("Location")
    check.ok(loc == "/api/v1/jobs/" + r.json.get("id", "?"), "Location %r does not name the job" % loc, r)
    job = wait_job(c, loc)
    # The region's firms now (the imports added some).
    region_firms = {f["uscc"] for f in w.all_firms(w.admin) if str(f.get("region") or "").startswith(w.region)}
    if check.ok(job.json.get("state") == "succeeded", "the job did not succeed", job):
        check.ok(job.json.get("progress") == 100, "a finished job's progress is not 100", job)
        check.ok(job.json.get("summary", {}).get("enterprises") == len(region_firms), "the run covers %r firms, expected %d" %
                 (job.json.get("summary", {}).get("enterprises"), len(region_firms)), job)
        d = c.get(loc + "/result", format="csv")
        if check.status(d, 200, "download the CSV"):
            check.ok((d.header("Content-Type") or "").startswith("text/csv"), "the result is not text/csv", d)
            found = set(first_line_uscc(d.text))
            check.ok(found == region_firms, "the CSV names firms outside the region %s or lacks some %s" % (sorted(found - region_firms)[:3], sorted(region_firms - found)[:3]), d)
            rows = list(csv.reader(io.StringIO(d.text.lstrip("\ufeff"))))
            check.ok(len(rows) == 1 + len(region_firms), "the CSV has %d rows, expected %d" % (len(rows), 1 + len(region_firms)), d)
        x = c.get(loc + "/result", format="xlsx")
        check.ok(x.status == 200 and x.body[:2] == b"PK", "the XLSX result is not a workbook", x)
        r = c.get(loc + "/result", format="pdf")
        check.problem(r, 404, "not_found", "a result format that does not exist")
    r = c.request("POST", "/api/v1/assessment-runs", {"policies": ["no-such-policy"]})
    check.problem(r, 422, "validation_failed", "a run of an unknown policy")
    r = c.request("POST", "/api/v1/assessment-runs", {"polices": ["srdi-sme"]})
    check.problem(r, 422, "validation_failed", "a run with an unknown field")
    r = c.get("/api/v1/jobs/run-999-deadbeef")
    check.problem(r, 404, "not_found", "an unknown job")


# --- bad input ---

def test_bad_input(w, check):
    check.begin("bad input")
    c = w.token_client
    u = w.firm_a
    r = Client(w.server.url).request("POST", "/api/v1/session", b'{"username": "admin", "password": ', {"Content-Type": "application/json"})
    check.problem(r, 400, "invalid_json", "malformed JSON login")
    etag = c.get("/api/v1/enterprises/" + u).header("ETag")
    r = c.request("PATCH", "/api/v1/enterprises/" + u, b'{"years": {"2024": ', {"Content-Type": "application/json", "If-Match": etag})
    check.problem(r, 400, "invalid_json", "malformed JSON PATCH")
    r = c.request("PATCH", "/api/v1/enterprises/" + u, b'[1, 2]', {"Content-Type": "application/json", "If-Match": etag})
    check.problem(r, 400, "invalid_json", "a JSON array as PATCH body")
    r = c.request("PATCH", "/api/v1/enterprises/" + u, {"years": {"2024": {"revenu": 5}}}, {"If-Match": etag})
    if check.problem(r, 422, "validation_failed", "PATCH with an unknown field"):
        check.ok(any("revenu" in (e.get("field", "") + e.get("column", "") + e.get("reason", "")) for e in r.json.get("errors", [])),
                 "the unknown field is not named in errors[]", r)
    r = c.request("PATCH", "/api/v1/enterprises/" + u, {"uscc": w.firm_b}, {"If-Match": etag})
    check.problem(r, 422, "validation_failed", "PATCH changing the USCC")
    r = c.request("PATCH", "/api/v1/enterprises/" + u, "revenue=5", {"Content-Type": "text/plain", "If-Match": etag})
    check.problem(r, 415, "unsupported_media_type", "PATCH with text/plain")
    r = Client(w.server.url).request("POST", "/api/v1/session", {"username": "admin", "password": "x", "remember": True})
    check.problem(r, 422, "validation_failed", "login with an unknown field")
    r = c.request("POST", "/api/v1/enterprises/%s/whatif" % u, {"sett": {}})
    check.problem(r, 422, "validation_failed", "whatif with an unknown field")
    r = c.request("POST", "/api/v1/users", {"name": "z", "role": "wizard", "password": PASSWORD})
    check.problem(r, 422, "validation_failed", "a user with an unknown role")
    big = {"set": {"note": "x" * (1024 * 1024 + 10)}}
    r = c.request("POST", "/api/v1/enterprises/%s/whatif" % u, big)
    check.problem(r, 413, "payload_too_large", "a JSON body over 1 MiB")

    # Headers over 16 KiB, and bytes that are not HTTP.
    r = c.request("GET", "/healthz", headers={"X-Big": "a" * (20 * 1024)})
    check.problem(r, 431, "headers_too_large", "20 KiB of headers")
    raw = socket.create_connection(("127.0.0.1", w.server.port), timeout=10)
    raw.sendall(b"\x16\x03\x01 this is not HTTP\r\n\r\n")
    answer = b""
    try:
        while True:
            chunk = raw.recv(65536)
            if not chunk:
                break
            answer += chunk
    except OSError:
        pass
    raw.close()
    check.ok(answer.startswith(b"HTTP/1.1 400") and b"malformed_request" in answer,
             "bytes that are not HTTP answered %r" % answer[:200])

    # Path and query parameters with .., NUL and SQL: refused, and the server keeps serving.
    for path in ["/api/v1/enterprises/..%2F..%2Fetc%2Fpasswd", "/api/v1/enterprises/../../etc/passwd",
                 "/api/v1/enterprises/%00", "/api/v1/enterprises/x%00y/history",
                 "/api/v1/enterprises/'%20OR%20'1'%3D'1", "/api/v1/enterprises/1%3BDROP%20TABLE%20facts",
                 "/api/v1/jobs/..%2F..%2Fetc%2Fpasswd/result", "/api/v1/policies/..%2F..%2Fetc/passwd",
                 "/api/v1/users/..%2Fadmin"]:
        r = c.request("GET", path)
        check.ok(r.status in (404, 405, 422) and (r.header("Content-Type") or "").startswith("application/problem+json"),
                 "GET %s answered %d" % (path, r.status), r)
    for params in [{"q": "' OR '1'='1"}, {"q": "x\x00y"}, {"region": "32'; DROP TABLE facts; --"},
                   {"park": "../../etc"}, {"industry": "%"}, {"sort": "name; DROP TABLE facts"},
                   {"title": "' OR 1=1 --"}, {"q": "_"}, {"q": "%"}]:
        r = c.get("/api/v1/enterprises", **params)
        check.ok(r.status in (404, 422) or (r.status == 200 and r.json.get("total") == 0),
                 "the list with %r answered %d total %r" % (params, r.status, r.json.get("total")), r)
    r = c.get("/api/v1/enterprises", page_size=1)
    check.ok(r.status == 200 and r.json.get("total", 0) >= 200, "the server stopped serving the list after hostile input", r)

    # A slow client (one byte a second) does not hold up the others.
    s = socket.create_connection(("127.0.0.1", w.server.port))
    stop = threading.Event()

    def trickle():
        msg = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
        for b in msg:
            if stop.is_set():
                return
            try:
                s.send(bytes([b]))
            except OSError:
                return
            time.sleep(1)

    t = threading.Thread(target=trickle, daemon=True)
    t.start()
    time.sleep(1.5)
    for k in range(4):
        t0 = time.time()
        r = c.get("/healthz")
        check.ok(r.status == 200 and time.time() - t0 < 3, "healthz during a slow client: %d after %.1f s" % (r.status, time.time() - t0), r)
        time.sleep(0.5)
    stop.set()
    s.close()

    # The body limit of the server (--body-limit-mb 1) on a second server.
    small = w.serve("--body-limit-mb", "1", "--no-access-log")
    sc = Client(small.url, token=w.admin_token)
    # Sent on a raw socket while reading: the 413 may come before the body is all sent, and a
    # client must still be able to read it (the server closes gracefully, not with a reset).
    data = b"uscc,year,revenue\n" + b"x" * (2 * 1024 * 1024)
    head = ("POST /api/v1/imports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: text/csv\r\n"
            "Content-Length: %d\r\n\r\n" % (w.admin_token, len(data))).encode()
    raw = socket.create_connection(("127.0.0.1", small.port), timeout=20)

    def send_all():
        try:
            raw.sendall(head + data)
        except OSError:
            pass

    sender = threading.Thread(target=send_all, daemon=True)
    sender.start()
    answer, error = b"", None
    try:
        while True:
            chunk = raw.recv(65536)
            if not chunk:
                break
            answer += chunk
            if b"\r\n\r\n" in answer and b"payload_too_large" in answer:
                break
    except OSError as e:
        error = e
    raw.close()
    sender.join(5)
    check.ok(answer.startswith(b"HTTP/1.1 413") and b"payload_too_large" in answer,
             "an import of 2 MiB to a server with --body-limit-mb 1 answered %r%s" % (answer[:120], " (%s)" % error if error else ""))
    r = sc.get("/healthz")
    check.status(r, 200, "the small server serves after a body over the limit")
    check.ok(small.terminate() == 0, "the second server did not exit 0 on SIGTERM")


# --- two processes on one store ---

def test_two_processes(w, check):
    check.begin("two server processes on one store")
    other = w.serve("--no-access-log")
    a = w.token_client
    b = Client(other.url, token=w.admin_token)
    u = w.firms[60]["uscc"]
    r = patch_fact(a, u, "2024", 1500000.5)
    check.status(r, 200, "PATCH through the first process")
    g = b.get("/api/v1/enterprises/" + u)
    check.ok(g.status == 200 and g.json.get("years", {}).get("2024", {}).get("revenue") == 1500000.5,
             "the second process does not show the first one's write", g)
    check.ok(g.header("ETag") == r.header("ETag"), "the processes give different ETags %r / %r" % (r.header("ETag"), g.header("ETag")), g)
    for attempt in range(3):
        etag = a.get("/api/v1/enterprises/" + u).header("ETag")
        out = [None, None]
        barrier = threading.Barrier(2)

        def edit(k):
            barrier.wait()
            out[k] = patch_fact((a, b)[k], u, "2024", 1600000.5 + k + 10 * attempt, etag=etag)

        ts = [threading.Thread(target=edit, args=(k,)) for k in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        statuses = sorted(x.status for x in out)
        check.ok(statuses == [200, 412], "one ETag PATCHed through two processes at once answered %s, expected [200, 412]" % statuses,
                 out[0] if out[0].status != 200 else out[1])
    r = b.request("POST", "/api/v1/imports", ("uscc,year,revenue\n%s,2024,1700000.5\n" % u).encode(), {"Content-Type": "text/csv"})
    check.status(r, 201, "import through the second process")
    g = a.get("/api/v1/enterprises/" + u)
    check.ok(g.json.get("years", {}).get("2024", {}).get("revenue") == 1700000.5, "the first process does not show the second one's import", g)
    check.ok(other.terminate() == 0, "the second process did not exit 0 on SIGTERM")


# --- 20 concurrent writers ---

def test_concurrent_writers(w, check):
    check.begin("20 threads x 10 edits")
    firms = [f["uscc"] for f in w.firms][20:40]
    acked = {u: [] for u in firms}
    errors = []

    def writer(k, u):
        c = Client(w.server.url, token=w.admin_token)
        for i in range(10):
            value = 1000000.5 + k * 100 + i
            for attempt in range(50):
                r = patch_fact(c, u, "2025", value)
                if r.status == 200:
                    acked[u].append(value)
                    break
                if r.status != 412:
                    errors.append(r)
                    break
            else:
                errors.append("firm %s edit %d: 50 times 412" % (u, i))

    ts = [threading.Thread(target=writer, args=(k, u)) for k, u in enumerate(firms)]
    t0 = time.time()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print("  200 edits in %.1f s" % (time.time() - t0), flush=True)
    for e in errors[:5]:
        check.fail("a concurrent edit failed", e if not isinstance(e, str) else None) if not isinstance(e, str) else check.fail(e)
    check.ok(not errors, "%d concurrent edits failed" % len(errors))
    for u in firms:
        check.ok(len(acked[u]) == 10, "firm %s: %d of 10 edits acknowledged" % (u, len(acked[u])))
        r = w.admin.get("/api/v1/enterprises/" + u)
        if acked[u]:
            check.ok(r.json.get("years", {}).get("2025", {}).get("revenue") == acked[u][-1],
                     "firm %s holds revenue %r, the last acknowledged was %r" % (u, r.json.get("years", {}).get("2025", {}).get("revenue"), acked[u][-1]), r)
        h = w.admin.get("/api/v1/enterprises/%s/history" % u)
        after = [float(x["after"].replace(",", "")) for x in h.json.get("items", []) if x.get("field") == "revenue" and x.get("year") == 2025 and x.get("after")]
        missing = [v for v in acked[u] if v not in after]
        check.ok(not missing, "firm %s: acknowledged writes %s are not in its history" % (u, missing), h)


# --- SIGTERM during writes ---

def test_sigterm(w, check):
    check.begin("SIGTERM during writes")
    srv = w.serve("--no-access-log")
    firms = [f["uscc"] for f in w.firms][40:48]
    acked = {u: [] for u in firms}
    broken = []  # requests begun well before the signal that got no HTTP answer
    signal_at = [None]
    stop = threading.Event()

    def writer(k, u):
        c = Client(srv.url, token=w.admin_token)
        i = 0
        while not stop.is_set():
            value = 2000000.5 + k * 1000 + i
            i += 1
            t0 = time.time()
            try:
                r = patch_fact(c, u, "2022", value)
            except ConnectionRefusedError:
                # A refused connect never reached the server: the listener closes only at the
                # signal, so this request was made after it and nothing of it was acknowledged.
                return
            except (ConnectionError, OSError) as e:
                if signal_at[0] is None or t0 < signal_at[0] - 0.2:
                    broken.append("%s at %.3f (signal %.3f): %s" % (u, t0, signal_at[0] or 0, e))
                return
            if r.status == 200:
                acked[u].append(value)
            elif r.status == 503:
                return
            elif r.status != 412:
                broken.append("%s: %d %s" % (u, r.status, r.text[:200]))

    ts = [threading.Thread(target=writer, args=(k, u)) for k, u in enumerate(firms)]
    for t in ts:
        t.start()
    time.sleep(1.5)
    signal_at[0] = time.time()
    code = srv.terminate()
    stop.set()
    for t in ts:
        t.join()
    check.ok(code == 0, "gradus serve exited %r on SIGTERM, expected 0" % code)
    for b in broken:
        check.fail("during SIGTERM: " + b)
    total = sum(len(v) for v in acked.values())
    print("  %d writes acknowledged before the server stopped" % total, flush=True)
    check.ok(total > 0, "no write was acknowledged before the SIGTERM")
    for u in firms:
        p = w.cli.run("history", "--uscc", u, "--format", "json", expect=None)
        if p.returncode != 0:
            p = w.cli.run("history", "--uscc", u)
        text = p.stdout
        missing = [v for v in acked[u] if ("%g" % v) not in text and ("%.1f" % v) not in text]
        check.ok(not missing, "firm %s: writes acknowledged before SIGTERM are not stored: %s" % (u, missing[:5]))


def test_sigkill(w, check):
    """kill -9 while firms are edited and files imported: every acknowledged write is stored, no
    half-written record (audit verify passes), and a new server serves the store."""
    check.begin("SIGKILL during writes")
    srv = w.serve("--no-access-log")
    firms = [f["uscc"] for f in w.firms][60:66]
    acked = {u: [] for u in firms}
    imported = []
    stop = threading.Event()

    def writer(k, u):
        c = Client(srv.url, token=w.admin_token)
        i = 0
        while not stop.is_set():
            value = 3000000.5 + k * 1000 + i
            i += 1
            try:
                r = patch_fact(c, u, "2023", value)
            except (ConnectionError, OSError):
                return
            if r.status == 200:
                acked[u].append(value)

    def importer():
        c = Client(srv.url, token=w.admin_token)
        i = 0
        while not stop.is_set():
            value = 4000000.5 + i
            i += 1
            body = "uscc,year,revenue\n%s,2022,%.1f\n" % (firms[0], value)
            try:
                r = c.request("POST", "/api/v1/imports", body, {"Content-Type": "text/csv"})
            except (ConnectionError, OSError):
                return
            if r.status == 201:
                imported.append(value)

    ts = [threading.Thread(target=writer, args=(k, u)) for k, u in enumerate(firms)]
    ts.append(threading.Thread(target=importer))
    for t in ts:
        t.start()
    time.sleep(1.5)
    srv.proc.kill()
    srv.proc.wait()
    stop.set()
    for t in ts:
        t.join()
    total = sum(len(v) for v in acked.values()) + len(imported)
    print("  %d writes acknowledged before the kill" % total, flush=True)
    check.ok(total > 0, "no write was acknowledged before the kill")
    p = w.cli.run("audit", "verify", expect=None)
    check.ok(p.returncode == 0, "audit verify after kill -9: %s %s" % (p.stdout[-500:], p.stderr[-500:]))
    again = w.serve("--no-access-log")
    c = Client(again.url, token=w.admin_token)
    for u in firms:
        p = w.cli.run("history", "--uscc", u)
        text = p.stdout
        missing = [v for v in acked[u] if ("%g" % v) not in text and ("%.1f" % v) not in text]
        check.ok(not missing, "firm %s: writes acknowledged before kill -9 are not stored: %s" % (u, missing[:5]))
        r = c.get("/api/v1/enterprises/" + u)
        check.status(r, 200, "the firm served after the restart")
        if acked[u] and r.status == 200 and u != firms[0]:
            got = r.json.get("years", {}).get("2023", {}).get("revenue")
            # The write in flight at the kill may have committed unacknowledged: never older.
            check.ok(isinstance(got, (int, float)) and got >= acked[u][-1],
                     "firm %s: the last acknowledged revenue %s (or a later attempt) is served, got %s" % (u, acked[u][-1], got), r)
    text = w.cli.run("history", "--uscc", firms[0]).stdout
    missing = [v for v in imported if ("%g" % v) not in text and ("%.1f" % v) not in text]
    check.ok(not missing, "imports acknowledged before kill -9 are not stored: %s" % missing[:5])
    again.stop()


# --- OpenAPI ---

def test_openapi(w, check):
    check.begin("OpenAPI document")
    routes = w.cli.run("serve", "--routes").stdout.split("\n")
    routes = {tuple(x.split(" ", 1)) for x in routes if x.strip()}
    r = Client(w.server.url).get("/api/v1/openapi.json")
    if not check.status(r, 200, "GET openapi.json"):
        return
    doc = r.json
    check.ok(str(doc.get("openapi", "")).startswith("3.1"), "openapi is %r, expected 3.1.x" % doc.get("openapi"))
    documented = set()
    for path, item in doc.get("paths", {}).items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete", "head", "options"):
                documented.add((method.upper(), path))
    for x in sorted(routes - documented):
        check.fail("route %s %s is not in docs/openapi.yaml" % x)
    for x in sorted(documented - routes):
        check.fail("docs/openapi.yaml documents %s %s, which is no route" % x)
    check.ok(routes == documented, "routes and documented paths differ")
    schemes = doc.get("components", {}).get("securitySchemes", {})
    check.ok(any(s.get("in") == "cookie" and s.get("name") == "gradus_session" for s in schemes.values()), "no cookie security scheme gradus_session")
    check.ok(any(s.get("scheme") == "bearer" for s in schemes.values()), "no bearer security scheme")
    problem = doc.get("components", {}).get("schemas", {}).get("Problem", {}).get("properties", {})
    check.ok(all(k in problem for k in ("type", "title", "status", "code", "detail", "errors")), "the Problem schema lacks fields")
    # Every $ref resolves.
    refs = re.findall(r'"\$ref":\s*"#/([^"]+)"', r.text)
    for ref in set(refs):
        node = doc
        for part in ref.split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        check.ok(node is not None, "$ref #/%s does not resolve" % ref)


def test_documented_answers(w, check):
    check.begin("every answer as documented")
    doc = w.openapi
    patterns = []
    for path, item in doc.get("paths", {}).items():
        rx = "^" + re.sub(r"\\{[a-z_]+\\}", "[^/]+", re.escape(path)) + "$"
        for method in item:
            patterns.append((method.upper(), path, re.compile(rx)))
    seen = set()
    for r in list(Client.answers):
        path = r.target.split("?", 1)[0]
        route = next(((m, p) for m, p, rx in patterns if m == r.method and rx.match(path)), None)
        if route is None or r.status in (404, 405) and "%" in path:
            continue
        key = (route, r.status, (r.header("Content-Type") or "").split(";")[0])
        if key in seen:
            continue
        seen.add(key)
        check_documented(w, check, route, r)
    print("  %d answers, %d kinds checked" % (len(Client.answers), len(seen)), flush=True)


def test_slow_client_cut_off(w, check):
    check.begin("a client sending one byte a second")
    while w.trickler.closed_after is None and time.time() - w.trickler.started < 45:
        time.sleep(0.5)
    after = w.trickler.closed_after
    check.ok(after is not None and 25 <= after <= 40, "the slow client was cut off after %s s, expected about 30" %
             ("%.1f" % after if after is not None else "more than 45"))


def test_metrics_and_log(w, check):
    check.begin("metrics and access log")
    r = Client(w.server.url).get("/metrics")
    if check.status(r, 200, "GET /metrics"):
        check.ok("gradus_http_requests_total{" in r.text, "metrics lack gradus_http_requests_total", r)
        check.ok('route="/api/v1/enterprises/{uscc}"' in r.text, "metrics do not label requests by route pattern", r)
        check.ok("gradus_pool_enterprises" in r.text, "metrics lack gradus_pool_enterprises", r)
    log = w.server.access_log()
    lines = [x for x in log.split("\n") if x.startswith("{")]
    check.ok(len(lines) > 100, "the access log has only %d JSON lines" % len(lines))
    import json as _json
    bad = []
    for x in lines:
        try:
            j = _json.loads(x)
            if not all(k in j for k in ("time", "user", "remote", "method", "path", "route", "status", "bytes", "duration")):
                bad.append(x)
        except ValueError:
            bad.append(x)
    check.ok(not bad, "access log lines without the fields: %s" % bad[:2])
    check.ok(w.admin_password not in log and PASSWORD not in log and w.admin_token not in log, "the access log holds a password or token")


def main():
    if len(sys.argv) != 5:
        print("usage: api_test.py GRADUS SOURCE_DIR sqlite|postgresql WORK_DIR", file=sys.stderr)
        return 2
    os.environ["GRADUS_ALLOW_TEST_CLOCK"] = "1"  # the servers' workflow clock (WORKFLOW_TODAY)
    w = World(*sys.argv[1:5])
    check = Checks()
    tests = [test_sessions, run_routes, test_openapi, test_access, test_reports, test_applications, test_notices, test_if_match, test_imports, test_jobs,
             test_bad_input, test_two_processes, test_concurrent_writers, test_metrics_and_log,
             test_documented_answers, test_slow_client_cut_off, test_sigterm, test_sigkill]
    only = os.environ.get("API_TEST_ONLY")
    try:
        w.setup(check)
        for t in tests:
            if only and t.__name__ not in only.split(","):
                continue
            try:
                t(w, check)
            except Failure as e:
                check.fail("%s stopped: %s" % (t.__name__, e))
            except Exception as e:  # a broken answer (KeyError on a missing field, …) fails the test
                import traceback
                check.fail("%s raised %s: %s\n%s" % (t.__name__, type(e).__name__, e, traceback.format_exc()))
            if w.server.proc.poll() is not None:
                check.fail("the server exited (%r) during %s; log %s" % (w.server.proc.returncode, t.__name__, w.server.log_path))
                break
    except Failure as e:
        check.fail("setup: %s" % e)
    finally:
        w.close()
    print("%d checks passed, %d failed (%s)" % (check.passed, len(check.failures), w.backend))
    if check.failures:
        print("\nFAILURES:")
        for f in check.failures:
            print(" - " + f)
        return 1
    shutil.rmtree(w.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
