"""Operations of Sync/PROTOCOL.md version 1: §2.2 PAE, §2.3 ids, §2.4 envelopes,
§2.5 verification steps 1-11, §4 operation kinds.

Part of the independent Python verifier (see shenguan_verify.py), written from
the text of PROTOCOL.md alone to cross-check the Swift implementation.
  §1   canonical JSON            -> canonical_json.read_canonical (strict reader + rfc8785)
  §2.2 PAE, §2.3 operation id    -> pae(), op_id()
  §2.4 envelope, §2.5 steps 1-11 -> check_op()
  §2.5 step 5 (§2.1 header)      -> check_header_shape()
  §4   operation kinds (step 11) -> check_kind()
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass

import rfc8785

from ed25519_rules import verify as ed25519_verify

from canonical_json import MAX_SAFE_INT, CanonicalError, loads_untrusted, read_canonical

HEADER_MAX, BODY_MAX = 8192, 262144                       # §2 table, §2.5 step 2
PAE_TYPE = b"application/vnd.shenguan.op+json"            # §2.2
HEADER_MEMBERS = ("author", "bodyHash", "ctr", "deps", "kind", "net", "prev", "seq", "time", "v")
OPTIONAL_HEADER_MEMBERS = ("skip",)                       # §2.1: skip links
EXPORT_FORMAT = "shenguan-export/1"                       # §3
_HEX64 = re.compile(r"[0-9a-f]{64}")
_B64U = re.compile(r"[A-Za-z0-9_-]*")
_KIND = re.compile(r"[a-z][a-z0-9_.]{0,63}")             # §2.1 kind


class Rejection(Exception):
    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


def b64u_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(s: str) -> bytes:
    """Strict RFC 4648 §5 without padding; non-canonical trailing bits are refused."""
    if not isinstance(s, str) or not _B64U.fullmatch(s) or len(s) % 4 == 1:
        raise ValueError("not unpadded base64url")
    data = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    if b64u_encode(data) != s:
        raise ValueError("non-canonical base64url (trailing bits set)")
    return data


def pae(header: bytes) -> bytes:
    """§2.2: "SHENGUANv1" SP LEN(type) SP type SP LEN(header) SP header."""
    return b" ".join([b"SHENGUANv1", str(len(PAE_TYPE)).encode(), PAE_TYPE,
                      str(len(header)).encode(), header])


def op_id(header: bytes) -> str:
    """§2.3: hex(SHA256(PAE(header)))."""
    return hashlib.sha256(pae(header)).hexdigest()


@dataclass
class Op:
    line: int
    id: str
    author: bytes
    header: dict
    body: bytes | None

    seq = property(lambda self: self.header["seq"])
    prev = property(lambda self: self.header["prev"])
    skip = property(lambda self: self.header.get("skip"))
    # prev, skip and deps: the operations this one names by hash (§4.3 edges)
    parents = property(lambda self: ([self.prev] if self.prev else []) + ([self.skip] if self.skip else [])
                       + list(self.deps))
    # the links within the author's chain and the seq each must name (§2.5 step 12)
    chain_links = property(lambda self: ([("prev", self.prev, self.seq - 1)] if self.prev else [])
                           + ([("skip", self.skip, skip_seq(self.seq))] if self.skip else []))
    deps = property(lambda self: self.header["deps"])
    clock = property(lambda self: (self.header["time"], self.header["ctr"]))


def skip_seq(seq: int) -> int | None:
    """§2.1 skip links: the seq a header at `seq` names in `skip` (None below 3)."""
    if seq < 3:
        return None
    clear = lambda x: x & (x - 1)  # noqa: E731 (x with its lowest set bit cleared; 0 stays 0)
    h = seq - 1
    return clear(clear(h - 1)) + 2 if h & 1 else clear(h) + 1


def _int(v, lo: int, hi: int) -> bool:
    return type(v) is int and lo <= v <= hi


def check_header_shape(h) -> None:
    """§2.5 step 6 (§2.1 members, types, ranges)."""
    bad = lambda why: Rejection("op.malformed", why)  # noqa: E731
    if not isinstance(h, dict):
        raise bad("header is not a JSON object")
    if set(h) - set(OPTIONAL_HEADER_MEMBERS) != set(HEADER_MEMBERS):
        missing, extra = set(HEADER_MEMBERS) - set(h), set(h) - set(HEADER_MEMBERS) - set(OPTIONAL_HEADER_MEMBERS)
        raise bad(f"header members wrong (missing {sorted(missing)}, extra {sorted(extra)})")
    a = h["author"]
    if not isinstance(a, str) or len(a) != 43:
        raise bad("header author is not a 43-character b64u string")
    try:
        if len(b64u_decode(a)) != 32:
            raise ValueError
    except ValueError:
        raise bad("header author is not b64u of 32 bytes") from None
    for name in ("bodyHash", "net"):
        if not isinstance(h[name], str) or not _HEX64.fullmatch(h[name]):
            raise bad(f"header {name} is not 64 lowercase hex digits")
    if not _int(h["ctr"], 0, 2**31):
        raise bad("header ctr is not an integer in 0..2^31")
    deps = h["deps"]
    if not isinstance(deps, list) or len(deps) > 64:
        raise bad("header deps is not an array of at most 64 ids")
    if not all(isinstance(d, str) and _HEX64.fullmatch(d) for d in deps):
        raise bad("header deps holds something other than an id (64 lowercase hex)")
    if any(x >= y for x, y in zip(deps, deps[1:])):
        raise bad("header deps is not strictly ascending")
    if not isinstance(h["kind"], str) or not _KIND.fullmatch(h["kind"]):
        raise bad("header kind does not match ^[a-z][a-z0-9_.]{0,63}$")
    prev = h["prev"]
    if prev is not None and not (isinstance(prev, str) and _HEX64.fullmatch(prev)):
        raise bad("header prev is neither null nor an id")
    if not _int(h["seq"], 1, MAX_SAFE_INT):
        raise bad("header seq is not a positive integer")
    if not _int(h["time"], 0, MAX_SAFE_INT):
        raise bad("header time is not an integer in 0..2^53-1")
    if type(h["v"]) is not int:
        raise bad("header v is not an integer")
    if (h["seq"] == 1) != (prev is None):
        raise bad("prev must be null if and only if seq = 1")
    if "skip" in h:
        if not (isinstance(h["skip"], str) and _HEX64.fullmatch(h["skip"])):
            raise bad("header skip is not an id")
        if h["seq"] < 3:
            raise bad("skip is allowed only when seq is 3 or more")


KINDS = ("note", "staff.register", "staff.end", "roster.genesis", "roster.department", "roster.admit",
         "roster.revoke", "roster.policy", "roster.calendar", "roster.root", "witness")  # §4
WORKFLOW_KINDS = ("attachment", "approval.issue", "approval.correct", "push", "claim", "feedback", "supervision.record",
                  "warning.list", "warning.delist", "revocation.request", "revocation.decision", "inquiry",
                  "inquiry.reply", "inspection.notice", "inspection.report", "inspection.countersign",
                  "certificate.issue", "liaison.request", "liaison.appoint", "verification.record",
                  "review.convene", "review.opinion", "review.minutes", "review.ack",
                  "expert.register", "expert.retire", "draw.request", "draw.commit", "draw.reveal",
                  "boundary.entry", "boundary.withdraw", "notice.issue", "notice.ack", "erase")  # §4.1
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
STAFF_MEMBERS = {"department", "staffNo", "name", "office", "validFrom", "validUntil"}
STAFF_END_MEMBERS = {"department", "registration", "lastDay", "reason"}


def civil_date_ok(s) -> bool:
    """YYYY-MM-DD naming a real day of the proleptic Gregorian calendar,
    years 0001 to 9999 (§4.1)."""
    if not isinstance(s, str) or not _DATE.fullmatch(s):
        return False
    y, m, d = int(s[:4]), int(s[5:7]), int(s[8:])
    if y < 1:
        return False
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return 1 <= m <= 12 and 1 <= d <= days[m - 1]


def declaration_ok(d) -> bool:
    """§7.2 head declaration {author, seq >= 0, id: hex or null, time, sig},
    its signature over "SHENGUANv1-head " + canonical {author, id, seq, time}
    valid under §2.2's rules."""
    if not isinstance(d, dict) or set(d) != {"author", "seq", "id", "time", "sig"}:
        return False
    a, seq, oid, t, sig = d["author"], d["seq"], d["id"], d["time"], d["sig"]
    if not (isinstance(a, str) and type(seq) is int and seq >= 0 and type(t) is int and isinstance(sig, str)
            and (oid is None or (isinstance(oid, str) and _HEX64.fullmatch(oid)))):
        return False
    try:
        key, raw_sig = b64u_decode(a), b64u_decode(sig)
    except ValueError:
        return False
    message = b"SHENGUANv1-head " + rfc8785.dumps({"author": a, "id": oid, "seq": seq, "time": t})
    return ed25519_verify(key, raw_sig, message)


