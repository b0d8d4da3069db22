"""Builds export files (Sync/PROTOCOL.md version 1, §3) for the verifier's tests.

Everything is built here in Python from the text of PROTOCOL.md, independently
of the Swift code: keys come from `cryptography` (Ed25519, seeded from fixed
labels, so the output is deterministic), headers are serialised with `rfc8785`
(§1), signed over PAE (§2.2), named by their id (§2.3), wrapped in envelopes
(§2.4) and written as export files (§3).

    python3 make_fixtures.py OUTDIR
writes OUTDIR/good.jsonl, one OUTDIR/<variant>.jsonl per tampered variant and
OUTDIR/expected.json ({variant: {"line": n, "code": code} or {"equivocations": n}}),
so other implementations can be checked against the same files.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shenguan_ops import b64u_encode, op_id, pae

NETWORK = hashlib.sha256(b"shenguan verify-py test network").hexdigest()
OTHER_NETWORK = hashlib.sha256(b"some other network").hexdigest()


def secret(label: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(label.encode()).digest())


def public(sk: Ed25519PrivateKey) -> bytes:
    return sk.public_key().public_bytes_raw()


def note_body(text: str) -> bytes:
    return rfc8785.dumps({"text": text})


@dataclass
class Built:
    id: str
    header: bytes
    sig: bytes
    author: bytes
    body: bytes | None
    fields: dict

    def line(self) -> bytes:
        """§2.4 envelope (not required to be canonical; written compact, keys sorted)."""
        env = {"author": b64u_encode(self.author), "header": b64u_encode(self.header),
               "sig": b64u_encode(self.sig)}
        if self.body is not None:
            env["body"] = b64u_encode(self.body)
        return json.dumps(env, separators=(",", ":"), sort_keys=True).encode()


def sign_header(sk: Ed25519PrivateKey, header: bytes, body: bytes | None, fields=None,
                author: bytes | None = None) -> Built:
    """Sign arbitrary header bytes (canonical or not) over PAE(header)."""
    return Built(op_id(header), header, sk.sign(pae(header)), author or public(sk), body, fields or {})


def make_op(sk, *, seq, prev, time, ctr=0, deps=(), body=None, text=None, kind="note",
            net=NETWORK, v=1, serialise=rfc8785.dumps, **extra) -> Built:
    """Build and sign a §2.1 header; `extra` overrides or adds members."""
    if text is not None:
        body = note_body(text)
    fields = {"author": b64u_encode(public(sk)), "bodyHash": hashlib.sha256(body or b"").hexdigest(),
              "ctr": ctr, "deps": sorted(deps), "kind": kind, "net": net, "prev": prev,
              "seq": seq, "time": time, "v": v}
    fields.update(extra)
    return sign_header(sk, serialise(fields), body, fields)


class Chain:
    """One author's chain: seq and prev are filled in (§2.1), and with
    `skips` the skip link a writer adds from seq 3 on."""

    def __init__(self, label: str, skips: bool = False):
        self.sk, self.seq, self.last, self.skips, self.ids = secret(label), 0, None, skips, []

    def next(self, **kw) -> Built:
        from shenguan_ops import skip_seq
        t = skip_seq(self.seq + 1)
        if self.skips and t is not None and "skip" not in kw:
            kw["skip"] = self.ids[t - 1]
        op = make_op(self.sk, seq=self.seq + 1, prev=self.last, **kw)
        self.seq, self.last = self.seq + 1, op.id
        self.ids.append(op.id)
        return op

    def fork(self, seq: int, prev: str | None, **kw) -> Built:
        """An operation at an explicit position (for equivocations and broken chains)."""
        return make_op(self.sk, seq=seq, prev=prev, **kw)


def export(lines, network=NETWORK, count=None, extra_header=None) -> bytes:
    """§3: file header line, then one envelope per line, each followed by \\n."""
    lines = [ln.line() if isinstance(ln, Built) else ln for ln in lines]
    head = {"count": len(lines) if count is None else count, "format": "shenguan-export/1",
            "network": network, **(extra_header or {})}
    return b"".join(x + b"\n" for x in [rfc8785.dumps(head)] + lines)


def basic():
    """Alice: 3 ops, Bob: 2 ops, with deps; returns (alice, bob, [A1, B1, A2, B2, A3])."""
    alice, bob = Chain("alice"), Chain("bob")
    a1 = alice.next(time=1000, text="alice one")
    b1 = bob.next(time=1500, text="bob one")
    a2 = alice.next(time=2000, deps=[b1.id], text="alice two")
    b2 = bob.next(time=3000, deps=[a1.id, a2.id], text="bob two")
    a3 = alice.next(time=4000, ctr=0, deps=[b2.id], text="alice three")
    return alice, bob, [a1, b1, a2, b2, a3]


def _edit(op: Built, header=None, sig=None, body=None) -> bytes:
    return Built(op.id, header or op.header, sig or op.sig, op.author,
                 op.body if body is None else body, op.fields).line()


def _flip(b: bytes, i: int) -> bytes:
    return b[:i] + bytes([b[i] ^ 0x01]) + b[i + 1:]


def variants() -> dict:
    """name -> (export bytes, expected). A2 (line 4) is the tampered op unless appended."""
    alice, bob, ops = basic()
    a1, b1, a2, b2, a3 = ops
    good = [op.line() for op in ops]

    def replace_a2(new) -> bytes:
        return export(good[:2] + [new.line() if isinstance(new, Built) else new] + good[3:])

    a2_args = dict(time=2000, deps=[b1.id])
    resign = lambda header, body=a2.body: sign_header(alice.sk, header, body)  # noqa: E731
    a2_reversed = json.dumps(dict(reversed(list(a2.fields.items()))), separators=(",", ":"),
                             ensure_ascii=False).encode()
    float_body = b'{"n":1.5,"text":"x"}'
    out = {
        "header_flip": (replace_a2(_edit(a2, header=_flip(a2.header, 20))), "op.bad_signature"),
        "sig_flip": (replace_a2(_edit(a2, sig=_flip(a2.sig, 0))), "op.bad_signature"),
        "body_changed": (replace_a2(_edit(a2, body=note_body("alice twp"))), "op.body_mismatch"),
        "header_space": (replace_a2(resign(a2.header.replace(b'":', b'": ', 1))), "op.not_canonical"),
        "header_key_order": (replace_a2(resign(a2_reversed)), "op.not_canonical"),
        "body_float": (replace_a2(alice.fork(2, a1.id, body=float_body, **a2_args)), "op.not_canonical"),
        "wrong_network": (replace_a2(alice.fork(2, a1.id, text="x", net=OTHER_NETWORK, **a2_args)),
                          "op.wrong_network"),
        "version_2": (replace_a2(alice.fork(2, a1.id, text="x", v=2, **a2_args)), "op.unsupported_version"),
        "author_mismatch": (replace_a2(sign_header(bob.sk, a2.header, a2.body)), "op.author_mismatch"),
        "unknown_kind": (replace_a2(alice.fork(2, a1.id, text="x", kind="roster.add", **a2_args)),
                         "op.unknown_kind"),
        "empty_note": (replace_a2(alice.fork(2, a1.id, text="", **a2_args)), "op.invalid_body"),
        "seq1_with_prev": (replace_a2(alice.fork(1, a1.id, text="x", **a2_args)), "op.malformed"),
        "deps_unsorted": (replace_a2(alice.fork(2, a1.id, text="x", time=2000,
                                                deps=[b1.id, "0" * 64], serialise=_unsorted_deps)),
                          "op.malformed"),
        "padded_b64": (replace_a2(a2.line().replace(b'","header"', b'=","header"')), "op.malformed"),
        "body_too_large": (replace_a2(_edit(a2, body=b"x" * 262145)), "op.too_large"),
    }
    expected = {k: (v, {"line": 4, "code": c}) for k, (v, c) in out.items()}
    appended = {
        "prev_other_author": (bob.fork(3, a2.id, time=5000, text="x"), "op.chain_broken"),
        "dep_same_author": (bob.fork(3, b2.id, time=5000, deps=[b1.id], text="x"), "op.chain_broken"),
        "clock_not_after_prev": (alice.fork(4, a3.id, time=4000, ctr=0, text="x"), "op.clock_regression"),
        "clock_not_after_dep": (bob.fork(3, b2.id, time=4000, ctr=0, deps=[a3.id], text="x"),
                                "op.clock_regression"),
    }
    for k, (op, c) in appended.items():
        expected[k] = (export(good + [op.line()]), {"line": 7, "code": c})
    fork = alice.fork(3, a2.id, time=4500, deps=[b2.id], text="alice three, again")
    expected["equivocation"] = (export(good + [fork.line()]), {"equivocations": 1})
    return expected


def _unsorted_deps(fields: dict) -> bytes:
    fields = dict(fields, deps=sorted(fields["deps"], reverse=True))
    return rfc8785.dumps(fields)


def main(argv) -> int:
    if len(argv) != 2:
        print("usage: make_fixtures.py OUTDIR", file=sys.stderr)
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    _, _, ops = basic()
    (out / "good.jsonl").write_bytes(export(ops))
    expected = {"good": {"ok": len(ops)}}
    for name, (data, exp) in variants().items():
        (out / f"{name}.jsonl").write_bytes(data)
        expected[name] = exp
    (out / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(expected)} export files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
