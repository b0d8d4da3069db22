"""Writes the generated part of the conformance corpus (Tests/Conformance,
PROTOCOL.md §2.2): Ed25519 signature cases and roster-key cases on which
OpenSSL and libsodium disagree, each with the outcome §2.2 requires. Both
the Swift tests and test_verify.py check every case. Deterministic: run
`python3 Tools/verify-py/make_conformance.py` and commit the output.
"""

import hashlib
import datetime
import json
from pathlib import Path

import rfc8785

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

import ed25519_rules as r

OUT = Path(__file__).resolve().parents[2] / "Tests" / "Conformance"
IDENTITY = (1).to_bytes(32, "little")


def enc(y: int, sign: int = 0) -> bytes:
    return (y | (sign << 255)).to_bytes(32, "little")


def encode_point(p) -> bytes:
    x, y, z, _ = p
    zi = pow(z, r.P - 2, r.P)
    x, y = x * zi % r.P, y * zi % r.P
    return enc(y, x & 1)


def openssl_accepts(key: bytes, sig: bytes, msg: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(sig, msg)
        return True
    except (InvalidSignature, ValueError):
        return False


def honest(seed: bytes):
    sk = Ed25519PrivateKey.from_private_bytes(seed)
    pk = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return sk, pk, a


def k_of(R: bytes, A: bytes, msg: bytes) -> int:
    return int.from_bytes(hashlib.sha512(R + A + msg).digest(), "little") % r.L


def yname(y: int) -> str:
    return {r.P - 1: "p - 1", r.P: "p", r.P + 1: "p + 1"}.get(y, str(y) if y < 10 else hex(y)[:12] + "...")


def small_order_encodings():
    """The 14 encodings of §2.2: every small-order y, both sign bits."""
    return [(y, s, enc(y, s)) for y in sorted(r.SMALL_ORDER_Y) for s in (0, 1)]


def signature_cases():
    cases = []

    def add(comment, key, msg, sig, valid):
        cases.append({"comment": comment, "key": key.hex(), "msg": msg.hex(), "sig": sig.hex(), "valid": valid,
                      "opensslAccepts": openssl_accepts(key, sig, msg)})

    sk, pk, a = honest(bytes(range(32)))
    msg = "审管互动 claim".encode()
    good = sk.sign(msg)
    add("honest key, honest signature", pk, msg, good, True)
    # R = identity with the honest key: S = k·a (needs the secret, no forgery, but libsodium refuses R of small order).
    k = k_of(IDENTITY, pk, msg)
    add("honest key, R = identity, S = k·a (rule 2)", pk, msg, IDENTITY + (k * a % r.L).to_bytes(32, "little"), False)
    # S + L: the same signature with a non-canonical S.
    s = int.from_bytes(good[32:], "little") + r.L
    add("honest signature with S + L (rule 1)", pk, msg, good[:32] + s.to_bytes(32, "little"), False)
    # Small-order keys: R = identity, S = 0 holds whenever [k]A is the identity; find such a message.
    for y, sign, key in small_order_encodings():
        found = None
        for i in range(256):
            m = f"small-order key {i}".encode()
            sig = IDENTITY + bytes(32)
            if openssl_accepts(key, sig, m):
                found = (m, sig)
                break
        m, sig = found or (b"small-order key", IDENTITY + bytes(32))
        add(f"public key of small order, y = {yname(y)}, sign {sign} (rule 3/4)",
            key, m, sig, False)
    return cases


def key_cases():
    cases = []

    def add(comment, key, strong):
        cases.append({"comment": comment, "key": key.hex(), "strong": strong})

    for i in range(4):
        _, pk, _ = honest(hashlib.sha256(f"roster key {i}".encode()).digest())
        add(f"honest key {i}", pk, True)
    for y, sign, key in small_order_encodings():
        add(f"small order: y = {yname(y)}, sign {sign}", key, False)
    # Honest key plus a point of order 8: on the curve, canonical, not of small order, not in the prime-order subgroup.
    _, pk, _ = honest(bytes(32))
    t8 = r._decode(enc(2707385501144840649318225287225658788936804267575313519463743609750303402022))
    mixed = encode_point(r._add(r._decode(pk), t8))
    add("honest key + a point of order 8 (mixed order)", mixed, False)
    # A y that is not on the curve, and a non-canonical y (p + 2 .. ) that decodes.
    y = 2
    while r._decode(enc(y)) is not None:
        y += 1
    add(f"not a curve point (y = {y})", enc(y), False)
    y = r.P + 2
    while r._decode(enc(y - r.P)) is None:
        y += 1
    add(f"non-canonical encoding (y = p + {y - r.P})", enc(y), False)
    return cases


def canonical_json_cases():
    """§1 cases with their required outcome, written by hand (not computed by
    either reader): unsigned = accepted as unsigned JSON (rules 1-3 and 7,
    any spelling), canonical = valid signed JSON (every rule, its own
    canonical form)."""
    cases = []

    def add(comment, data: bytes, unsigned: bool, canonical: bool):
        cases.append({"comment": comment, "hex": data.hex(), "unsigned": unsigned, "canonical": canonical})

    s = lambda t: ('"' + t + '"').encode()  # noqa: E731
    add("Hangul syllable + trailing jamo, as typed (not NFC; Foundation on Linux calls it NFC)", s("\ud558\u11ab"), True, True)
    add("supplementary character + combining mark, as typed", s("\U000230cb\u3099"), True, True)
    add("Unicode 15 character (U+1FAE8): no Unicode table is consulted", s("\U0001fae8"), True, True)
    add("A + combining ring (RFC 8785 unicode.json): not normalised", s("A\u030a"), True, True)
    add("U+FB33, which NFC would rewrite", s("\ufb33"), True, True)
    add("member name precomposed e-acute: names are ASCII", '{"\u00e9":1}'.encode(), False, False)
    add("two names equal under canonical equivalence, different bytes", '{"e\u0301":1,"\u00e9":2}'.encode(), False, False)
    add("duplicate ASCII names", b'{"a":1,"a":2}', False, False)
    add("ASCII control in a name (escaped)", b'{"\\n":1}', True, True)
    add("a lone surrogate in unsigned JSON", b'{"a": "\\udc00"}', False, False)
    add("NaN", b"NaN", False, False)
    add("a float in unsigned JSON", b'{"a": 1.5}', False, False)
    add("byte-order mark", b"\xef\xbb\xbf{}", False, False)
    add("2^53 - 1", b"9007199254740991", True, True)
    add("-(2^53 - 1)", b"-9007199254740991", True, True)
    add("2^53", b"9007199254740992", False, False)
    add("5,000-digit integer", b"9" * 5000, False, False)
    add("-0", b"-0", False, False)
    add("64 nested arrays", b"[" * 64 + b"]" * 64, True, True)
    add("65 nested arrays", b"[" * 65 + b"]" * 65, False, False)
    add("20,000 nested arrays", b"[" * 20000 + b"]" * 20000, False, False)
    add("20,000 nested objects", b'{"a":' * 20000 + b"1" + b"}" * 20000, False, False)
    add("lone surrogate escape", b'"\ud800"', False, False)
    add("whitespace outside strings", b'[1, 2]', True, False)
    add("members out of order", b'{"b":1,"a":2}', True, False)
    add("escaped slash", b'"\/"', True, False)
    rfc = OUT / "rfc8785"
    expect = {"arrays": (True, True), "structures": (False, True), "unicode": (True, True),
              "values": (False, False), "weird": (False, False), "french": (False, False)}
    why = {"structures": "input has the float 56.0", "values": "floats", "weird": "non-ASCII member names",
           "french": "non-ASCII member names"}
    for name, (inp_strict, out_ok) in expect.items():
        inp = (rfc / "input" / f"{name}.json").read_bytes()
        out = (rfc / "output" / f"{name}.json").read_bytes()
        note = f" ({why[name]})" if name in why else ""
        add(f"RFC 8785 input/{name}.json{note}", inp, inp_strict, False)
        add(f"RFC 8785 output/{name}.json{note}", out, out_ok, out_ok)
    return cases


def op_cases():
    """§2.5 steps 1-11 (what needs nothing but the operation): envelopes
    with the code each verifier must give, "accepted" when they pass."""
    import make_fixtures as fx
    from shenguan_ops import b64u_encode
    cases = []

    def add(comment, line: bytes, code: str):
        cases.append({"comment": comment, "line": line.hex(), "code": code})

    alice, bob = fx.Chain("conformance alice"), fx.Chain("conformance bob")
    a1 = alice.next(time=1_790_000_000_000, text="审管互动 note")
    add("a valid note", a1.line(), "accepted")
    add("a note whose text is not NFC (signed as typed)", alice.next(time=1_790_000_000_001, text="\ud558\u11ab e\u0301").line(), "accepted")

    def declaration(sk, seq, oid, t, forge=False):
        a = fx.b64u_encode(fx.public(sk))
        msg = b"SHENGUANv1-head " + rfc8785.dumps({"author": a, "id": oid, "seq": seq, "time": t})
        sig = sk.sign(msg)
        return {"author": a, "id": oid, "seq": seq + (1 if forge else 0), "time": t, "sig": fx.b64u_encode(sig)}

    heads = [{"author": fx.b64u_encode(fx.public(alice.sk)), "id": a1.id, "seq": 1}]
    good = rfc8785.dumps({"declarations": [declaration(alice.sk, 1, a1.id, 1_790_000_000_100)], "heads": heads})
    add("a witness with a valid head declaration", bob.next(time=1_790_000_000_200, kind="witness", body=good).line(), "accepted")
    forged = rfc8785.dumps({"declarations": [declaration(alice.sk, 1, a1.id, 1_790_000_000_100, forge=True)], "heads": heads})
    add("a witness carrying a forged head declaration (seq changed after signing)",
        bob.next(time=1_790_000_000_300, kind="witness", body=forged).line(), "op.invalid_body")
    extra = rfc8785.dumps({"declarations": [], "heads": [dict(heads[0], note="x")]})
    add("a witness head entry with an extra member", bob.next(time=1_790_000_000_301, kind="witness", body=extra).line(), "op.invalid_body")

    def staff(frm, until):
        return rfc8785.dumps({"department": "market", "name": "张三", "office": "科室", "staffNo": "0001",
                              "validFrom": frm, "validUntil": until})
    add("staff registration valid 2026-01-01..2026-12-31", bob.next(time=1_790_000_000_400, kind="staff.register",
                                                                     body=staff("2026-01-01", "2026-12-31")).line(), "accepted")
    add("staff registration dated 2026-02-30 (no such day)", bob.next(time=1_790_000_000_500, kind="staff.register",
                                                                      body=staff("2026-02-30", "2026-12-31")).line(), "op.invalid_body")
    add("staff registration valid until before it starts", bob.next(time=1_790_000_000_600, kind="staff.register",
                                                                     body=staff("2026-12-31", "2026-01-01")).line(), "op.invalid_body")
    # R = identity with an honest key: OpenSSL alone accepts this signature.
    op = alice.next(time=1_790_000_000_700, text="R is the identity")
    _, _, a = honest(hashlib.sha256("conformance alice".encode()).digest())
    from shenguan_ops import pae
    k = k_of(IDENTITY, fx.public(alice.sk), pae(op.header))
    forged_sig = IDENTITY + (k * a % r.L).to_bytes(32, "little")
    add("an honest author's operation signed with R = identity (§2.2 rule 2)",
        fx.Built(op.id, op.header, forged_sig, op.author, op.body, op.fields).line(), "op.bad_signature")
    env = json.loads(a1.line())
    add("an envelope nested 20,000 deep", ("[" * 20000 + "]" * 20000).encode(), "op.malformed")
    add("an envelope with a 5,000-digit member", json.dumps(dict(env, x=None)).replace("null", "9" * 5000).encode(), "op.malformed")
    hdr = rfc8785.dumps({"author": env["author"], "bodyHash": hashlib.sha256(fx.note_body("x")).hexdigest(), "ctr": 0,
                         "deps": [], "kind": "note", "net": fx.NETWORK, "prev": None, "seq": 1, "time": 1, "v": 1,
                         "\u00e9": 1})
    add("a header with a non-ASCII member name", fx.sign_header(alice.sk, hdr, fx.note_body("x")).line(), "op.not_canonical")
    # §4.1 workflow bodies: text lengths in Unicode scalar values (never
    # grapheme clusters), no control characters, dates that exist (0001-9999).
    from shenguan_workflow import CREDIT_ALPHABET, CREDIT_WEIGHTS
    base = "91370100MA3C00000"
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(base, CREDIT_WEIGHTS))
    credit = base + CREDIT_ALPHABET[(31 - total % 31) % 31]
    ref = {"name": "现场照片.jpg", "op": "ab" * 32, "sha256": "cd" * 32}

    def approval(t, **changes):
        b = {"item": {"code": "370100-001", "name": "食品经营许可"}, "powerType": "行政许可",
             "applicant": {"name": "济南某某餐饮有限公司", "creditCode": credit, "contact": "0531-0000000"},
             "licenceNo": "JY13701000001", "decisionDate": "2026-10-09", "commitment": False,
             "riskPoints": ["冷链储存"], "attachments": [ref]}
        b.update(changes)
        return bob.next(time=t, kind="approval.issue", body=rfc8785.dumps(b)).line()
    add("an approval with a risk point and an attachment reference", approval(1_790_000_001_000), "accepted")
    add("an approval decided on 2026-02-30 (no such day)", approval(1_790_000_001_001, decisionDate="2026-02-30"), "op.invalid_body")
    add("an approval decided on 0000-01-01 (years are 0001 to 9999)", approval(1_790_000_001_002, decisionDate="0000-01-01"),
        "op.invalid_body")
    add("an approval whose risk point holds a control character (U+0007)",
        approval(1_790_000_001_003, riskPoints=["冷链\u0007储存"]), "op.invalid_body")
    add("an attachment reference named with 200 scalar values (100 e + U+0301)",
        approval(1_790_000_001_004, attachments=[dict(ref, name="e\u0301" * 100)]), "accepted")
    add("an attachment reference named with 300 scalar values (150 graphemes: counted as 300)",
        approval(1_790_000_001_005, attachments=[dict(ref, name="e\u0301" * 150)]), "op.invalid_body")
    add("an attachment reference whose name holds a control character (U+001B)",
        approval(1_790_000_001_006, attachments=[dict(ref, name="照片\u001b.jpg")]), "op.invalid_body")
    # §2.1 skip links: optional, an id, only from seq 3 on (steps 1-11 do not look at what it names).
    carol = fx.Chain("conformance carol", skips=True)
    c1, c2 = carol.next(time=1_790_000_002_000, text="one"), carol.next(time=1_790_000_002_001, text="two")
    add("a header with a skip link (seq 3 names seq 1)", carol.next(time=1_790_000_002_002, text="three").line(), "accepted")
    add("a header with a skip link at seq 2", carol.fork(2, c1.id, time=1_790_000_002_003, text="x", skip=c1.id).line(),
        "op.malformed")
    add("a header whose skip is null", carol.fork(3, c2.id, time=1_790_000_002_004, text="x", skip=None).line(), "op.malformed")
    add("a header whose skip is upper-case hex", carol.fork(3, c2.id, time=1_790_000_002_005, text="x",
                                                            skip=c1.id.upper()).line(), "op.malformed")
    correct = rfc8785.dumps({"approval": "ab" * 32, "field": "validUntil", "value": "2027-02-29"})
    add("a correction of validUntil to 2027-02-29 (no such day)",
        bob.next(time=1_790_000_001_007, kind="approval.correct", body=correct).line(), "op.invalid_body")
    # §4 staff.end: a registration ended early (what it names is checked at step 14).
    dave = fx.Chain("conformance dave")

    def end(t, **changes):
        b = {"department": "market", "registration": "ab" * 32, "lastDay": "2026-12-04", "reason": "调离"}
        b.update(changes)
        for k in [k for k, v in b.items() if v is None]:
            del b[k]
        return dave.next(time=t, kind="staff.end", body=rfc8785.dumps(b)).line()
    add("a staff end with last day 2026-12-04", end(1_790_000_003_000), "accepted")
    add("a staff end with last day 2026-02-30 (no such day)", end(1_790_000_003_001, lastDay="2026-02-30"), "op.invalid_body")
    add("a staff end naming its registration in upper-case hex", end(1_790_000_003_002, registration="AB" * 32), "op.invalid_body")
    add("a staff end without a reason", end(1_790_000_003_003, reason=None), "op.invalid_body")
    add("a staff end whose reason is 200 scalar values (100 e + U+0301)", end(1_790_000_003_004, reason="e\u0301" * 100),
        "accepted")
    add("a staff end whose reason is 201 scalar values", end(1_790_000_003_005, reason="调" * 201), "op.invalid_body")
    add("a staff end whose reason holds a line feed only", end(1_790_000_003_006, reason="\n"), "accepted")
    add("a staff end whose reason holds a tab (U+0009)", end(1_790_000_003_007, reason="调\t离"), "op.invalid_body")
    add("a staff end with an extra member", end(1_790_000_003_008, note="x"), "op.invalid_body")
    # §4.1 R14 joint inspection bodies.
    erin = fx.Chain("conformance erin")

    def op(t, kind, b):
        return erin.next(time=t, kind=kind, body=rfc8785.dumps(b)).line()
    notice = {"to": "market", "visitDate": "2026-10-12", "place": "东昌府区古楼街道", "subject": "食品经营场所现场核查"}
    add("an inspection notice", op(1_790_000_004_000, "inspection.notice", notice), "accepted")
    add("an inspection notice visiting on 2026-02-30 (no such day)", op(1_790_000_004_001, "inspection.notice", dict(notice, visitDate="2026-02-30")),
        "op.invalid_body")
    add("an inspection notice to an upper-case department id", op(1_790_000_004_002, "inspection.notice", dict(notice, to="Market")), "op.invalid_body")
    add("an inspection report with a result", op(1_790_000_004_003, "inspection.report",
                                                 {"notice": "ab" * 32, "findings": "经营场所与申请材料一致", "result": "符合条件"}), "accepted")
    add("an inspection report without findings", op(1_790_000_004_004, "inspection.report", {"notice": "ab" * 32}), "op.invalid_body")
    add("a countersignature agreeing", op(1_790_000_004_005, "inspection.countersign", {"report": "cd" * 32, "agree": True}), "accepted")
    add("a countersignature not agreeing, without reasons", op(1_790_000_004_006, "inspection.countersign",
                                                               {"report": "cd" * 32, "agree": False}), "op.invalid_body")
    add("a countersignature not agreeing, with reasons", op(1_790_000_004_007, "inspection.countersign",
                                                            {"report": "cd" * 32, "agree": False, "text": "面积不符"}), "accepted")
    add("a countersignature whose agree is 1", op(1_790_000_004_008, "inspection.countersign", {"report": "cd" * 32, "agree": 1}),
        "op.invalid_body")
    # §4.1 R17: a push asking for a certificate, and the certificate.
    push = {"record": "ab" * 32, "to": "market", "certificate": {"workingDays": 10, "basis": "《食品经营许可管理办法》第十六条"}}
    add("a push asking for a certificate within 10 working days", op(1_790_000_005_000, "push", push), "accepted")
    add("a push asking for a certificate within 0 working days", op(1_790_000_005_001, "push", dict(push, certificate={"workingDays": 0, "basis": "x"})),
        "op.invalid_body")
    add("a push asking for a certificate without its basis", op(1_790_000_005_002, "push", dict(push, certificate={"workingDays": 10})),
        "op.invalid_body")
    add("a push whose certificate has an extra member", op(1_790_000_005_003, "push",
                                                            dict(push, certificate={"workingDays": 10, "basis": "x", "by": "market"})), "op.invalid_body")
    add("a certificate issued", op(1_790_000_005_004, "certificate.issue", {"push": "ab" * 32, "certificateNo": "JY13715020000123"}), "accepted")
    add("a certificate without its number", op(1_790_000_005_005, "certificate.issue", {"push": "ab" * 32}), "op.invalid_body")
    # §4.1 R15: liaison officers.
    ask = {"to": "market", "neededOn": "2026-10-14", "purpose": "联合勘验现场核查"}
    add("a request for a liaison officer", op(1_790_000_006_000, "liaison.request", ask), "accepted")
    add("a request for a liaison officer without its purpose", op(1_790_000_006_001, "liaison.request",
                                                                   {"to": "market", "neededOn": "2026-10-14"}), "op.invalid_body")
    add("a liaison officer named with a phone", op(1_790_000_006_002, "liaison.appoint",
                                                   {"request": "ab" * 32, "officer": "cd" * 32, "phone": "0635-8888888"}), "accepted")
    add("a liaison officer named by staff number instead of registration id", op(1_790_000_006_003, "liaison.appoint",
                                                                                 {"request": "ab" * 32, "officer": "0042"}), "op.invalid_body")
    # §4.1 R11: the promised date of a commitment item, and its post-verification.
    letter = {"name": "承诺书.pdf", "op": "ab" * 32, "sha256": "cd" * 32}
    promised = {"item": {"code": "370100-001", "name": "食品经营许可"}, "powerType": "行政许可",
                "applicant": {"name": "济南某某餐饮有限公司", "creditCode": credit, "contact": "0531-0000000"},
                "licenceNo": "JY13701000002", "decisionDate": "2026-09-29", "commitment": True, "commitmentLetter": letter,
                "promisedDate": "2026-09-30", "riskPoints": []}
    add("a commitment approval with a promised date", op(1_790_000_007_000, "approval.issue", promised), "accepted")
    add("a promised date on an approval without commitment", op(1_790_000_007_001, "approval.issue",
        {k: v for k, v in dict(promised, commitment=False).items() if k != "commitmentLetter"}), "op.invalid_body")
    add("a promised date before the decision date", op(1_790_000_007_002, "approval.issue", dict(promised, promisedDate="2026-09-28")),
        "op.invalid_body")
    add("a verification: promise kept", op(1_790_000_007_003, "verification.record",
                                          {"approval": "ab" * 32, "result": "kept", "findings": "与承诺一致"}), "accepted")
    add("a verification: promise broken, rectify by 2026-11-30", op(1_790_000_007_004, "verification.record",
        {"approval": "ab" * 32, "result": "broken", "findings": "未配备冷藏设施", "cureBy": "2026-11-30"}), "accepted")
    add("a verification: promise broken without a rectification period", op(1_790_000_007_005, "verification.record",
        {"approval": "ab" * 32, "result": "broken", "findings": "x"}), "op.invalid_body")
    add("a verification: promise kept with a rectification period", op(1_790_000_007_006, "verification.record",
        {"approval": "ab" * 32, "result": "kept", "findings": "x", "cureBy": "2026-11-30"}), "op.invalid_body")
    # §4.1 R13: special reviews.
    convene = {"topic": "化工项目安全条件审查", "scope": "workSafety", "participants": ["ecology", "market"], "meetingDate": "2026-10-13"}
    add("a special review of two departments", op(1_790_000_008_000, "review.convene", convene), "accepted")
    add("a special review whose participants are not sorted", op(1_790_000_008_001, "review.convene",
        dict(convene, participants=["market", "ecology"])), "op.invalid_body")
    add("a special review naming a participant twice", op(1_790_000_008_002, "review.convene",
        dict(convene, participants=["market", "market"])), "op.invalid_body")
    add("a special review without participants", op(1_790_000_008_003, "review.convene", dict(convene, participants=[])), "op.invalid_body")
    add("a special review of 17 departments", op(1_790_000_008_004, "review.convene",
        dict(convene, participants=[f"d{i:02d}" for i in range(17)])), "op.invalid_body")
    add("a special review of 16 departments", op(1_790_000_008_005, "review.convene",
        dict(convene, participants=[f"d{i:02d}" for i in range(16)])), "accepted")
    add("a special review whose scope is not listed", op(1_790_000_008_006, "review.convene", dict(convene, scope="major")), "op.invalid_body")
    add("an opinion agreeing", op(1_790_000_008_007, "review.opinion", {"review": "ab" * 32, "position": "agree"}), "accepted")
    add("an objection without reasons", op(1_790_000_008_008, "review.opinion", {"review": "ab" * 32, "position": "object"}), "op.invalid_body")
    add("an absence with its reason", op(1_790_000_008_009, "review.opinion",
        {"review": "ab" * 32, "position": "absent", "text": "同日另有执法任务"}), "accepted")
    add("minutes escalated without escalateTo", op(1_790_000_008_010, "review.minutes",
        {"review": "ab" * 32, "outcome": "escalated", "text": "报市政府决定"}), "op.invalid_body")
    add("minutes escalated to the city government", op(1_790_000_008_011, "review.minutes",
        {"review": "ab" * 32, "outcome": "escalated", "text": "报市政府决定", "escalateTo": "gov"}), "accepted")
    add("minutes agreed naming escalateTo", op(1_790_000_008_012, "review.minutes",
        {"review": "ab" * 32, "outcome": "agreed", "text": "一致同意", "escalateTo": "gov"}), "op.invalid_body")
    add("an acknowledgement of minutes", op(1_790_000_008_013, "review.ack", {"minutes": "cd" * 32}), "accepted")
    # §4.1 R16: the expert pool and draws.
    add("an expert registered", op(1_790_000_009_000, "expert.register",
        {"expertNo": "E0101", "name": "刘洋", "field": "环境影响评价", "employer": "聊城大学环境学院"}), "accepted")
    add("an expert without an employer", op(1_790_000_009_001, "expert.register",
        {"expertNo": "E0101", "name": "刘洋", "field": "环境影响评价"}), "op.invalid_body")
    cands = sorted(["ab" * 32, "cd" * 32, "ef" * 32])
    req = {"topic": "专家评审", "field": "环境影响评价", "count": 2, "candidates": cands, "participants": ["bureau", "ecology"],
           "excluded": [{"expert": cands[0], "reason": "受聘于申请单位"}]}
    add("a draw of 2 of 3 candidates, one excluded", op(1_790_000_009_002, "draw.request", req), "accepted")
    add("a draw of 3 of 3 candidates, one excluded", op(1_790_000_009_003, "draw.request", dict(req, count=3)), "op.invalid_body")
    add("a draw with one participant", op(1_790_000_009_004, "draw.request", dict(req, participants=["bureau"])), "op.invalid_body")
    add("a draw excluding an expert who is no candidate", op(1_790_000_009_005, "draw.request",
        dict(req, excluded=[{"expert": "01" * 32, "reason": "x"}])), "op.invalid_body")
    add("a draw of 0 experts", op(1_790_000_009_006, "draw.request", dict(req, count=0)), "op.invalid_body")
    add("a draw whose candidates are not sorted", op(1_790_000_009_007, "draw.request", dict(req, candidates=cands[::-1], excluded=[])),
        "op.invalid_body")
    add("a draw commitment", op(1_790_000_009_008, "draw.commit", {"request": "ab" * 32, "commitment": "cd" * 32}), "accepted")
    add("a draw commitment in upper-case hex", op(1_790_000_009_009, "draw.commit", {"request": "ab" * 32, "commitment": "CD" * 32}),
        "op.invalid_body")
    add("a reveal naming two commitments", op(1_790_000_009_010, "draw.reveal",
        {"request": "ab" * 32, "nonce": "ef" * 32, "commits": sorted(["01" * 32, "02" * 32])}), "accepted")
    add("a reveal naming one commitment", op(1_790_000_009_011, "draw.reveal",
        {"request": "ab" * 32, "nonce": "ef" * 32, "commits": ["01" * 32]}), "op.invalid_body")
    add("an expert retired", op(1_790_000_009_012, "expert.retire", {"expert": "ab" * 32, "reason": "调离"}), "accepted")
    # §4.1 R18: the boundary list.
    entry = {"itemCode": "370100-001", "itemName": "食品经营许可", "powerType": "行政许可", "stage": "事中事后监管",
             "approvalDuties": "审批并推送审批结果", "regulatorDuties": "认领并开展日常监管", "regulators": ["ecology", "market"],
             "pushMethod": "审管互动平台推送", "office": "市场监管局食品经营许可科"}
    add("a boundary-list entry", op(1_790_000_010_000, "boundary.entry", entry), "accepted")
    add("a boundary-list entry superseding two versions", op(1_790_000_010_001, "boundary.entry",
        dict(entry, supersedes=sorted(["ab" * 32, "cd" * 32]))), "accepted")
    add("a boundary-list entry naming no regulator", op(1_790_000_010_002, "boundary.entry", dict(entry, regulators=[])), "op.invalid_body")
    add("a boundary-list entry whose regulators are not sorted", op(1_790_000_010_003, "boundary.entry",
        dict(entry, regulators=["market", "ecology"])), "op.invalid_body")
    add("a boundary-list entry without its office", op(1_790_000_010_004, "boundary.entry",
        {k: v for k, v in entry.items() if k != "office"}), "op.invalid_body")
    add("a boundary-list entry with a power type of 51 code points", op(1_790_000_010_005, "boundary.entry",
        dict(entry, powerType="许" * 51)), "op.invalid_body")
    add("a boundary-list entry superseding 17 versions", op(1_790_000_010_006, "boundary.entry",
        dict(entry, supersedes=[f"{i:02x}" * 32 for i in range(17)])), "op.invalid_body")
    add("a boundary-list entry withdrawn", op(1_790_000_010_007, "boundary.withdraw", {"entry": "ab" * 32, "reason": "事项取消"}), "accepted")
    add("a boundary-list withdrawal without its reason", op(1_790_000_010_008, "boundary.withdraw", {"entry": "ab" * 32}), "op.invalid_body")
    # §4.1 R19: notices and their acknowledgements.
    notice = {"category": "training", "title": "食品安全监管业务培训", "text": "请派员参加", "to": ["bureau", "ecology"],
              "date": "2026-10-15", "place": "市民中心三楼"}
    add("a training notice to two departments", op(1_790_000_011_000, "notice.issue", notice), "accepted")
    add("an item removed, announced with its item code", op(1_790_000_011_001, "notice.issue",
        dict(notice, category="itemRemoved", itemCode="370100-117")), "accepted")
    add("an item removed without its item code", op(1_790_000_011_002, "notice.issue", dict(notice, category="itemRemoved")), "op.invalid_body")
    add("a training notice naming an item code", op(1_790_000_011_003, "notice.issue", dict(notice, itemCode="370100-117")), "op.invalid_body")
    add("a notice of an unknown category", op(1_790_000_011_004, "notice.issue", dict(notice, category="circular")), "op.invalid_body")
    add("a notice whose recipients are not sorted", op(1_790_000_011_005, "notice.issue", dict(notice, to=["ecology", "bureau"])),
        "op.invalid_body")
    add("a notice dated 2026-02-29", op(1_790_000_011_006, "notice.issue", dict(notice, date="2026-02-29")), "op.invalid_body")
    add("a notice acknowledged", op(1_790_000_011_007, "notice.ack", {"notice": "ab" * 32}), "accepted")
    # §2.6: erasure of an attachment's or a note's body.
    add("an erasure", op(1_790_000_012_000, "erase", {"op": "ab" * 32, "reason": "申请人身份证件扫描件，依法删除"}), "accepted")
    add("an erasure without its reason", op(1_790_000_012_001, "erase", {"op": "ab" * 32}), "op.invalid_body")
    add("an erasure with a reason of 501 code points", op(1_790_000_012_002, "erase", {"op": "ab" * 32, "reason": "删" * 501}), "op.invalid_body")
    add("an erasure naming two operations", op(1_790_000_012_003, "erase", {"op": ["ab" * 32, "cd" * 32], "reason": "x"}), "op.invalid_body")
    return {"network": fx.NETWORK, "cases": cases}


