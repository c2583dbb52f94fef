#!/usr/bin/env python3
"""A bank workload against the cluster of scripts/cluster.sh while nodes are killed, then the checks.

N clients make deposits, withdrawals and transfers among a few dozen accounts through HAProxy, every
request with an Idempotency-Key; a request that got no answer (connection error, timeout, HAProxy's
502/504) or a 503 is retried with the same key and body. Meanwhile a chaos thread kills the PostgreSQL
primary, one Kafka broker and the instance that relays the outbox (kill -9), starts each again and
measures how long clients and the relay took to recover. Afterwards it checks: money conserved, no
negative balance, every acknowledged transaction present, each history replays to its balance, every
event on the topic exactly once and each account's events in booking order (read_committed), no fraud
alert twice, and that requests without an answer were few and all resolved by retrying with their key.

Prints the figures; writes OUT/summary.json; exits 1 when a check fails. Standard library only.
"""
import argparse
import collections
import concurrent.futures
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

RETRYABLE = {502, 503, 504}
ACCOUNT_OPENING_CENTS = 100_000  # 1000.00 each
BIG_DEPOSIT_CENTS = 1_050_000  # 10,500.00: above FRAUD_THRESHOLD, flagged amount_threshold


def now():
    return time.time()


def log(msg):
    print(time.strftime("%H:%M:%S") + " [workload] " + msg, flush=True)


def cents(amount):
    """'12.34' -> 1234 (EUR amounts as the API prints them)."""
    sign = -1 if amount.startswith("-") else 1
    whole, _, frac = amount.lstrip("-").partition(".")
    return sign * (int(whole) * 100 + int((frac + "00")[:2]))


def money(c):
    return "%d.%02d" % (c // 100, c % 100)


class Api:
    """HTTP through HAProxy; every attempt is recorded (start, end, outcome) for the recovery figures."""

    def __init__(self, base, token, attempt_timeout_s, request_deadline_s):
        u = urllib.parse.urlparse(base)
        self.host, self.port = u.hostname, u.port
        self.token = token
        self.attempt_timeout_s = attempt_timeout_s
        self.request_deadline_s = request_deadline_s
        self.lock = threading.Lock()
        self.attempts = []  # (start, end, outcome) outcome: status int or "no_answer"

    def _once(self, method, path, body, key):
        headers = {"Authorization": "Bearer " + self.token, "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        if key:
            headers["Idempotency-Key"] = key
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.attempt_timeout_s)
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
            return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), raw
        finally:
            conn.close()

    def call(self, method, path, body=None, key=None, stop=None):
        """Retries no answer / 502 / 503 / 504 with the same key and body until an answer or the deadline.
        Returns (status or None, headers, json or None, attempts list)."""
        deadline = now() + self.request_deadline_s
        tries = []
        delay = 0.2
        while True:
            start = now()
            try:
                status, headers, raw = self._once(method, path, body, key)
                outcome = status
            except (OSError, http.client.HTTPException):
                status, headers, raw, outcome = None, {}, b"", "no_answer"
            end = now()
            tries.append((start, end, outcome))
            with self.lock:
                self.attempts.append((start, end, outcome))
            if status is not None and status not in RETRYABLE:
                try:
                    doc = json.loads(raw) if raw else None
                except ValueError:
                    doc = None
                return status, headers, doc, tries
            if now() + delay > deadline:
                return None, {}, None, tries
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


