"""PROTOCOL.md §4.1: body schemas of the 审管 workflow kinds (RULES.md R1-R12),
written from the spec, independently of the Swift code. Schema only: the
checks against named operations (step 13) need a replica's store."""
import base64
import hashlib
import re

from shenguan_ops import Rejection, civil_date_ok

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_HEX64 = re.compile(r"[0-9a-f]{64}")
_DEPT = re.compile(r"[a-z0-9-]{1,32}")

KINDS = ("attachment", "approval.issue", "approval.correct", "push", "claim", "feedback", "supervision.record",
         "warning.list", "warning.delist", "revocation.request", "revocation.decision", "inquiry", "inquiry.reply")

# §2.7 / §4.1: which department roles may write each workflow kind (a replica
# refuses any other author with auth.forbidden_kind).
_ACTORS = ("approval", "regulator", "enforcement", "credit")
WRITERS = {
    "attachment": _ACTORS, "approval.issue": ("approval",), "approval.correct": ("approval",),
    "push": ("approval", "regulator", "enforcement"), "claim": _ACTORS, "feedback": _ACTORS,
    "supervision.record": ("regulator", "enforcement"), "warning.list": ("approval",), "warning.delist": ("approval",),
    "revocation.request": ("regulator", "enforcement"), "revocation.decision": ("approval",),
    "inquiry": ("approval", "regulator", "enforcement"), "inquiry.reply": _ACTORS,
    "review.convene": ("approval",), "review.opinion": ("regulator", "enforcement", "credit"), "review.minutes": ("approval",),
    "review.ack": ("regulator", "enforcement", "credit", "oversight"),  # R13
    "expert.register": ("approval", "regulator", "enforcement"), "expert.retire": ("approval", "regulator", "enforcement"),
    "draw.request": ("approval",), "draw.commit": _ACTORS, "draw.reveal": _ACTORS,  # R16
    "boundary.entry": ("approval",), "boundary.withdraw": ("approval",),  # R18
    "notice.issue": _ACTORS + ("oversight",), "notice.ack": _ACTORS + ("oversight",),  # R19
    "erase": _ACTORS + ("oversight",),  # §2.6
}


def credit_code_problem(code):
    """None if `code` is a valid GB 32100-2015 unified social credit code."""
    if not isinstance(code, str) or len(code) != 18:
        return "not 18 characters"
    if any(c not in CREDIT_ALPHABET for c in code):
        return "character outside the GB 32100-2015 alphabet"
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(code[:17], CREDIT_WEIGHTS))
    check = (31 - total % 31) % 31
    if code[17] != CREDIT_ALPHABET[check]:
        return f"check character should be {CREDIT_ALPHABET[check]}"
    return None


def is_text(v, n):
    """§4.1 text: 1..n code points (Unicode scalar values, never grapheme
    clusters), no control character below U+0020 but "\\n"."""
    return isinstance(v, str) and 1 <= len(v) <= n and not any(ord(c) < 0x20 and c != "\n" for c in v)


def is_date(v):
    """§4.1 date: "YYYY-MM-DD", a day that exists, years 0001 to 9999."""
    return civil_date_ok(v)