def chain_cases():
    """§2.5 steps 12-13 with skip links (§2.1): each case is a list of
    envelopes offered in order after the network's genesis; all but the
    last are accepted, the last gives `code`. Outcomes written by hand."""
    import make_fixtures as fx
    from shenguan_ops import b64u_encode, op_id
    root, alice, bob = fx.secret("chains root"), "chains alice", "chains bob"
    genesis_body = rfc8785.dumps({
        "name": "skip links", "root": b64u_encode(fx.public(root)), "policy": POLICY_LIAOCHENG, "calendar": [TABLE_2026],
        "departments": [{"id": "market", "name": "市市场监督管理局", "role": "regulator"},
                        {"id": "bureau", "name": "市行政审批服务局", "role": "approval"}],
        "replicas": [{"department": "market", "key": b64u_encode(fx.public(fx.secret(alice)))},
                     {"department": "bureau", "key": b64u_encode(fx.public(fx.secret(bob)))}]})
    genesis = fx.make_op(root, seq=1, prev=None, time=1_790_000_000_000, kind="roster.genesis", body=genesis_body,
                         net="0" * 64)
    net = genesis.id
    cases = []

    def chain(label, skips=True):
        c = fx.Chain(label, skips=skips)
        first = c.next
        def nxt(**kw):
            kw.setdefault("net", net)
            if c.seq == 0:
                kw["deps"] = sorted(set(kw.get("deps", [])) | {genesis.id})
            return first(**kw)
        c.next = nxt
        return c

    def add(comment, ops, code):
        cases.append({"comment": comment, "lines": [o.line().hex() for o in ops], "code": code})

    t = 1_790_000_100_000
    a = chain(alice)
    good = [a.next(time=t + i, text=f"note {i + 1}") for i in range(9)]
    add("nine operations with skip links (seq 9 names seq 1)", good, "accepted")
    old = chain(alice, skips=False)
    add("nine operations without skip links (written before them)", [old.next(time=t + i, text=f"note {i + 1}")
                                                                      for i in range(9)], "accepted")
    mixed = chain(alice, skips=False)
    ops = [mixed.next(time=t + i, text=f"note {i + 1}") for i in range(4)]
    mixed.skips = True
    ops += [mixed.next(time=t + 10 + i, text=f"later {i}") for i in range(4)]
    add("a chain that starts without skip links and goes on with them", ops, "accepted")
    w = chain(alice)
    ops = [w.next(time=t + i, text=f"note {i + 1}") for i in range(4)]
    ops.append(w.next(time=t + 10, text="skips to seq 2", skip=ops[1].id))   # skipSeq(5) = 1
    add("seq 5 whose skip names seq 2 (skipSeq(5) = 1)", ops, "op.chain_broken")
    b = chain(bob)
    w = chain(alice)
    ops = [b.next(time=t, text="bob one")] + [w.next(time=t + 1 + i, text=f"note {i + 1}") for i in range(2)]
    ops.append(w.next(time=t + 10, text="skips to bob", skip=ops[0].id))
    add("a skip naming another author's operation at the right seq", ops, "op.chain_broken")
    w = chain(alice)
    ops = [w.next(time=t + i, text=f"note {i + 1}") for i in range(2)]
    branch = w.fork(1, None, time=t + 50, deps=[genesis.id], net=net, text="a second seq 1")
    ops += [branch, w.next(time=t + 60, text="skips to the other branch", skip=branch.id)]
    add("a skip naming the other branch of a fork (a hash link: accepted)", ops, "accepted")
    w = chain(alice)
    ops = [w.next(time=t + i, text=f"note {i + 1}") for i in range(2)]
    branch = w.fork(1, None, time=t + 500, deps=[genesis.id], net=net, text="a second seq 1, later")
    ops += [branch, w.next(time=t + 60, text="not after its skip", skip=branch.id)]
    add("a clock not after the clock of its skip", ops, "op.clock_regression")
    return {"network": net, "genesis": genesis.line().hex(), "cases": cases}