class Workload:
    def __init__(self, api, accounts, clients, seed):
        self.api = api
        self.accounts = accounts  # list of ids
        self.clients = clients
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.ops = []  # dicts

    def client(self, n):
        rng = random.Random(self.rng.random() + n)
        while not self.stop.is_set():
            r = rng.random()
            a = rng.choice(self.accounts)
            if r < 0.4:
                b = rng.choice([x for x in self.accounts if x != a])
                body = {"type": "transfer", "account_id": a, "target_account_id": b, "amount": money(rng.randint(100, 20_000))}
            elif r < 0.7:
                amount = BIG_DEPOSIT_CENTS if rng.random() < 0.01 else rng.randint(100, 20_000)
                body = {"type": "deposit", "account_id": a, "amount": money(amount)}
            else:
                body = {"type": "withdrawal", "account_id": a, "amount": money(rng.randint(100, 25_000))}
            key = "e2e-cluster-" + uuid.uuid4().hex
            started = now()
            status, headers, doc, tries = self.api.call("POST", "/transactions", body, key)
            op = {"key": key, "body": body, "status": status, "started": started, "ended": now(),
                  "attempts": len(tries), "no_answer": sum(1 for t in tries if t[2] in ("no_answer", 502, 504)),
                  "unavailable": sum(1 for t in tries if t[2] == 503),
                  "replayed": headers.get("idempotent-replayed") == "true"}
            if status == 201 and doc:
                op["id"] = doc.get("id")
                op["amount_cents"] = cents(doc["amount"])
            elif doc:
                op["code"] = doc.get("code")
            with self.lock:
                self.ops.append(op)

    def run(self):
        threads = [threading.Thread(target=self.client, args=(i,), daemon=True) for i in range(self.clients)]
        for t in threads:
            t.start()
        return threads


def sh(args, timeout):
    t0 = now()
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr, now() - t0