class _Body:
    def __init__(self, kind, body, members):
        self.kind, self.b = kind, body
        extra = set(body) - set(members) - {"staff"}
        if extra:
            self.fail(f"unknown members {sorted(extra)}")
        if "staff" in body and not self.is_id(body["staff"]):
            self.fail("staff is not an id")

    def fail(self, what):
        raise Rejection("op.invalid_body", f"{self.kind}: {what}")

    @staticmethod
    def is_id(v):
        return isinstance(v, str) and _HEX64.fullmatch(v) is not None

    def text(self, k, n=2000, optional=False, inner=None):
        b = self.b if inner is None else inner
        if k not in b:
            if optional:
                return None
            self.fail(f"{k} is required")
        v = b[k]
        if not is_text(v, n):
            self.fail(f"{k} is not text of 1..{n}")
        return v

    def one_of(self, k, values):
        v = self.text(k, 64)
        if v not in values:
            self.fail(f"{k} is not one of {values}")
        return v

    def ident(self, k, optional=False):
        if k not in self.b:
            if optional:
                return None
            self.fail(f"{k} is required")
        if not self.is_id(self.b[k]):
            self.fail(f"{k} is not an id")
        return self.b[k]

    def ids(self, k, n=64):
        v = self.b.get(k, [])
        if not isinstance(v, list) or len(v) > n or not all(self.is_id(x) for x in v) or v != sorted(set(v)):
            self.fail(f"{k} is not a sorted list of at most {n} distinct ids")

    def date(self, k, optional=False):
        if k not in self.b:
            if optional:
                return None
            self.fail(f"{k} is required")
        v = self.b[k]
        if not is_date(v):
            self.fail(f"{k} is not a date")
        return v

    def dept(self, k):
        v = self.text(k, 32)
        if not _DEPT.fullmatch(v):
            self.fail(f"{k} is not a department id")

    def obj(self, k, members, optional=False):
        if k not in self.b:
            if optional:
                return None
            self.fail(f"{k} is required")
        v = self.b[k]
        if not isinstance(v, dict) or set(v) - set(members):
            self.fail(f"{k} is not an object of {sorted(members)}")
        return v

    def credit(self, inner, k="creditCode"):
        why = credit_code_problem(inner.get(k))
        if why:
            self.fail(f"{k} is invalid: {why}")

    def refs(self, k):
        v = self.b.get(k, [])
        if not isinstance(v, list) or len(v) > 32 or not all(self.is_ref(r) for r in v):
            self.fail(f"{k} is not a list of attachment references")

    def is_ref(self, r):
        return isinstance(r, dict) and set(r) == {"op", "sha256", "name"} and self.is_id(r["op"]) \
            and self.is_id(r["sha256"]) and is_text(r["name"], 200)

    def depts(self, k, n):
        """A list of 1..n department ids, sorted by code point, no repeats."""
        v = self.b.get(k)
        if not isinstance(v, list) or not 1 <= len(v) <= n or not all(isinstance(x, str) and _DEPT.fullmatch(x) for x in v) \
                or v != sorted(set(v)):
            self.fail(f"{k} is not a sorted list of 1..{n} distinct department ids")
        return v

    def boolean(self, k):
        if type(self.b.get(k)) is not bool:
            self.fail(f"{k} is not a boolean")
        return self.b[k]