# The 2026 table as the built-in calendar and the genesis carry it (国办发明电〔2025〕7号).
TABLE_2026 = {"year": 2026, "source": "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）",
              "holidays": ["2026-01-01", "2026-01-02", "2026-01-03", "2026-02-15", "2026-02-16", "2026-02-17",
                           "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
                           "2026-04-04", "2026-04-05", "2026-04-06", "2026-05-01", "2026-05-02", "2026-05-03",
                           "2026-05-04", "2026-05-05", "2026-06-19", "2026-06-20", "2026-06-21", "2026-09-25",
                           "2026-09-26", "2026-09-27", "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04",
                           "2026-10-05", "2026-10-06", "2026-10-07"],
              "adjustedWorkingDays": ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]}


def draw_cases():
    """PROTOCOL.md §4.5: commitments, seeds and selections. The inputs are
    fixed; the outcomes are what §4.5 gives (SHA-256 only), which the Swift
    code computes on its own."""
    import hashlib
    from shenguan_bundle import draw_commitment, draw_status

    def h(label):
        return hashlib.sha256(label.encode()).hexdigest()
    cases, commitments = [], []

    def add(comment, participants, n_candidates, count, excluded=(), commits=None, reveals=None):
        request = h(f"request {comment}")
        candidates = sorted(h(f"expert {comment} {i}") for i in range(n_candidates))
        ex = sorted(({"expert": candidates[i], "reason": "受聘于申请单位"} for i in excluded), key=lambda e: e["expert"])
        body = {"participants": participants, "candidates": candidates, "excluded": ex, "count": count}
        nonces = {p: h(f"nonce {comment} {p}") for p in participants}
        if commits is None:
            commits = [{"id": h(f"commit {comment} {p}"), "department": p} for p in participants]
        if reveals is None:
            named = sorted(c["id"] for c in commits)
            reveals = [{"department": p, "nonce": nonces[p], "commits": named} for p in participants]
        for p in participants:
            commitments.append({"request": request, "nonce": nonces[p], "commitment": draw_commitment(request, nonces[p])})
        expected = draw_status(request, body, [(c["id"], c["department"], None) for c in commits],
                               [(None, r["department"], r) for r in reveals])
        cases.append({"comment": comment, "request": request, "body": body, "commits": commits, "reveals": reveals, "expected": expected})

    add("two departments draw 2 of 5, one excluded", ["bureau", "ecology"], 5, 2, excluded=[3])
    add("three departments draw 3 of 12", ["bureau", "ecology", "market"], 12, 3)
    add("every eligible expert drawn, in rank order", ["ecology", "market"], 4, 3, excluded=[0])
    add("one expert, one drawn", ["d1", "d2"], 1, 1)
    add("a participant has not committed", ["bureau", "ecology", "market"], 6, 2,
        commits=[{"id": h("c1"), "department": "bureau"}, {"id": h("c2"), "department": "market"}], reveals=[])
    add("a participant has not revealed", ["bureau", "ecology"], 6, 2,
        reveals=[{"department": "bureau", "nonce": h("nonce a participant has not revealed bureau"),
                  "commits": sorted([h("commit a participant has not revealed bureau"), h("commit a participant has not revealed ecology")])}])
    add("a participant committed twice: void", ["bureau", "ecology"], 6, 2,
        commits=[{"id": h("t1"), "department": "bureau"}, {"id": h("t2"), "department": "bureau"}, {"id": h("t3"), "department": "ecology"}])
    add("two reveals name different commitments: void", ["bureau", "ecology"], 6, 2,
        reveals=[{"department": "bureau", "nonce": h("x"), "commits": sorted([h("commit two reveals name different commitments: void bureau"),
                                                                            h("commit two reveals name different commitments: void ecology")])},
                 {"department": "ecology", "nonce": h("y"), "commits": sorted([h("z1"), h("z2")])}])
    return {"cases": cases, "commitments": commitments}