class Chaos:
    """Kills and restarts nodes with cluster.sh and measures recovery."""

    def __init__(self, cluster, dirname, api, env, figures):
        self.cluster, self.dir, self.api, self.env, self.figures = cluster, dirname, api, env, figures
        self.errors = []

    def status(self):
        rc, out, err, _ = sh([self.cluster, "status", self.dir], 30)
        return json.loads(out) if rc == 0 else {}

    def psql(self, sql):
        st = self.status()
        primary = st.get("pg_primary")
        if not primary:
            return None
        url = self.env["PG_URL_A" if primary == "pg-a" else "PG_URL_B"]
        p = subprocess.run(["psql", "-X", "-Atq", url, "-c", sql], capture_output=True, text=True, timeout=15,
                           env=dict(os.environ, PGCONNECT_TIMEOUT="3"))
        return p.stdout.strip() if p.returncode == 0 else None

    def do(self, verb, node, timeout=240):
        rc, out, err, took = sh([self.cluster, verb, self.dir, node], timeout)
        log("cluster.sh %s %s: exit %d in %.1f s %s" % (verb, node, rc, took, err.strip().splitlines()[-1] if err.strip() else ""))
        if rc != 0:
            self.errors.append("cluster.sh %s %s failed: %s" % (verb, node, err.strip()[-300:]))
        return rc == 0, took

    def first_success_after(self, t, limit_s):
        """Seconds from t until an acknowledged money request whose attempt started after t completed."""
        deadline = t + limit_s
        while now() < deadline:
            with self.api.lock:
                ends = [e for (s, e, o) in self.api.attempts if s >= t and o == 201]
            if ends:
                return min(ends) - t
            time.sleep(0.2)
        return None

    def window(self, t0, t1):
        with self.api.lock:
            a = [x for x in self.api.attempts if t0 <= x[0] < t1]
        c = collections.Counter(str(o) for (_, _, o) in a)
        return dict(c)

    def relay_instance(self):
        """The instance whose outbox_events_published_total grows: the relay leader."""
        def published(url):
            try:
                conn = http.client.HTTPConnection(urllib.parse.urlparse(url).hostname, urllib.parse.urlparse(url).port, timeout=5)
                conn.request("GET", "/metrics")
                text = conn.getresponse().read().decode()
                conn.close()
                return sum(float(l.rsplit(" ", 1)[1]) for l in text.splitlines() if l.startswith("outbox_events_published_total"))
            except (OSError, ValueError, IndexError, http.client.HTTPException):
                return 0.0
        first = {n: published(self.env[u]) for n, u in (("app-1", "APP_1_URL"), ("app-2", "APP_2_URL"))}
        time.sleep(3)
        second = {n: published(self.env[u]) for n, u in (("app-1", "APP_1_URL"), ("app-2", "APP_2_URL"))}
        growing = [n for n in first if second[n] > first[n]]
        return growing[0] if growing else "app-1"

    def haproxy_state(self, server):
        return self.status().get("haproxy_servers", {}).get(server)

    def run(self, workload, warmup_s, settle_s):
        f = self.figures
        time.sleep(warmup_s)

        # 1. PostgreSQL primary
        old = self.status().get("pg_primary")
        t_cmd = now()
        ok, _ = self.do("kill", "pg-primary")
        t = now()  # the node's processes are gone
        promoted = None
        while now() - t < 120:
            st = self.status()
            if st.get("pg_primary") and st.get("pg_primary") != old:
                promoted = now() - t
                break
            time.sleep(0.3)
        rec = self.first_success_after(t, 120)
        f["pg_primary_killed"] = old
        f["pg_writes_back_after_s"] = None if rec is None else round(rec, 1)
        f["pg_new_primary"] = self.status().get("pg_primary")
        f["pg_promoted_after_s"] = None if promoted is None else round(promoted, 1)
        f["pg_failover_attempts"] = self.window(t_cmd, t + (rec or 60) + 1)
        log("PostgreSQL: %s killed, %s primary after %s s, writes back after %s s; attempts meanwhile %s" % (
            old, f["pg_new_primary"], f["pg_promoted_after_s"], f["pg_writes_back_after_s"], f["pg_failover_attempts"]))
        time.sleep(settle_s)
        ok, took = self.do("start", "pg-primary")
        f["pg_old_primary_rejoined_as_standby_s"] = round(took, 1) if ok else None
        time.sleep(settle_s)

        # 2. one Kafka broker
        t_cmd = now()
        ok, _ = self.do("kill", "kafka-2")
        t = now()
        resumed = None
        while now() - t < 90:
            v = self.psql("SELECT extract(epoch FROM min(published_at)) FROM outbox_events WHERE created_at > to_timestamp(%f)" % (t + 0.5))
            if v:
                resumed = float(v) - t
                break
            time.sleep(0.5)
        f["kafka_relay_publishing_after_broker_kill_s"] = None if resumed is None else round(resumed, 1)
        f["kafka_broker_kill_attempts"] = self.window(t_cmd, t + 10)
        log("Kafka: kafka-2 killed, events booked after it on the topic after %s s; attempts meanwhile %s" % (
            f["kafka_relay_publishing_after_broker_kill_s"], f["kafka_broker_kill_attempts"]))
        time.sleep(settle_s)
        ok, took = self.do("start", "kafka-2")
        f["kafka_broker_restart_s"] = round(took, 1) if ok else None
        time.sleep(settle_s)

        # 3. the instance that relays the outbox
        victim = self.relay_instance()
        f["app_killed"] = victim
        t_cmd = now()
        ok, _ = self.do("kill", victim)
        t = now()
        marked = None
        while now() - t < 30:
            if self.haproxy_state(victim) not in ("UP", None) and not str(self.haproxy_state(victim)).startswith("UP"):
                marked = now() - t
                break
            time.sleep(0.2)
        f["haproxy_marked_down_after_s"] = None if marked is None else round(marked, 1)
        rec = self.first_success_after(t, 60)
        f["app_kill_writes_after_s"] = None if rec is None else round(rec, 2)
        time.sleep(max(settle_s, 3))
        f["app_kill_attempts"] = self.window(t_cmd, t + 5)
        log("Instance: %s killed, HAProxy marked it down after %s s; attempts in the next 5 s %s" % (
            victim, f["haproxy_marked_down_after_s"], f["app_kill_attempts"]))
        t = now()
        ok, took = self.do("start", victim)
        f["app_restart_to_ready_s"] = round(took, 1) if ok else None
        up = None
        while now() - t < took + 30:
            if str(self.haproxy_state(victim)).startswith("UP"):
                up = now() - t
                break
            time.sleep(0.3)
        f["app_restart_to_haproxy_up_s"] = None if up is None else round(up, 1)
        log("Instance: %s ready again after %s s, in HAProxy after %s s" % (victim, f["app_restart_to_ready_s"], f["app_restart_to_haproxy_up_s"]))
        time.sleep(settle_s)
        workload.stop.set()


