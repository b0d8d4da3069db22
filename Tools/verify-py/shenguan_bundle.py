"""PROTOCOL.md §4.2, §4.3 and §8: evidence bundles and the verdicts they
prove, recomputed independently of the Swift code (cryptography, hashlib and
rfc8785 only, through shenguan_ops)."""
import base64
import hashlib
import datetime
import json
import re

from canonical_json import loads_untrusted
from ed25519_rules import is_strong_key
from shenguan_ops import Rejection, b64u_decode, check_op, decode_envelope, no_dup_pairs
from shenguan_workflow import WRITERS

CST = datetime.timezone(datetime.timedelta(hours=8))
DAY = 86_400_000
MIN, MAX = -(2 ** 63), 2 ** 63 - 1


def b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def rfc3339(ms: int) -> str:
    return datetime.datetime.fromtimestamp(ms / 1000, CST).strftime("%Y-%m-%dT%H:%M:%S+08:00")


class Calendar:
    """T1, T2 from the signed calendar years of the roster."""

    def __init__(self, years):
        self.years = {y["year"]: (set(y["holidays"]), set(y["adjustedWorkingDays"])) for y in years}

    def working(self, d: datetime.date) -> bool:
        if d.year not in self.years:  # §4.2 provisional rule: weekends only
            return d.weekday() < 5
        off, on = self.years[d.year]
        iso = d.isoformat()
        if iso in off:
            return False
        return iso in on or d.weekday() < 5

    def due_and_provisional(self, start_ms: int, n: int):
        """(limit ms, provisional): 24:00 CST of the Nth working day after the
        day of start (T2), provisional when a day after the event
        day through the last day lies in a year without a table (§4.2)."""
        day = datetime.datetime.fromtimestamp(start_ms / 1000, CST).date()
        last, counted = day, 0
        while counted < n:
            last += datetime.timedelta(days=1)
            if self.working(last):
                counted += 1
        end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(), CST)
        first = day if n == 0 else day + datetime.timedelta(days=1)
        provisional = any(y not in self.years for y in range(first.year, last.year + 1))
        return int(end.timestamp() * 1000), provisional


def require_strong(key, what):
    """§2.2: every key entering a roster passes the key rule (roster.weak_key)."""
    try:
        raw = b64u_decode(key)
    except ValueError:
        raw = b""
    if not is_strong_key(raw):
        raise Rejection("roster.weak_key", f"{what} {key[:12]}... is not a valid replica key (PROTOCOL.md §2.2)")


LIMITS = ("claim", "pushBack", "bureauClaim", "feedback", "creditPush", "postVerification")


def _int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check_policy(p):
    """A policy as a roster operation carries it (§2.7): complete, no
    "base", each field in range; as Swift's Policy(signed:)."""
    def bad(why):
        raise Rejection("roster.invalid", f"the policy is invalid: {why}")
    if not isinstance(p, dict) or set(p) != set(LIMITS) | {"profile", "graceMillis", "maxSkewMillis"}:
        bad("members")
    if not isinstance(p["profile"], str):
        bad("profile")
    for name in LIMITS:
        lim = p[name]
        if not isinstance(lim, dict) or set(lim) != {"workingDays", "rule", "citation", "localChoice"} \
                or not isinstance(lim["rule"], str) or not isinstance(lim["citation"], str) or not isinstance(lim["localChoice"], bool):
            bad(name)
        if not _int(lim["workingDays"]) or not 0 <= lim["workingDays"] <= 60:
            bad(f"{name}.workingDays")
    if not _int(p["graceMillis"]) or not 0 <= p["graceMillis"] <= 7 * 86_400_000:
        bad("graceMillis")
    if not _int(p["maxSkewMillis"]) or not 1_000 <= p["maxSkewMillis"] <= 86_400_000:
        bad("maxSkewMillis")