def limit_cases():
    """§4.2 limits on a roster holding only the 2026 table; outcomes written
    by hand (lastDay, provisional), the limit is 00:00 CST after lastDay."""
    cases = []

    def add(comment, start, n, last, provisional):
        cases.append({"comment": comment, "from": start, "workingDays": n, "lastDay": last,
                      "limit": (datetime.date.fromisoformat(last) + datetime.timedelta(days=1)).isoformat() + "T00:00:00+08:00",
                      "provisional": provisional})
    add("T2: the push day is not counted; the National Day holiday is skipped", "2026-09-30T16:00:00+08:00", 2, "2026-10-09", False)
    add("an adjusted working Saturday counts", "2026-10-09T10:00:00+08:00", 1, "2026-10-10", False)
    add("an instant in UTC is judged on its CST day (10-01)", "2026-09-30T23:30:00Z", 1, "2026-10-08", False)
    add("the event day's year needs no table; the first counted days are 2026 holidays", "2025-12-31T10:00:00+08:00", 1, "2026-01-04", False)
    add("inside 2026, up to its last day", "2026-12-25T10:00:00+08:00", 3, "2026-12-30", False)
    add("2027 has no table: Friday 2027-01-01 counts on the provisional rule", "2026-12-30T10:00:00+08:00", 2, "2027-01-01", True)
    add("provisional: weekends are the only days off", "2026-12-31T16:00:00+08:00", 2, "2027-01-04", True)
    add("N = 0 ends at 24:00 of the event day; a 2026 day is not provisional", "2026-12-31T23:59:59+08:00", 0, "2026-12-31", False)
    add("N = 0 on a day of a year without a table is provisional", "2027-01-02T09:00:00+08:00", 0, "2027-01-02", True)
    add("wholly in a year without a table", "2027-03-05T10:00:00+08:00", 5, "2027-03-12", True)
    return cases