def check_workflow(kind, body):
    """§4.1 schema of `body` (a dict). Raises Rejection(op.invalid_body)."""
    if kind == "attachment":
        r = _Body(kind, body, ("name", "type", "sha256", "data"))
        r.text("name", 200), r.text("type", 100)
        try:
            data = base64.urlsafe_b64decode(body.get("data", "") + "=" * (-len(body.get("data", "")) % 4))
        except ValueError:
            r.fail("data is not base64url")
        if len(data) > 196608 or hashlib.sha256(data).hexdigest() != body.get("sha256"):
            r.fail("data too large or sha256 mismatch")
    elif kind == "approval.issue":
        r = _Body(kind, body, ("item", "powerType", "applicant", "licenceNo", "decisionDate", "validUntil", "projectCode",
                               "reply", "riskPoints", "commitment", "commitmentLetter", "promisedDate", "attachments", "alerts"))
        item = r.obj("item", {"code", "name"})
        r.text("code", 64, inner=item), r.text("name", 200, inner=item)
        r.one_of("powerType", ["行政许可", "行政确认", "行政备案", "其他行政权力", "公共服务"])
        a = r.obj("applicant", {"name", "creditCode", "contact"})
        r.text("name", 200, inner=a), r.credit(a), r.text("contact", 200, inner=a)
        r.text("licenceNo", 64)
        d, until = r.date("decisionDate"), r.date("validUntil", optional=True)
        if until is not None and until < d:
            r.fail("validUntil is before decisionDate")
        r.text("projectCode", 64, optional=True), r.text("reply", optional=True)
        if not isinstance(body.get("riskPoints", []), list) or len(body.get("riskPoints", [])) > 32:
            r.fail("riskPoints is not a list")
        for p in body.get("riskPoints", []):
            if not is_text(p, 500):
                r.fail("riskPoints holds a non-text")
        if r.boolean("commitment") and "commitmentLetter" not in body:
            r.fail("commitmentLetter is required for a commitment item (R1)")
        if "commitmentLetter" in body and not r.is_ref(body["commitmentLetter"]):
            r.fail("commitmentLetter is not an attachment reference")
        promised = r.date("promisedDate", optional=True)  # R11
        if promised is not None and not body["commitment"]:
            r.fail("promisedDate is for a commitment item only (R11)")
        if promised is not None and promised < d:
            r.fail("promisedDate is before decisionDate")
        r.refs("attachments"), r.ids("alerts")
    elif kind == "approval.correct":
        r = _Body(kind, body, ("approval", "field", "value", "supersedes"))
        r.ident("approval")
        field = r.one_of("field", ["contact", "validUntil"])
        v = r.text("value", 200)
        if field == "validUntil" and not is_date(v):
            r.fail("value is not a date")
        r.ids("supersedes")
    elif kind == "push":
        r = _Body(kind, body, ("record", "to", "via", "certificate"))
        r.ident("record"), r.dept("to"), r.ident("via", optional=True)
        c = r.obj("certificate", {"workingDays", "basis"}, optional=True)  # R17
        if c is not None:
            n = c.get("workingDays")
            if type(n) is not int or not 1 <= n <= 60:
                r.fail("certificate workingDays is not 1..60")
            if "basis" not in c or not is_text(c["basis"], 200):
                r.fail("certificate basis is not text of 1..200")
    elif kind == "verification.record":  # R11
        r = _Body(kind, body, ("approval", "result", "findings", "cureBy"))
        r.ident("approval"), r.text("findings")
        result = r.one_of("result", ["kept", "broken"])
        if (result == "broken") != ("cureBy" in body):
            r.fail("cureBy is given exactly when the promise is broken")
        r.date("cureBy", optional=True)
    elif kind == "liaison.request":  # R15
        r = _Body(kind, body, ("to", "neededOn", "purpose", "notice"))
        r.dept("to"), r.date("neededOn"), r.text("purpose", 200), r.ident("notice", optional=True)
    elif kind == "liaison.appoint":
        r = _Body(kind, body, ("request", "officer", "phone"))
        r.ident("request"), r.ident("officer"), r.text("phone", 64, optional=True)
    elif kind == "certificate.issue":  # R17
        r = _Body(kind, body, ("push", "certificateNo"))
        r.ident("push"), r.text("certificateNo", 64)
    elif kind == "claim":
        r = _Body(kind, body, ("push",))
        r.ident("push")
    elif kind == "feedback":
        r = _Body(kind, body, ("push", "text"))
        r.ident("push"), r.text("text")
    elif kind == "supervision.record":
        r = _Body(kind, body, ("category", "subject", "licenceNo", "approval", "decisionDate", "publishedDate", "summary",
                               "place", "result", "listing", "attachments"))
        cat = r.one_of("category", ["penalty", "suspension", "revocation", "inspection", "training", "regulation"])
        s = r.obj("subject", {"name", "creditCode"}, optional=True)
        if s is None and cat in ("penalty", "suspension", "revocation", "inspection"):
            r.fail("subject is required for this category (R8)")
        if s is not None:
            r.text("name", 200, inner=s), r.credit(s)
        r.text("licenceNo", 64, optional=True), r.ident("approval", optional=True)
        if r.date("publishedDate") < r.date("decisionDate"):
            r.fail("publishedDate is before decisionDate")
        r.text("summary"), r.text("place", 200, optional=True), r.text("result", 500, optional=True)
        if "listing" in body:
            r.one_of("listing", ["restricted", "strict"])
            if s is None:
                r.fail("listing needs a subject")
        r.refs("attachments")
    elif kind == "warning.list":
        r = _Body(kind, body, ("creditCode", "name", "level", "reason", "source"))
        r.credit(body), r.text("name", 200), r.one_of("level", ["restricted", "strict"]), r.text("reason")
        r.ident("source", optional=True)
    elif kind == "warning.delist":
        r = _Body(kind, body, ("entry", "reason"))
        r.ident("entry"), r.text("reason")
    elif kind == "revocation.request":
        r = _Body(kind, body, ("approval", "action", "basis", "evidence"))
        r.ident("approval"), r.one_of("action", ["revoke", "withdraw", "cancel", "change"]), r.text("basis"), r.refs("evidence")
    elif kind == "revocation.decision":
        r = _Body(kind, body, ("request", "grant", "reason"))
        r.ident("request"), r.boolean("grant"), r.text("reason")
    elif kind == "inquiry":
        r = _Body(kind, body, ("to", "subject", "question", "workingDays"))
        r.dept("to"), r.text("subject", 200), r.text("question")
        n = body.get("workingDays")
        if type(n) is not int or not 1 <= n <= 30:
            r.fail("workingDays is not 1..30")
    elif kind == "inquiry.reply":
        r = _Body(kind, body, ("inquiry", "consent", "text"))
        r.ident("inquiry"), r.boolean("consent"), r.text("text")
    elif kind == "review.convene":  # R13
        r = _Body(kind, body, ("topic", "scope", "participants", "meetingDate", "approval"))
        r.text("topic", 200)
        r.one_of("scope", ["nationalSecurity", "ecology", "workSafety", "majorLayout", "strategicResources", "publicInterest", "other"])
        r.depts("participants", 16), r.date("meetingDate"), r.ident("approval", optional=True)
    elif kind == "review.opinion":
        r = _Body(kind, body, ("review", "position", "text"))
        r.ident("review")
        if r.one_of("position", ["agree", "object", "absent"]) != "agree" and "text" not in body:
            r.fail("text is required when objecting or absent (the reasons)")
        r.text("text", optional=True)
    elif kind == "review.minutes":
        r = _Body(kind, body, ("review", "outcome", "text", "escalateTo"))
        r.ident("review"), r.text("text")
        if (r.one_of("outcome", ["agreed", "escalated"]) == "escalated") != ("escalateTo" in body):
            r.fail("escalateTo is given exactly when the outcome is escalated")
        if "escalateTo" in body:
            r.dept("escalateTo")
    elif kind == "review.ack":
        r = _Body(kind, body, ("minutes",))
        r.ident("minutes")
    elif kind == "expert.register":  # R16
        r = _Body(kind, body, ("expertNo", "name", "field", "employer"))
        r.text("expertNo", 32), r.text("name", 64), r.text("field", 64), r.text("employer", 200)
    elif kind == "expert.retire":
        r = _Body(kind, body, ("expert", "reason"))
        r.ident("expert"), r.text("reason")
    elif kind == "draw.request":
        r = _Body(kind, body, ("topic", "field", "count", "candidates", "excluded", "participants", "review"))
        r.text("topic", 200), r.text("field", 64)
        n = body.get("count")
        if type(n) is not int or not 1 <= n <= 9:
            r.fail("count is not 1..9")
        c = body.get("candidates")
        if not isinstance(c, list) or not 1 <= len(c) <= 256 or not all(r.is_id(x) for x in c) or c != sorted(set(c)):
            r.fail("candidates is not a sorted list of 1..256 distinct ids")
        ex = body.get("excluded", [])
        if not isinstance(ex, list) or not all(isinstance(e, dict) and set(e) == {"expert", "reason"} and r.is_id(e["expert"])
                                               and is_text(e["reason"], 500) for e in ex):
            r.fail("excluded is not a list of {expert, reason}")
        ids = [e["expert"] for e in ex]
        if ids != sorted(set(ids)) or not set(ids) <= set(c):
            r.fail("excluded names candidates, sorted, without repeats")
        if len(r.depts("participants", 8)) < 2:
            r.fail("participants names at least two departments")
        r.ident("review", optional=True)
        if n > len(c) - len(ex):
            r.fail("count is more than the candidates not excluded")
    elif kind == "draw.commit":
        r = _Body(kind, body, ("request", "commitment"))
        r.ident("request"), r.ident("commitment")
    elif kind == "draw.reveal":
        r = _Body(kind, body, ("request", "nonce", "commits"))
        r.ident("request"), r.ident("nonce")
        v = body.get("commits")
        if not isinstance(v, list) or not 2 <= len(v) <= 8 or not all(r.is_id(x) for x in v) or v != sorted(set(v)):
            r.fail("commits is not a sorted list of 2..8 distinct ids")
    elif kind == "boundary.entry":  # R18
        r = _Body(kind, body, ("itemCode", "itemName", "powerType", "stage", "approvalDuties", "regulatorDuties", "regulators",
                               "pushMethod", "office", "supersedes"))
        r.text("itemCode", 64), r.text("itemName", 200), r.text("powerType", 50), r.text("stage", 100, optional=True)
        r.text("approvalDuties"), r.text("regulatorDuties"), r.depts("regulators", 16)
        r.text("pushMethod", 100), r.text("office", 200), r.ids("supersedes", 16)
    elif kind == "boundary.withdraw":
        r = _Body(kind, body, ("entry", "reason"))
        r.ident("entry"), r.text("reason", 500)
    elif kind == "notice.issue":  # R19
        r = _Body(kind, body, ("category", "title", "text", "to", "date", "place", "itemCode", "attachments"))
        cat = r.one_of("category", ["document", "meeting", "training", "itemAdded", "itemRemoved", "itemChanged"])
        r.text("title", 200), r.text("text"), r.depts("to", 64), r.date("date"), r.text("place", 200, optional=True)
        r.text("itemCode", 64, optional=True), r.refs("attachments")
        if cat.startswith("item") != ("itemCode" in body):
            r.fail("itemCode is given exactly when an approval item is added, removed or changed")
    elif kind == "notice.ack":
        r = _Body(kind, body, ("notice",))
        r.ident("notice")
    elif kind == "erase":  # §2.6
        r = _Body(kind, body, ("op", "reason"))
        r.ident("op"), r.text("reason", 500)
    elif kind == "inspection.notice":  # R14
        r = _Body(kind, body, ("to", "visitDate", "place", "subject", "approval"))
        r.dept("to"), r.date("visitDate"), r.text("place", 200), r.text("subject", 200), r.ident("approval", optional=True)
    elif kind == "inspection.report":
        r = _Body(kind, body, ("notice", "findings", "result"))
        r.ident("notice"), r.text("findings"), r.text("result", 500, optional=True)
    elif kind == "inspection.countersign":
        r = _Body(kind, body, ("report", "agree", "text"))
        r.ident("report")
        if not r.boolean("agree") and "text" not in body:
            r.fail("text is required when the regulator does not agree (its reasons)")
        r.text("text", optional=True)