class Roster:
    def __init__(self, genesis_body, root):
        if genesis_body.get("root") != root:
            raise Rejection("roster.invalid", "genesis root must be its author")
        require_strong(root, "the genesis root key")
        check_policy(genesis_body["policy"])
        self.root = root
        self.departments = {d["id"]: d for d in genesis_body["departments"]}
        for r in genesis_body["replicas"]:
            require_strong(r["key"], f"the genesis replica key of {r['department']}")
            if r["department"] not in self.departments:
                raise Rejection("roster.invalid", f"replica admitted to unknown department {r['department']}")
        self.replicas = {r["key"]: r["department"] for r in genesis_body["replicas"]}
        self.revoked = set()
        self.revoked_at = {}
        self.policy = genesis_body["policy"]
        self.years = {y["year"]: y for y in genesis_body["calendar"]}
        self.in_force = []  # (time, policy) per roster version, in version order

    def policy_at(self, t):
        """§4.2: the policy of the latest roster version whose operation's
        time is at most t (the genesis' when t precedes them all)."""
        best = self.in_force[0][1]
        for time, policy in self.in_force:
            if time <= t:
                best = policy
        return best

    def apply(self, kind, body):
        """§2.7: one roster change, refused (roster.invalid, roster.weak_key)
        exactly where the Swift replica refuses it."""
        def bad(why):
            raise Rejection("roster.invalid", why)
        if kind == "roster.department":
            if body["id"] in self.departments:
                bad(f"department {body['id']} exists already")
            self.departments[body["id"]] = body
        elif kind == "roster.admit":
            if body["department"] not in self.departments:
                bad(f"unknown department {body['department']}")
            if body["key"] in self.replicas:
                bad("key already admitted")
            require_strong(body["key"], "the admitted key")
            self.replicas[body["key"]] = body["department"]
        elif kind == "roster.revoke":
            if body["key"] not in self.replicas or body["key"] in self.revoked:
                bad("roster.revoke names a key that is not active")
            self.revoked.add(body["key"])
            self.revoked_at[body["key"]] = len(self.in_force) + 1  # the version this operation makes
        elif kind == "roster.policy":
            check_policy(body["policy"])
            self.policy = body["policy"]
        elif kind == "roster.calendar":
            check_calendar_year(body["year"], bad)
            self.years[body["year"]["year"]] = body["year"]
        elif kind == "roster.root":
            if body["key"] == self.root or body["key"] in self.replicas:
                bad("roster.root names a new key that is neither the current root nor a replica key")
            require_strong(body["key"], "the new root key")
            self.root = body["key"]


