#!/usr/bin/env python3
"""Edit soak of `gradus serve` (issue 10): CLIENTS clients, each editing its own firm for SECONDS
seconds (GET for the ETag, then PATCH a yearly fact with If-Match), over keep-alive connections
with an API token. Counts the answers; any answer but 200 is an error (each client owns its firm,
so there is no honest 412). Afterwards every client's last acknowledged value is read back.

usage: serve_edits.py URL TOKEN CLIENTS SECONDS USCC...   (one USCC per client)
Exit status 0 when there were no errors and every acknowledged write is present.
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse


def main():
    url, token, clients, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    firms = sys.argv[5:5 + clients]
    if len(firms) < clients:
        sys.exit("need %d firms, got %d" % (clients, len(firms)))
    host = urllib.parse.urlparse(url)
    headers = {"Authorization": "Bearer " + token}
    last = {}
    counts = {"ok": 0, "errors": 0}
    errors = []
    lock = threading.Lock()
    end = time.time() + seconds

    def client(k, uscc):
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        i = 0
        ok = errs = 0
        while time.time() < end:
            value = 5000000.5 + k * 100000 + i
            i += 1
            try:
                conn.request("GET", "/api/v1/enterprises/" + uscc, headers=headers)
                g = conn.getresponse()
                g.read()
                etag = g.getheader("ETag")
                body = json.dumps({"years": {"2023": {"revenue": value}}})
                conn.request("PATCH", "/api/v1/enterprises/" + uscc, body=body,
                             headers=dict(headers, **{"If-Match": etag or "", "Content-Type": "application/json"}))
                r = conn.getresponse()
                text = r.read()
            except (OSError, http.client.HTTPException) as e:
                errs += 1
                with lock:
                    errors.append("%s: %s" % (uscc, e))
                conn.close()
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
                continue
            if r.status == 200:
                ok += 1
                last[uscc] = value
            else:
                errs += 1
                with lock:
                    errors.append("%s: %d %s" % (uscc, r.status, text[:200]))
        with lock:
            counts["ok"] += ok
            counts["errors"] += errs

    start = time.time()
    ts = [threading.Thread(target=client, args=(k, u)) for k, u in enumerate(firms)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    took = time.time() - start
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
    missing = []
    for uscc, value in last.items():
        conn.request("GET", "/api/v1/enterprises/" + uscc, headers=headers)
        r = conn.getresponse()
        got = json.loads(r.read()).get("years", {}).get("2023", {}).get("revenue")
        if got is None or got < value:  # a later attempt whose answer was lost may have landed
            missing.append("%s: acknowledged %s, stored %s" % (uscc, value, got))
    print("%d clients for %.0f s: %d edits acknowledged (%.0f/s), %d errors, %d acknowledged writes missing"
          % (clients, took, counts["ok"], counts["ok"] / took, counts["errors"], len(missing)))
    for line in (errors[:5] + missing[:5]):
        print("  " + line)
    sys.exit(0 if counts["errors"] == 0 and not missing else 1)


if __name__ == "__main__":
    main()