def pages(api, path):
    items, cursor = [], None
    while True:
        sep = "&" if "?" in path else "?"
        p = path + sep + "limit=200" + ("&cursor=" + urllib.parse.quote(cursor) if cursor else "")
        status, _, doc, _ = api.call("GET", p)
        if status != 200:
            raise RuntimeError("GET %s: %s %s" % (p, status, doc))
        items += doc["items"]
        cursor = doc.get("next_cursor")
        if not cursor:
            return items


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--env", required=True, help="DIR/cluster.env")
    ap.add_argument("--cluster", required=True, help="path of scripts/cluster.sh")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--kafka-tool", required=True, help="command prefix for ClusterKafka (space separated)")
    ap.add_argument("--clients", type=int, default=6)
    ap.add_argument("--accounts", type=int, default=30)
    ap.add_argument("--warmup", type=float, default=10)
    ap.add_argument("--settle", type=float, default=3)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--no-answer-max-ratio", type=float, default=0.05)
    args = ap.parse_args()

    env = {}
    for line in open(args.env):  # KEY='value' lines
        if "=" in line and not line.startswith("#"):
            k, v = line.rstrip("\n").split("=", 1)
            env[k] = v[1:-1] if len(v) >= 2 and v[0] == v[-1] == "'" else v
    api = Api(env["API_URL"], args.token, attempt_timeout_s=15, request_deadline_s=150)
    figures = {}
    checks = []  # (ok, text)

    def check(ok, text):
        checks.append((bool(ok), text))
        print(("PASS " if ok else "FAIL ") + text, flush=True)

    # accounts
    accounts = []
    for i in range(args.accounts):
        body = {"owner_id": "cluster-e2e", "holder_name": "Holder %d" % i, "initial_deposit": money(ACCOUNT_OPENING_CENTS)}
        status, _, doc, _ = api.call("POST", "/accounts", body, "e2e-cluster-open-%d-%s" % (i, uuid.uuid4().hex))
        if status != 201:
            print("FAIL setup: opening account %d: %s %s" % (i, status, doc))
            return 1
        accounts.append(doc["id"])
    log("%d accounts opened with %s each; %d clients start" % (len(accounts), money(ACCOUNT_OPENING_CENTS), args.clients))

    wl = Workload(api, accounts, args.clients, args.seed)
    chaos = Chaos(args.cluster, args.dir, api, env, figures)
    t_start = now()
    threads = wl.run()
    try:
        chaos.run(wl, args.warmup, args.settle)
    except Exception as e:  # a chaos step that broke: stop the workload, still check what happened
        chaos.errors.append("chaos: %r" % e)
        wl.stop.set()
    for t in threads:
        t.join(timeout=200)
    t_end = now()
    ops = wl.ops
    figures["workload_s"] = round(t_end - t_start, 1)
    figures["requests"] = len(ops)
    figures["requests_per_s"] = round(len(ops) / max(t_end - t_start, 1), 1)
    status_counts = collections.Counter(str(o["status"]) for o in ops)
    figures["final_statuses"] = dict(status_counts)
    all_attempts = collections.Counter(str(o) for (_, _, o) in api.attempts)
    figures["attempt_outcomes"] = dict(all_attempts)
    log("workload: %d requests in %.0f s, final statuses %s, attempts %s" % (len(ops), t_end - t_start, dict(status_counts), dict(all_attempts)))
    for e in chaos.errors:
        check(False, e)

    # wait for the outbox to drain (every booked event handed to Kafka)
    drained = None
    t0 = now()
    while now() - t0 < 120:
        v = chaos.psql("SELECT count(*) FROM outbox_events WHERE published_at IS NULL")
        if v == "0":
            drained = now() - t0
            break
        time.sleep(1)
    figures["outbox_drained_after_workload_s"] = None if drained is None else round(drained, 1)
    check(drained is not None, "the outbox drained after the workload (%s s)" % figures["outbox_drained_after_workload_s"])
    # the topic is read (read_committed, to its end) while the API checks run
    tool = args.kafka_tool.split() + ["dump", env["KAFKA_BOOTSTRAP_SERVERS"], env["KAFKA_TOPIC"], "120"]
    dump = subprocess.Popen(tool, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    # requests without an answer: all resolved by retrying with their key
    acked = [o for o in ops if o["status"] == 201]
    unresolved = [o for o in ops if o["status"] is None]
    with_no_answer = [o for o in ops if o["no_answer"] > 0]
    with_503 = [o for o in ops if o["unavailable"] > 0]
    refused = collections.Counter(o.get("code") for o in ops if o["status"] is not None and o["status"] != 201)
    figures.update({"acknowledged": len(acked), "refused": dict(refused), "requests_with_no_answer": len(with_no_answer),
                    "requests_with_503": len(with_503), "unresolved": len(unresolved),
                    "resolved_by_retry": len([o for o in with_no_answer + with_503 if o["status"] is not None]),
                    "replayed_answers": len([o for o in ops if o["replayed"]])})
    check(not unresolved, "every request got an answer in the end (%d unresolved of %d; %d had no answer at first, %d a 503, all retried with their key; %d answers were idempotent replays)" % (
        len(unresolved), len(ops), len(with_no_answer), len(with_503), figures["replayed_answers"]))
    check(len(with_no_answer) <= max(3, args.no_answer_max_ratio * len(ops)),
          "requests that got no answer were few: %d of %d (%.2f %%)" % (len(with_no_answer), len(ops), 100.0 * len(with_no_answer) / max(len(ops), 1)))
    bad = [o for o in ops if o["status"] is not None and o["status"] != 201 and o.get("code") != "insufficient_funds"]
    check(not bad, "only 201 or 422 insufficient_funds as final answers (%d others: %s)" % (
        len(bad), collections.Counter((o["status"], o.get("code")) for o in bad).most_common(5)))

    # A 500 says nothing about whether the money moved: retry each with its key and body once more,
    # as a client would, to learn it (an idempotent replay means it had been applied).
    errors = [o for o in ops if o["status"] is not None and o["status"] >= 500]
    applied_500 = 0
    for o in errors:
        status, headers, doc, _ = api.call("POST", "/transactions", o["body"], o["key"])
        o["after_500"] = (status, headers.get("idempotent-replayed") == "true")
        if status == 201 and doc:
            o["id"] = doc.get("id")
            o["amount_cents"] = cents(doc["amount"])
            o["status"] = 201
            if headers.get("idempotent-replayed") == "true":
                applied_500 += 1
    figures["answers_500"] = len(errors)
    figures["answers_500_that_had_applied"] = applied_500
    if errors:
        log("%d requests answered 500; retried with their key: %d had been applied (replayed), %d now applied fresh" % (
            len(errors), applied_500, len([o for o in errors if o["status"] == 201]) - applied_500))
    acked = [o for o in ops if o["status"] == 201]

    # balances and histories
    acc = {a["id"]: a for a in pages(api, "/accounts") if a["id"] in set(accounts)}
    balances = {i: cents(acc[i]["balance"]) for i in accounts if i in acc}
    check(len(balances) == len(accounts), "every account readable (%d of %d)" % (len(balances), len(accounts)))
    deposits = sum(o["amount_cents"] for o in acked if o["body"]["type"] == "deposit")
    withdrawals = sum(o["amount_cents"] for o in acked if o["body"]["type"] == "withdrawal")
    expected = len(accounts) * ACCOUNT_OPENING_CENTS + deposits - withdrawals
    total = sum(balances.values())
    figures.update({"sum_of_balances": money(total), "opening_deposits_plus_deposits_minus_withdrawals": money(expected)})
    check(total == expected, "money conserved: sum of balances %s = openings %s + deposits %s - withdrawals %s (= %s)" % (
        money(total), money(len(accounts) * ACCOUNT_OPENING_CENTS), money(deposits), money(withdrawals), money(expected)))
    negative = [i for i, b in balances.items() if b < 0]
    check(not negative, "no negative balance (%d negative; lowest %s)" % (len(negative), money(min(balances.values())) if balances else "?"))

    missing, mismatched = [], []

    def fetch(o):
        status, _, doc, _ = api.call("GET", "/transactions/%d" % o["id"])
        if status != 200:
            return "missing"
        if cents(doc["amount"]) != o["amount_cents"] or doc["type"] != o["body"]["type"]:
            return "different"
        return "ok"
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        for o, r in zip(acked, pool.map(fetch, acked)):
            if r == "missing":
                missing.append(o["id"])
            elif r == "different":
                mismatched.append(o["id"])
    check(not missing and not mismatched, "every acknowledged transaction present: %d checked with GET /transactions/{id}, %d missing, %d different" % (
        len(acked), len(missing), len(mismatched)))

    acked_ids = {o["id"] for o in acked}
    booked = {}  # tx id -> tx, from the histories
    replay_bad, unacked = [], []
    for i in accounts:
        hist = pages(api, "/transactions?account_id=%d" % i)
        bal = 0
        openings = 0
        for tx in hist:
            booked[tx["id"]] = tx
            c = cents(tx["amount"])
            if tx["type"] == "deposit":
                bal += c
            elif tx["type"] == "withdrawal":
                bal -= c
            elif tx["type"] == "transfer":
                bal += -c if tx["account_id"] == i else c
            if tx["id"] not in acked_ids:
                if tx["type"] == "deposit" and c == ACCOUNT_OPENING_CENTS and openings == 0:
                    openings += 1
                else:
                    unacked.append(tx["id"])
        if bal != balances.get(i):
            replay_bad.append(i)
    check(not replay_bad, "each account's history replays to its balance (%d accounts, %d transactions; %d differ)" % (
        len(accounts), len(booked), len(replay_bad)))
    check(not unacked, "nothing booked that was not acknowledged (%d such transactions)" % len(unacked))

    # events: read_committed, every booked transaction exactly once, each account's in booking order
    try:
        dump_out, dump_err = dump.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        dump.kill()
        dump_out, dump_err = dump.communicate()
    if dump.returncode != 0:
        check(False, "reading the topic (read_committed): %s" % dump_err.strip()[-300:])
    else:
        records = [json.loads(l) for l in dump_out.splitlines() if l.startswith("{")]
        seen = collections.Counter()
        per_key = collections.defaultdict(list)  # (partition, key) -> tx ids in offset order
        wrong_key = 0
        for r in sorted(records, key=lambda r: (r["p"], r["o"])):
            ev = json.loads(r["v"])
            tid = ev["transaction"]["id"]
            if tid in booked or ev["transaction"]["account_id"] in acc:
                seen[tid] += 1
                per_key[(r["p"], r["k"])].append(tid)
                if str(ev["transaction"]["account_id"]) != r["k"]:
                    wrong_key += 1
        dups = {t: n for t, n in seen.items() if n > 1}
        absent = [t for t in booked if t not in seen]
        out_of_order = 0
        raw_out_of_order = 0  # the stream as delivered, duplicates included
        examples = []
        for (part, key), ids in per_key.items():
            highest = 0
            for t in ids:
                if t < highest:
                    raw_out_of_order += 1
                highest = max(highest, t)
            firsts = []
            for t in ids:  # booking order: first occurrences in increasing transaction id
                if not firsts or t not in firsts:
                    firsts.append(t)
            for a, b in zip(firsts, firsts[1:]):
                if b < a:
                    out_of_order += 1
                    if len(examples) < 3:
                        examples.append("account %s: tx %d after tx %d" % (key, b, a))
        offsets = collections.defaultdict(list)
        for r in records:
            offsets[json.loads(r["v"])["transaction"]["id"]].append("%d:%d" % (r["p"], r["o"]))
        figures["event_duplicate_examples"] = ["tx %d at partition:offset %s" % (t, ", ".join(offsets[t])) for t in list(dups)[:5]]
        figures.update({"events_read": len(records), "events_of_this_run": sum(seen.values()), "event_duplicates": sum(n - 1 for n in dups.values()),
                        "events_missing": len(absent), "events_out_of_order": out_of_order,
                        "events_behind_a_later_one_as_delivered": raw_out_of_order,
                        "event_headers": sorted({h for r in records for h in r["h"]})})
        check(not absent and not dups, "every booked transaction's event on the topic exactly once, read_committed (%d transactions, %d events; %d missing, %d duplicates)" % (
            len(booked), sum(seen.values()), len(absent), sum(n - 1 for n in dups.values())))
        # judged on the stream as delivered: a consumer that does not deduplicate must see booking order too
        check(out_of_order == 0 and raw_out_of_order == 0 and wrong_key == 0,
              "each account's events in booking order (%d accounts; first deliveries: %d out of order%s; %d keyed wrongly; "
              "as delivered, duplicates included, %d events came after a later one of their account)" % (
                  len(per_key), out_of_order, (": " + "; ".join(examples)) if examples else "", wrong_key, raw_out_of_order))

    # fraud alerts: the consumer stored each at most once. The partitions of a killed instance's consumer
    # move to the other member only after Kafka's session timeout (45 s), and its backlog then drains:
    # allow for both before judging that an alert is missing
    big = [o["id"] for o in acked if o["body"]["type"] == "deposit" and o["amount_cents"] == BIG_DEPOSIT_CENTS]
    t0 = now()
    alerts = []
    while True:
        alerts = pages(api, "/fraud-alerts")
        flagged = {a["transaction_id"] for a in alerts if a["rule"] == "amount_threshold"}
        if all(b in flagged for b in big) or now() - t0 > 180:
            break
        time.sleep(2)
    pairs = collections.Counter((a["transaction_id"], a["rule"]) for a in alerts)
    twice = [k for k, n in pairs.items() if n > 1]
    figures.update({"fraud_alerts": len(alerts), "fraud_alerts_twice": len(twice), "big_deposits": len(big),
                    "big_deposits_flagged": len([b for b in big if b in flagged])})
    check(not twice, "no fraud alert twice (%d alerts, %d repeated)" % (len(alerts), len(twice)))
    check(all(b in flagged for b in big), "every deposit above the threshold flagged (%d of %d)" % (figures["big_deposits_flagged"], len(big)))

    figures["checks_passed"] = sum(1 for ok, _ in checks if ok)
    figures["checks_failed"] = sum(1 for ok, _ in checks if not ok)
    figures["checks"] = [("PASS " if ok else "FAIL ") + t for ok, t in checks]
    with open(os.path.join(args.out, "summary.json"), "w") as fh:
        json.dump(figures, fh, indent=2)
    print("")
    print("Figures (also in %s):" % os.path.join(args.out, "summary.json"))
    for k, v in figures.items():
        if k != "checks":
            print("  %-48s %s" % (k, v))
    return 0 if figures["checks_failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