def check_calendar_year(y, bad):
    """A calendar table as WorkingDayCalendar accepts it (T1): real dates,
    each within a year of the table's year, adjusted working days on a
    weekend, no date both a holiday and an adjusted working day."""
    if not isinstance(y.get("year"), int) or isinstance(y.get("year"), bool) or not 1 <= y["year"] <= 9999 \
            or not isinstance(y.get("source"), str):
        bad("a calendar year is {year, source, holidays, adjustedWorkingDays}")
    days = {}
    for k in ("holidays", "adjustedWorkingDays"):
        out = []
        for d in y.get(k, []):
            try:
                out.append(datetime.date.fromisoformat(d) if isinstance(d, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", d) else None)
            except ValueError:
                out.append(None)
            if out[-1] is None:
                bad(f"calendar {k}: not a YYYY-MM-DD date")
            if abs(out[-1].year - y["year"]) > 1:
                bad(f"{d} is not within a year of {y['year']}")
        days[k] = out
    for d in days["adjustedWorkingDays"]:
        if d.weekday() < 5:
            bad(f"{d} is listed as an adjusted working day but is already a working day")
    if set(days["holidays"]) & set(days["adjustedWorkingDays"]):
        bad("a date is listed both as a holiday and as an adjusted working day")


def evidence_graph(ops, owner, key_dept):
    """lo and hi marks per op id (§4.3): (time, ctr, op id), so that where
    several operations give the same bound the first in (time, ctr, id)
    order is named. `owner` maps op ids to departments, `key_dept` replica
    keys to departments."""
    order = sorted(ops.values(), key=lambda o: (o.header["time"], o.header["ctr"], o.id))
    parents = {o.id: [p for p in o.parents if p in ops] for o in order}
    lo, hi, latest = {}, {}, {}
    for o in order:
        m = {}
        for p in parents[o.id]:
            for d, mark in latest[p].items():
                if d not in m or mark > m[d]:
                    m[d] = mark
        foreign = [mk for d, mk in m.items() if d != owner[o.id]]
        if foreign:
            lo[o.id] = max(foreign)
        m[owner[o.id]] = (o.header["time"], o.header["ctr"], o.id)
        latest[o.id] = m
    for o in order:
        if o.header["kind"] != "witness" or o.body is None:  # §8: operations of a path come without bodies
            continue
        for d in json.loads(o.body)["declarations"]:
            if owner[o.id] == key_dept.get(d["author"], "?" + d["author"]):
                continue
            for x in order:
                if x.header["author"] == d["author"] and d["seq"] < x.header["seq"] and d["time"] > lo.get(x.id, (MIN,))[0]:
                    lo[x.id] = (d["time"], 0, o.id)
    earliest = {}
    for o in reversed(order):
        m = dict(earliest.get(o.id, {}))
        foreign = [mk for d, mk in m.items() if d != owner[o.id]]
        if foreign:
            hi[o.id] = min(foreign)
        me = (o.header["time"], o.header["ctr"], o.id)
        if owner[o.id] not in m or me < m[owner[o.id]]:
            m[owner[o.id]] = me
        for p in parents[o.id]:
            pm = earliest.setdefault(p, {})
            for d, mark in m.items():
                if d not in pm or mark < pm[d]:
                    pm[d] = mark
    return lo, hi


def decide(start, n, act, cal, grace, now):
    """§4.2 table. start/act bounds are (own, lo, hi). Returns (outcome,
    basis, limit, provisional): provisional when the limit reaches a year
    without a table."""
    own, _, shi = start
    limit, provisional = cal.due_and_provisional(shi if shi != MAX else own, n)
    return (*judge(limit, act, grace, now), limit, provisional)


def judge(limit, act, grace, now):
    if act is None:
        return ("open", "no_act_yet") if now < limit else ("lapsed", "no_act_by_limit")
    a_own, a_lo, a_hi = act
    if a_hi < limit:
        return "on_time", "proven_on_time"
    if a_lo >= limit:
        return "late", "proven_late"
    if a_own < limit and a_hi < limit + grace:
        return "on_time", "straddle_on_time"
    if a_hi == MAX and a_own < limit and now < limit + grace:
        return "awaiting_witness", "unwitnessed"
    return "late", "straddle_late"


PUSH_LABELS = {"open": "pending", "on_time": "claimed_on_time", "late": "claimed_late", "lapsed": "auto_claimed",
               "awaiting_witness": "claimed_awaiting_witness"}


MISSING = object()


def verify_bundle(data: bytes) -> dict:
    """Returns {"passed", "verdict", "failures", "incomplete"}."""
    failures, incomplete = [], []
    try:
        b = loads_untrusted(data)
        assert isinstance(b, dict) and b.get("format") == "shenguan-evidence/1"
        network, subject, kind, now = b["network"], b["subject"], b["kind"], b["judgedAt"]
        envs, claimed = b["ops"], b["verdict"]
        # §8: the members' types, as the Swift reader requires them.
        assert isinstance(network, str) and isinstance(subject, str) and isinstance(kind, str), "network, subject, kind"
        assert type(now) is int and abs(now) <= 2**53 - 1, "judgedAt is an integer of milliseconds"
        assert isinstance(envs, list) and isinstance(claimed, dict), "ops is a list, verdict an object"
    except Exception as exc:  # truncated, damaged, not a bundle
        return {"passed": False, "verdict": None, "failures": [f"evidence.malformed: {exc}"], "incomplete": []}
    for i, env in enumerate(envs):  # §8: a list of envelopes (§2.4), or no bundle at all, as the Swift reader decides
        try:
            decode_envelope(env)
        except Rejection as rej:
            return {"passed": False, "verdict": None, "incomplete": [],
                    "failures": [f"evidence.malformed: operation {i + 1} of the bundle is not an envelope: {rej.reason}"]}
    ops = {}
    for i, env in enumerate(envs):
        try:
            op = check_op(json.dumps(env).encode(), network, i + 1)
            ops[op.id] = op
        except Rejection as rej:
            failures.append(f"operation {i + 1}: {rej.code}")
    roster_ops = sorted((o for o in ops.values() if o.header["kind"].startswith("roster.")),
                        key=lambda o: (o.header["time"], o.header["ctr"], o.id))
    genesis = next((o for o in roster_ops if o.header["kind"] == "roster.genesis" and o.id == network), None)
    if genesis is None:
        failures.append("the genesis roster of this network is missing")
        return {"passed": False, "verdict": None, "failures": failures, "incomplete": incomplete}
    if genesis.body is None:
        failures.append("the genesis roster of this network is carried without its body")
        return {"passed": False, "verdict": None, "failures": failures, "incomplete": incomplete}
    try:
        roster = Roster(json.loads(genesis.body), genesis.header["author"])
        roster.in_force.append((genesis.header["time"], roster.policy))
    except Rejection as rej:
        failures.append(f"roster operation {genesis.id[:12]}: {rej.code}: {rej.reason}")
        return {"passed": False, "verdict": None, "failures": failures, "incomplete": incomplete}
    for o in roster_ops:
        if o is not genesis:
            if o.prev is not None and o.prev not in ops:  # §8: the root chain is carried whole
                failures.append(f"roster operation {o.id[:12]}: the root chain is incomplete (its previous operation is not in the bundle)")
            if o.header["author"] != roster.root:
                failures.append(f"roster operation {o.id[:12]} not signed by the root key")
                continue
            if o.body is None:
                failures.append(f"roster operation {o.id[:12]} carried without its body")
                continue
            try:
                roster.apply(o.header["kind"], json.loads(o.body))
                roster.in_force.append((o.header["time"], roster.policy))
            except Rejection as rej:
                failures.append(f"roster operation {o.id[:12]}: {rej.code}: {rej.reason}")
    for o in ops.values():
        a = o.header["author"]
        if not o.header["kind"].startswith("roster.") and a not in roster.replicas:
            failures.append(f"{o.id[:12]} signed by a key the roster never admitted")
    for o in ops.values():
        if o.header["author"] in roster.revoked:  # §2.7: stands only if concurrent with its revocation
            incomplete.append(f"key of {o.id[:12]}… was revoked at roster version {roster.revoked_at[o.header['author']]}: "
                              "check the operation precedes it")
    by_seq = {}
    for o in ops.values():
        by_seq.setdefault((o.header["author"], o.seq), set()).add(o.id)
    # §2.5 steps 12-13 between the operations held: out of causal order, no verdict.
    disordered = False
    for o in ops.values():
        h = o.header
        refs = [r for r in o.parents if r in ops]
        broken = [(name, seq) for name, ref, seq in o.chain_links
                  if ref in ops and (ops[ref].header["author"] != h["author"] or ops[ref].seq != seq)]
        if broken:
            failures.append(f"op.chain_broken: {o.id[:12]}: {broken[0][0]} is not its author's operation at seq {broken[0][1]}")
        elif any(ops[d].header["author"] == h["author"] for d in h["deps"] if d in ops):
            failures.append(f"op.chain_broken: {o.id[:12]}: deps names an operation of its own author")
        elif any(not (h["time"], h["ctr"]) > (ops[r].header["time"], ops[r].header["ctr"]) for r in refs):
            failures.append(f"op.clock_regression: {o.id[:12]}: its clock is not after what it builds on")
        else:
            continue
        disordered = True
    if disordered:
        return {"passed": False, "verdict": None, "failures": failures, "incomplete": incomplete}
    if kind == "equivocation":
        fork = [s for (a, s), ids in by_seq.items() if a == subject and len(ids) > 1]
        if not fork:
            failures.append("no fork of that author in the bundle")
        # The lowest seq at which the subject signed two operations (PROTOCOL.md §8).
        return {"passed": not failures, "verdict": {"fork": bool(fork), "seq": min(fork) if fork else None},
                "failures": failures, "incomplete": incomplete}
    owner = {i: roster.replicas.get(o.header["author"], "?" + o.header["author"]) for i, o in ops.items()}
    lo, hi = evidence_graph(ops, owner, roster.replicas)

    def bounds(oid):
        return ops[oid].header["time"], lo.get(oid, (MIN,))[0], hi.get(oid, (MAX,))[0]

    cal = Calendar(roster.years.values())
    bodies = {i: json.loads(o.body) for i, o in ops.items() if o.body is not None}
    if kind != "report" and (subject not in ops or subject not in bodies):
        failures.append("the bundle does not hold its subject (with its body)")
        return {"passed": False, "verdict": None, "failures": failures, "incomplete": incomplete}

    def cst_date(ms):
        try:
            return (datetime.date(1970, 1, 1) + datetime.timedelta(days=(ms + 8 * 3_600_000) // DAY)).isoformat()
        except OverflowError:
            return None

    staff = {i: bodies[i] for i, o in ops.items() if o.header["kind"] == "staff.register" and i in bodies
             and bodies[i]["department"] == owner[i]}  # a department registers its own staff (§2.7)

    def held_by_a_replica(i):
        """§2.7 step 14 as a replica applies it: the author's role may write
        the kind, and a named `staff` is a registration of the author's
        department valid on the act's China Standard Time date."""
        o = ops[i]
        if roster.departments.get(owner[i], {}).get("role") not in WRITERS.get(o.header["kind"], ()):
            return False
        s = bodies.get(i, {}).get("staff")
        if s is not None:
            m, day = staff.get(s), cst_date(o.header["time"])
            if m is None or day is None or not m["validFrom"] <= day <= m["validUntil"]:
                return False
        return True

    if kind == "report":  # R23: the subject is a department, not an operation
        return verify_report(subject, ops, bodies, owner, bounds, held_by_a_replica, roster, cal, now, claimed, failures, incomplete)
    if not held_by_a_replica(subject):
        failures.append("the subject is not an operation a replica would hold (its author may not write it, or its staff is not valid)")
        return {"passed": False, "verdict": None, "failures": failures, "incomplete": incomplete}
    if kind == "draw":
        return verify_draw(subject, ops, bodies, owner, held_by_a_replica, claimed, failures, incomplete)
    sk = ops[subject].header["kind"]
    # §4.2: every limit of the item under the policy in force at its subject's time.
    policy = roster.policy_at(ops[subject].header["time"])
    grace = policy["graceMillis"]
    if sk == "push":
        record = ops.get(bodies[subject]["record"])
        if record is None or record.body is None or not held_by_a_replica(record.id):  # no guessing the limit: the record decides it (R2 or R7)
            failures.append("the bundle does not hold the pushed record")
            return {"passed": False, "verdict": None, "failures": failures, "incomplete": incomplete}
        limit = policy["claim"] if record.header["kind"] == "approval.issue" else policy["bureauClaim"]
        rule, n, act_kind, key, labels = limit["rule"], limit["workingDays"], "claim", "push", PUSH_LABELS
    elif sk == "inquiry":
        rule, n, act_kind, key = "R12", bodies[subject]["workingDays"], "inquiry.reply", "inquiry"
        labels = None
    else:
        failures.append("the subject is neither a push nor an inquiry")
        return {"passed": False, "verdict": None, "failures": failures, "incomplete": incomplete}
    if kind != sk:
        failures.append(f"the bundle's kind {kind} is not its subject's ({sk})")
        return {"passed": False, "verdict": None, "failures": failures, "incomplete": incomplete}
    try:
        outcome, basis, limit_ms, provisional, act = judge_item(subject, act_kind, key, n, ops, bodies, owner, bounds, held_by_a_replica, cal, grace, now)
    except Rejection as rej:
        failures.append(f"{rej.code}: {rej}")
        return {"passed": False, "verdict": None, "failures": failures, "incomplete": incomplete}
    if labels:
        status = labels[outcome]
    else:
        status = {"open": "awaiting_reply", "late": "deemed_consent", "lapsed": "deemed_consent",
                  "awaiting_witness": "replied_awaiting_witness"}.get(outcome)
        if outcome == "on_time":
            status = "consented" if bodies[act]["consent"] else "objected"
    if hi.get(subject) is None:
        incomplete.append("the trigger was not witnessed by another department in this bundle")
    if act is not None and hi.get(act) is None:
        incomplete.append("the act carries no witness by another department in this bundle: a timely act is not proven")
    verdict = {"status": status, "outcome": outcome, "basis": basis, "limit": rfc3339(limit_ms), "rule": rule}
    if provisional:
        verdict["provisionalCalendar"] = True
        incomplete.append("the limit reaches a year without an official calendar in the roster: judged on the provisional rule")
    for k in ("status", "outcome", "basis", "limit", "provisionalCalendar"):
        if claimed.get(k, MISSING) != verdict.get(k, MISSING):  # absent and null differ (§8 (6))
            failures.append(f"recomputed {k} {verdict.get(k)} differs from the exported {claimed.get(k)}")
    return {"passed": not failures, "verdict": verdict, "failures": failures, "incomplete": incomplete}


def judge_item(subject, act_kind, key, n, ops, bodies, owner, bounds, held, cal, grace, now):
    """§4.2: the limit of a push or inquiry and its earliest act by evidence.
    Only the addressee's acts count (§4.4): another department's "claim" is no claim."""
    addressee = bodies[subject]["to"]
    acts = [i for i, o in ops.items() if o.header["kind"] == act_kind and bodies.get(i, {}).get(key) == subject
            and owner[i] == addressee and held(i)]
    act = min(acts, key=lambda i: (bounds(i)[2], i)) if acts else None
    return decide(bounds(subject), n, bounds(act) if act else None, cal, grace, now) + (act,)


def cst_month(ms):
    d = datetime.date(1970, 1, 1) + datetime.timedelta(days=(ms + 8 * 3_600_000) // DAY)
    return f"{d.year:04d}-{d.month:02d}"


def verify_report(department, ops, bodies, owner, bounds, held, roster, cal, now, claimed, failures, incomplete) -> dict:
    """§8 kind "report" (R23): each counted push is a push to the department
    made in the report's months (CST), recomputed as in a push bundle; no
    push of the bundle the report should count is left out; every count is
    the sum of the recomputed outcomes."""
    months, rows, counts = claimed.get("months"), claimed.get("pushes"), claimed.get("counts")
    if not (isinstance(months, list) and months and isinstance(rows, list) and isinstance(counts, dict)
            and claimed.get("department") == department):
        failures.append("the report bundle lacks its department, months, pushes or counts")
        return {"passed": False, "verdict": None, "failures": failures, "incomplete": incomplete}
    period = set(months)
    listed, recomputed, sums = [], [], {}
    for row in rows:
        pid = row.get("push") if isinstance(row, dict) else None
        if pid not in ops or pid not in bodies or ops[pid].header["kind"] != "push" or not held(pid):
            failures.append(f"{str(pid)[:12]}: not a push held in the bundle")
            continue
        if bodies[pid]["to"] != department or cst_month(ops[pid].header["time"]) not in period:
            failures.append(f"{pid[:12]}: not a push to {department} in {', '.join(months)}")
            continue
        record = ops.get(bodies[pid]["record"])
        if record is None or record.body is None or not held(record.id):
            failures.append(f"{pid[:12]}: its record is not in the bundle")
            continue
        policy = roster.policy_at(ops[pid].header["time"])
        limit = policy["claim"] if record.header["kind"] == "approval.issue" else policy["bureauClaim"]
        try:
            outcome = judge_item(pid, "claim", "push", limit["workingDays"], ops, bodies, owner, bounds, held, cal, policy["graceMillis"], now)[0]
        except Rejection as rej:
            failures.append(f"{pid[:12]}: {rej.code}: {rej}")
            continue
        listed.append(pid)
        sums[outcome] = sums.get(outcome, 0) + 1
        recomputed.append({"push": pid, "status": PUSH_LABELS[outcome], "outcome": outcome})
        if row.get("status") != PUSH_LABELS[outcome] or row.get("outcome") != outcome:
            failures.append(f"{pid[:12]}: recomputed {PUSH_LABELS[outcome]} differs from the reported {row.get('status')}")
    for i, o in ops.items():  # a push of the bundle the report should count but leaves out
        if o.header["kind"] == "push" and i in bodies and bodies[i].get("to") == department and held(i) \
                and bodies[i].get("record") in ops and held(bodies[i]["record"]) \
                and cst_month(o.header["time"]) in period and i not in listed:
            failures.append(f"{i[:12]}: a push to {department} in the period that the report does not count")
    if counts != sums:
        failures.append(f"the counts {counts} are not the sums of the recomputed outcomes {sums}")
    incomplete.append(f"a report bundle proves each push it counts; a push to {department} that it holds no trace of cannot be shown missing")
    verdict = {"department": department, "months": months, "pushes": recomputed, "counts": sums}
    return {"passed": not failures, "verdict": verdict, "failures": failures, "incomplete": incomplete}


COMMIT_DOMAIN = b"shenguan-draw-commit\n"
SEED_DOMAIN = b"shenguan-draw-seed\n"


def draw_commitment(request: str, nonce: str) -> str:
    """PROTOCOL.md §4.5: SHA-256("shenguan-draw-commit\\n" || request id || nonce)."""
    return hashlib.sha256(COMMIT_DOMAIN + bytes.fromhex(request) + bytes.fromhex(nonce)).hexdigest()


def draw_status(request: str, req: dict, commits, reveals) -> dict:
    """PROTOCOL.md §4.5, from the commitments and reveals that count:
    lists of (op id, department, body)."""
    parts = req["participants"]

    def result(status, seed=None, selected=(), waiting=(), reason=None):
        return {"status": status, "seed": seed, "selected": list(selected), "waitingFor": list(waiting), "reason": reason}
    commit_of = {}
    for cid, dept, _ in commits:
        commit_of.setdefault(dept, set()).add(cid)
    twice = next((p for p in parts if len(commit_of.get(p, ())) > 1), None)
    if twice is not None:
        return result("void", reason=f"{twice} committed twice")
    missing = [p for p in parts if p not in commit_of]
    if missing:
        return result("awaiting_commits", waiting=missing)
    if len({tuple(b["commits"]) for _, _, b in reveals}) > 1:
        return result("void", reason="reveals name different commitments")
    nonce_of = {dept: b["nonce"] for _, dept, b in reveals}
    unrevealed = [p for p in parts if p not in nonce_of]
    if unrevealed:
        return result("awaiting_reveals", waiting=unrevealed)
    seed = hashlib.sha256(SEED_DOMAIN + bytes.fromhex(request) + b"".join(bytes.fromhex(nonce_of[p]) for p in parts)).digest()
    out = {e["expert"] for e in req.get("excluded", [])}
    eligible = [c for c in req["candidates"] if c not in out]
    ranked = sorted(eligible, key=lambda c: hashlib.sha256(seed + bytes.fromhex(c)).digest())
    return result("drawn", seed=seed.hex(), selected=ranked[:req["count"]])


def verify_draw(subject, ops, bodies, owner, held, claimed, failures, incomplete) -> dict:
    """§8 draw bundles: the request, its candidates, the commitments and the
    reveals, counted as a replica counts them (§4.4, §4.5)."""
    o = ops[subject]
    if o.header["kind"] != "draw.request":
        failures.append("the subject is not a draw request")
        return {"passed": False, "verdict": None, "failures": failures, "incomplete": incomplete}
    req = bodies[subject]
    lacking = [c for c in req["candidates"] if c not in bodies or ops[c].header["kind"] != "expert.register"
               or bodies[c]["field"] != req["field"] or not held(c)]
    if lacking:
        failures.append(f"the bundle lacks the registration of {len(lacking)} candidates in {req['field']}")
        return {"passed": False, "verdict": None, "failures": failures, "incomplete": incomplete}
    parts = set(req["participants"])

    def acts(kind):
        return [(i, owner[i], bodies[i]) for i, x in ops.items() if x.header["kind"] == kind and i in bodies
                and bodies[i].get("request") == subject and owner[i] in parts and held(i)]
    commits = acts("draw.commit")
    counted = {cid: (dept, b) for cid, dept, b in commits}
    reveals = []
    for rid, dept, b in acts("draw.reveal"):
        named = [counted[c] for c in b["commits"] if c in counted]
        mine = [cb for d, cb in named if d == dept]
        if len(named) == len(b["commits"]) == len(parts) and {d for d, _ in named} == parts and mine \
                and mine[0]["commitment"] == draw_commitment(subject, b["nonce"]):
            reveals.append((rid, dept, b))
    verdict = draw_status(subject, req, commits, reveals)
    if verdict["status"] != "drawn":
        incomplete.append(f"the draw is {verdict['status']}: no experts are drawn from this bundle")
    for k in ("status", "seed", "selected"):
        if claimed.get(k, MISSING) != verdict[k]:
            failures.append(f"recomputed {k} {verdict[k]} differs from the exported {claimed.get(k)}")
    return {"passed": not failures, "verdict": verdict, "failures": failures, "incomplete": incomplete}