def check_kind(kind: str, body_value, has_body: bool) -> None:
    """§2.5 step 11 against the kinds of §4 (schema only; roster semantics are §2.7)."""
    if kind not in KINDS and kind not in WORKFLOW_KINDS:
        raise Rejection("op.unknown_kind", f"kind {kind!r} is not known (§4)")
    if not has_body:
        return
    if not isinstance(body_value, dict):
        raise Rejection("op.invalid_body", f"{kind} body is not an object")
    if kind in WORKFLOW_KINDS:
        from shenguan_workflow import check_workflow  # §4.1
        check_workflow(kind, body_value)
    elif kind == "note":
        if not (set(body_value) <= {"text", "staff"} and "text" in body_value
                and isinstance(body_value["text"], str)):
            raise Rejection("op.invalid_body", 'note body is not {"text": string, "staff"?: id}')
        if "staff" in body_value and not (isinstance(body_value["staff"], str) and _HEX64.fullmatch(body_value["staff"])):
            raise Rejection("op.invalid_body", "note staff is not an id")
        if not 1 <= len(body_value["text"]) <= 4000:  # str length = Unicode scalar values
            raise Rejection("op.invalid_body", "note text is not 1..4000 Unicode scalar values")
    elif kind == "staff.register":
        b = body_value
        if set(b) != STAFF_MEMBERS or not all(isinstance(b[k], str) for k in STAFF_MEMBERS) \
                or not b["staffNo"] or not b["name"] \
                or not (civil_date_ok(b["validFrom"]) and civil_date_ok(b["validUntil"])) \
                or b["validFrom"] > b["validUntil"]:
            raise Rejection("op.invalid_body", "staff.register body is not {department, staffNo, name, office, validFrom <= validUntil}")
    elif kind == "staff.end":
        b = body_value
        from shenguan_workflow import is_text
        if set(b) != STAFF_END_MEMBERS or not all(isinstance(b[k], str) for k in STAFF_END_MEMBERS) \
                or not _HEX64.fullmatch(b["registration"]) or not civil_date_ok(b["lastDay"]) \
                or not is_text(b["reason"], 200):
            raise Rejection("op.invalid_body", "staff.end body is not {department, registration: id, lastDay, reason: text of 1 to 200}")
    elif kind == "witness":  # §7.5
        b = body_value
        if set(b) != {"heads", "declarations"} or not isinstance(b["heads"], list) or not isinstance(b["declarations"], list):
            raise Rejection("op.invalid_body", 'a witness is {"declarations": [...], "heads": [{author, id, seq}...]}')
        for h in b["heads"]:
            ok = isinstance(h, dict) and set(h) == {"author", "seq", "id"} and isinstance(h.get("author"), str) and type(h.get("seq")) is int \
                and isinstance(h.get("id"), str) and _HEX64.fullmatch(h["id"])
            if ok:
                try:
                    ok = len(b64u_decode(h["author"])) == 32
                except ValueError:
                    ok = False
            if not ok:
                raise Rejection("op.invalid_body", "witness head entry invalid")
        for d in b["declarations"]:
            if not declaration_ok(d):
                raise Rejection("op.invalid_body", "witness declaration does not verify")