POLICY_LIAOCHENG = {"profile": "liaocheng", "graceMillis": 14400000, "maxSkewMillis": 300000,
                    "claim": {"citation": "000 第十七条(一): 行业主管部门需在2个工作日内进行认领", "localChoice": False, "rule": "R2", "workingDays": 2},
                    "bureauClaim": {"citation": "000 第十七条(二): 市行政审批局需在2个工作日内进行认领", "localChoice": False, "rule": "R7", "workingDays": 2},
                    "creditPush": {"citation": "000 第十九条(一): 7个工作日内推送至信用信息平台", "localChoice": False, "rule": "R20", "workingDays": 7},
                    "feedback": {"citation": "000 gives no feedback limit; 1 working day as in 002 第七条", "localChoice": True, "rule": "R4", "workingDays": 1},
                    "postVerification": {"citation": "000 gives no limit; 10 working days as in 002 第八条", "localChoice": True, "rule": "R11", "workingDays": 10},
                    "pushBack": {"citation": "000 第十七条(二): 在公布3个工作日内…向市行政审批局推送", "localChoice": False, "rule": "R7", "workingDays": 3}}


def roster_cases():
    """§2.7 roster folds: a genesis, then changes signed by the root (or
    the key named), each case's last change refused with `code` or
    "accepted"; the earlier ones are all accepted. Outcomes by hand."""
    import make_fixtures as fx
    seeds = {n: hashlib.sha256(("conformance roster " + n).encode()).digest() for n in ("root", "market", "bureau", "root2")}
    def key(n):
        return fx.b64u_encode(Ed25519PrivateKey.from_private_bytes(seeds[n]).public_key().public_bytes_raw())
    genesis = {"name": "聊城审管互动", "root": key("root"), "policy": POLICY_LIAOCHENG, "calendar": [TABLE_2026],
               "departments": [{"id": "oversight", "name": "市人民政府办公室", "role": "oversight"},
                               {"id": "market", "name": "市市场监督管理局", "role": "regulator"},
                               {"id": "bureau", "name": "市行政审批服务局", "role": "approval"}],
               "replicas": [{"department": "market", "key": key("market")}]}
    small = fx.b64u_encode(bytes(32))   # the identity point's encoding (small order)
    cases = []
    def add(comment, changes, code):
        cases.append({"comment": comment, "changes": [{"signer": s, "kind": k, "body": b} for s, k, b in changes], "code": code})
    dept = lambda i, role="regulator": ("root", "roster.department", {"id": i, "name": "部门" + i, "role": role})
    admit = lambda k, d, signer="root": (signer, "roster.admit", {"key": k, "department": d})
    add("a new department", [dept("ecology")], "accepted")
    add("a department id already in the roster", [dept("market")], "roster.invalid")
    add("admitting a key to an unknown department", [admit(key("bureau"), "nowhere")], "roster.invalid")
    add("admitting a key", [admit(key("bureau"), "bureau")], "accepted")
    add("admitting a key already admitted", [admit(key("market"), "bureau")], "roster.invalid")
    add("admitting a small-order key", [admit(small, "bureau")], "roster.weak_key")
    add("revoking a key never admitted", [("root", "roster.revoke", {"key": key("bureau"), "reason": "x"})], "roster.invalid")
    add("revoking an active key", [("root", "roster.revoke", {"key": key("market"), "reason": "设备遗失"})], "accepted")
    add("revoking a key twice", [("root", "roster.revoke", {"key": key("market"), "reason": "a"}),
                                 ("root", "roster.revoke", {"key": key("market"), "reason": "b"})], "roster.invalid")
    add("a new root key that is a replica key", [("root", "roster.root", {"key": key("market")})], "roster.invalid")
    add("a new root key that is the current one", [("root", "roster.root", {"key": key("root")})], "roster.invalid")
    add("rotating the root, then the new root admits", [("root", "roster.root", {"key": key("root2")}),
                                                         admit(key("bureau"), "bureau", signer="root2")], "accepted")
    cal = lambda y: ("root", "roster.calendar", {"year": y})
    add("a 2027 table", [cal({"year": 2027, "source": "国务院办公厅通知", "holidays": ["2027-01-01"], "adjustedWorkingDays": []})], "accepted")
    add("a 2027 table with 2027-02-30", [cal({"year": 2027, "source": "s", "holidays": ["2027-02-30"], "adjustedWorkingDays": []})], "roster.invalid")
    add("an adjusted working day on a Friday", [cal({"year": 2027, "source": "s", "holidays": [], "adjustedWorkingDays": ["2027-01-08"]})], "roster.invalid")
    add("a date both holiday and adjusted", [cal({"year": 2027, "source": "s", "holidays": ["2027-01-09"], "adjustedWorkingDays": ["2027-01-09"]})], "roster.invalid")
    add("a date two years from its table", [cal({"year": 2027, "source": "s", "holidays": ["2029-01-01"], "adjustedWorkingDays": []})], "roster.invalid")
    pol = lambda p: ("root", "roster.policy", {"policy": p})
    linzi = dict(POLICY_LIAOCHENG, profile="linzi", claim=dict(POLICY_LIAOCHENG["claim"], workingDays=1))
    add("a complete policy", [pol(linzi)], "accepted")
    add("a policy naming a built-in base instead of its limits", [pol({"base": "linzi", "profile": "linzi"})], "roster.invalid")
    add("a policy without maxSkewMillis", [pol({k: v for k, v in linzi.items() if k != "maxSkewMillis"})], "roster.invalid")
    add("a claim limit of 61 working days", [pol(dict(linzi, claim=dict(linzi["claim"], workingDays=61)))], "roster.invalid")
    add("graceMillis as a string", [pol(dict(linzi, graceMillis="14400000"))], "roster.invalid")
    add("a limit with an extra member", [pol(dict(linzi, feedback=dict(linzi["feedback"], note="x")))], "roster.invalid")
    add("localChoice as 0", [pol(dict(linzi, feedback=dict(linzi["feedback"], localChoice=0)))], "roster.invalid")
    genesis_cases = [
        {"comment": "a replica admitted to a department the genesis does not have",
         "genesis": dict(genesis, replicas=[{"department": "ecology", "key": key("market")}]), "code": "roster.invalid"},
        {"comment": "a genesis whose root is not its author",
         "genesis": dict(genesis, root=key("root2")), "code": "roster.invalid"},
        {"comment": "a genesis policy with a base", "genesis": dict(genesis, policy={"base": "liaocheng", "profile": "x"}),
         "code": "roster.invalid"},
        {"comment": "a small-order replica key in the genesis", "genesis": dict(genesis, replicas=[{"department": "market", "key": small}]),
         "code": "roster.weak_key"},
        {"comment": "the genesis itself", "genesis": genesis, "code": "accepted"},
    ]
    return {"seeds": {n: v.hex() for n, v in seeds.items()}, "genesis": genesis, "cases": cases, "genesisCases": genesis_cases}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    doc = {"about": "Generated by Tools/verify-py/make_conformance.py; PROTOCOL.md §2.2. opensslAccepts records what "
                    "OpenSSL alone says (the disagreement §2.2 settles); valid is the required outcome.",
           "signatures": signature_cases(), "keys": key_cases()}
    (OUT / "ed25519-generated.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    cj = {"about": "Generated by Tools/verify-py/make_conformance.py; PROTOCOL.md §1. unsigned: accepted as unsigned "
                   "JSON (rules 1-3 and 7, any spelling); canonical: valid signed JSON. Outcomes written by hand.",
          "cases": canonical_json_cases()}
    (OUT / "canonical-json.json").write_text(json.dumps(cj, indent=1, ensure_ascii=False) + "\n")
    ops = {"about": "Generated by Tools/verify-py/make_conformance.py; PROTOCOL.md §2.5 steps 1-11: each line "
                    "(hex of an envelope's bytes) and the code a verifier must give (accepted if it passes).",
           **op_cases()}
    (OUT / "operations.json").write_text(json.dumps(ops, indent=1, ensure_ascii=False) + "\n")
    lim = {"about": "Generated by Tools/verify-py/make_conformance.py; PROTOCOL.md §4.2 limits and the provisional "
                    "rule for years without a table. Outcomes written by hand.",
           "calendar": [TABLE_2026], "cases": limit_cases()}
    (OUT / "limits.json").write_text(json.dumps(lim, indent=1, ensure_ascii=False) + "\n")
    draws = {"about": "Generated by Tools/verify-py/make_conformance.py; PROTOCOL.md §4.5: draw commitments, seeds and "
                      "selections from the commitments and reveals that count.", **draw_cases()}
    (OUT / "draws.json").write_text(json.dumps(draws, indent=1, ensure_ascii=False) + "\n")
    ros = {"about": "Generated by Tools/verify-py/make_conformance.py; PROTOCOL.md §2.7 roster changes: each case applies its "
                    "changes to the genesis; all but the last are accepted, the last gives code. Outcomes written by hand.",
           **roster_cases()}
    (OUT / "roster.json").write_text(json.dumps(ros, indent=1, ensure_ascii=False) + "\n")
    chains = {"about": "Generated by Tools/verify-py/make_conformance.py; PROTOCOL.md §2.5 steps 12-13 with skip links "
                       "(§2.1): after the genesis, every line but the last of a case is accepted, the last gives code.",
              **chain_cases()}
    (OUT / "chains.json").write_text(json.dumps(chains, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