def decode_envelope(env) -> tuple:
    """§2.4 / §2.5 step 1 on a parsed envelope: an object of base64url author
    (32 bytes), header, sig (64 bytes) and an optional body, nothing else.
    Returns (author, header, sig, body or None); raises op.malformed."""
    if not isinstance(env, dict):
        raise Rejection("op.malformed", "envelope is not a JSON object")
    extra = set(env) - {"author", "header", "sig", "body"}
    if extra:
        raise Rejection("op.malformed", f"unexpected envelope members {sorted(extra)}")
    raw = {}
    for name in ("author", "header", "sig", "body"):
        if name not in env:
            if name != "body":
                raise Rejection("op.malformed", f"envelope lacks {name!r}")
            continue
        try:
            raw[name] = b64u_decode(env[name])
        except ValueError as exc:
            raise Rejection("op.malformed", f"envelope {name!r}: {exc}") from None
    if len(raw["author"]) != 32 or len(raw["sig"]) != 64:
        raise Rejection("op.malformed", "envelope author is not 32 bytes or sig not 64 bytes")
    return raw["author"], raw["header"], raw["sig"], raw.get("body")


def check_op(line: bytes, network: str, line_no: int = 0) -> Op:
    """§2.5 steps 1-11 for one envelope line. Raises Rejection (with .op_id set when known)."""
    oid = None
    try:
        try:  # step 1: the envelope need not be canonical, but must be a JSON object
            env = loads_untrusted(line)
        except (UnicodeDecodeError, ValueError) as exc:
            raise Rejection("op.malformed", f"envelope is not a JSON object: {exc}") from None
        author, header, sig, body = decode_envelope(env)
        oid = op_id(header)
        if len(header) > HEADER_MAX or (body is not None and len(body) > BODY_MAX):  # step 2
            raise Rejection("op.too_large", "header over 8192 bytes or body over 262144 bytes")
        if not ed25519_verify(author, sig, pae(header)):  # step 3, under §2.2's criteria
            raise Rejection("op.bad_signature", "Ed25519 signature over PAE(header) does not verify")
        try:  # step 4
            h = read_canonical(header)
        except CanonicalError as exc:
            raise Rejection("op.not_canonical", f"header: {exc}") from None
        if not isinstance(h, dict) or type(h.get("v")) is not int:  # step 5
            raise Rejection("op.malformed", "header is not an object with an integer v")
        if h["v"] != 1:
            raise Rejection("op.unsupported_version", f"version {h['v']} is not 1")
        check_header_shape(h)  # step 6
        if b64u_decode(h["author"]) != author:  # step 7
            raise Rejection("op.author_mismatch", "header author differs from envelope author")
        # step 8; the genesis roster names no network: its own id is the network id
        is_genesis = h["kind"] == "roster.genesis" and h["net"] == "0" * 64 and oid == network
        if h["net"] != network and not is_genesis:
            raise Rejection("op.wrong_network", f"net {h['net']} is not the receiver's network")
        body_value = None
        if body is not None:
            if hashlib.sha256(body).hexdigest() != h["bodyHash"]:  # step 9
                raise Rejection("op.body_mismatch", "SHA-256 of body differs from bodyHash")
            try:  # step 10
                body_value = read_canonical(body)
            except CanonicalError as exc:
                raise Rejection("op.not_canonical", f"body: {exc}") from None
        check_kind(h["kind"], body_value, body is not None)  # step 11
        return Op(line_no, oid, author, h, body)
    except Rejection as rej:
        rej.op_id = oid
        raise


def no_dup_pairs(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate member name")
    return dict(pairs)
