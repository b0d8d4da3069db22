"""Independent verifier for Sync/PROTOCOL.md version 1: export files (§3), CLI.

Written from the text of PROTOCOL.md alone, to cross-check the Swift code.
  §1         canonical JSON           -> canonical_json.py (strict reader + rfc8785)
  §2.2-§2.5  PAE, ids, steps 1-11, §4 -> shenguan_ops.py
  §3 + §2.5  export files, steps 12-13 against earlier operations in the file,
             external refs, equivocations, duplicates -> verify_export() here

CLI (exit 2 on usage errors or an unreadable file; FILE may be '-' for stdin):
  shenguan_verify.py export FILE [--json] [--network HEX]
      one line per rejected operation:
        REJECT line=<n> id=<id or -> code=<code> <sentence>
      file-level problems use the same form with code file.* (they make the exit 1
      but are not counted as rejected operations); then
        EQUIVOCATION author=<b64u> seq=<n> ids=<id>,<id>... lines=<n>,<n>...
        WARN line=<n> id=<id> code=file.not_causal|file.ref_rejected <sentence>
        verify-py: <A> ok, <R> rejected, <E> equivocations, <X> external refs
      exit 0 iff R == 0 and there is no file-level problem, else 1.
      --json prints one JSON object instead (summary line goes to stderr).
  shenguan_verify.py jcs FILE     each line must be canonical per §1 and equal
                                  rfc8785.dumps(json.loads(line)); "jcs: <n> lines agree"
  shenguan_verify.py pae HEADERFILE [--envelope]   hex of PAE(header) and the id
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field

import rfc8785

from canonical_json import CanonicalError, loads_untrusted, read_canonical, read_strict
from shenguan_ops import (EXPORT_FORMAT, Op, Rejection, no_dup_pairs, b64u_decode,
                          b64u_encode, check_op, op_id, pae)

__all__ = ["verify_export", "Report", "check_op", "pae", "op_id", "read_canonical", "main"]
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass
class Report:
    ok: int = 0
    rejected: list = field(default_factory=list)       # {"line","id","code","reason"}
    equivocations: list = field(default_factory=list)  # {"author","seq","ids","lines"}
    ids: list = field(default_factory=list)            # accepted ids, file order
    external: list = field(default_factory=list)       # ids named by accepted ops, not held
    duplicates: list = field(default_factory=list)     # {"line","id"}: already accepted above
    file_problems: list = field(default_factory=list)  # {"line","code","reason"}
    warnings: list = field(default_factory=list)       # {"line","id","code","reason"}
    header_valid: bool = True

    def as_json(self) -> dict:
        return {k: getattr(self, k) for k in ("ok", "rejected", "equivocations", "ids", "external",
                                               "duplicates", "file_problems", "warnings", "header_valid")}

    def summary(self) -> str:
        return (f"verify-py: {self.ok} ok, {len(self.rejected)} rejected, "
                f"{len(self.equivocations)} equivocations, {len(self.external)} external refs")

    @property
    def exit_code(self) -> int:
        return 0 if self.header_valid and not self.rejected and not self.file_problems else 1


def _read_file_header(line: bytes, rep: Report):
    """§3 line 1. Returns (count or None, network or None); records file.bad_header."""
    def bad(why):
        rep.file_problems.append({"line": 1, "code": "file.bad_header", "reason": why})
        rep.header_valid = False
    try:
        h = loads_untrusted(line)
    except ValueError as exc:
        bad(f"file header is not a JSON object: {exc}")
        return None, None
    if not isinstance(h, dict):
        bad("file header is not a JSON object")
        return None, None
    if h.get("format") != EXPORT_FORMAT:
        bad(f"file header format is not {EXPORT_FORMAT!r}")
    count = h.get("count")
    if type(count) is not int or count < 0:
        bad("file header count is not a non-negative integer")
        count = None
    net = h.get("network")
    if not isinstance(net, str) or not _HEX64.fullmatch(net):
        bad("file header network is not 64 lowercase hex digits")
        net = None
    return count, net


def check_against_held(op: Op, held: dict) -> list:
    """§2.5 steps 12-13 against the held operations; returns the refs not held."""
    refs = op.parents
    for name, ref, seq in op.chain_links:                                     # step 12
        p = held.get(ref)
        if p is not None and (p.author != op.author or p.seq != seq):
            raise Rejection("op.chain_broken", f"{name} {p.id} (line {p.line}) is not this author's "
                            f"operation with seq {seq}")
    for d in op.deps:  # §2.1: deps are operations of *other* authors
        if d in held and held[d].author == op.author:
            raise Rejection("op.chain_broken", f"deps names {d} (line {held[d].line}), "
                            "an operation of the same author")
    for r in refs:                                                            # step 13
        if r in held and not op.clock > held[r].clock:
            raise Rejection("op.clock_regression", f"clock (time, ctr) = {op.clock} is not after "
                            f"{held[r].clock} of {r} (line {held[r].line})")
    return [r for r in refs if r not in held]


def verify_export(data: bytes, network: str | None = None) -> Report:
    """§3: steps 1-11 against the network, 12-13 against earlier accepted operations."""
    rep = Report()
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    elif data:
        rep.file_problems.append({"line": len(lines), "code": "file.no_final_newline",
                                  "reason": "the last line is not followed by \\n"})
    if not lines:
        rep.header_valid = False
        rep.file_problems.append({"line": 1, "code": "file.bad_header", "reason": "the file is empty"})
        return rep
    count, file_net = _read_file_header(lines[0], rep)
    if count is not None and count != len(lines) - 1:
        rep.file_problems.append({"line": 1, "code": "file.count_mismatch",
                                  "reason": f"header count {count} but {len(lines) - 1} operation lines"})
    if network is not None and file_net is not None and file_net != network:
        rep.file_problems.append({"line": 1, "code": "file.wrong_network",
                                  "reason": f"file network {file_net} is not {network}"})
    net = network or file_net
    if net is None:
        return rep

    held: dict[str, Op] = {}
    line_of: dict[str, int] = {}  # first line of every id computed, accepted or not
    unheld_refs = []              # (line, id, ref) named by accepted ops but not held then
    external: set[str] = set()
    for n, raw in enumerate(lines[1:], start=2):
        try:
            op = check_op(raw, net, n)                       # steps 1-11
        except Rejection as rej:
            if rej.op_id:
                line_of.setdefault(rej.op_id, n)
            rep.rejected.append({"line": n, "id": rej.op_id, "code": rej.code, "reason": rej.reason})
            continue
        line_of.setdefault(op.id, n)
        if op.id in held:                                    # §2.5 "duplicate"
            rep.duplicates.append({"line": n, "id": op.id})
            continue
        try:
            missing = check_against_held(op, held)           # steps 12-13
        except Rejection as rej:
            rep.rejected.append({"line": n, "id": op.id, "code": rej.code, "reason": rej.reason})
            continue
        held[op.id] = op
        rep.ids.append(op.id)
        unheld_refs += [(n, op.id, r) for r in missing]
        external.update(missing)
    rep.ok = len(rep.ids)
    rep.external = sorted(external)

    for n, oid, ref in unheld_refs:
        m = held[ref].line if ref in held else line_of.get(ref)
        if m is not None and m > n:
            rep.warnings.append({"line": n, "id": oid, "code": "file.not_causal",
                                 "reason": f"names {ref}, which comes later (line {m}); counted as external"})
        elif m is not None:
            rep.warnings.append({"line": n, "id": oid, "code": "file.ref_rejected",
                                 "reason": f"names {ref}, rejected at line {m}; counted as external"})

    groups = defaultdict(list)                               # §2.5 "equivocation"
    for oid in rep.ids:
        groups[(held[oid].author, held[oid].seq)].append(held[oid])
    for (author, seq), ops in sorted(groups.items(), key=lambda kv: (b64u_encode(kv[0][0]), kv[0][1])):
        if len(ops) > 1:
            rep.equivocations.append({"author": b64u_encode(author), "seq": seq,
                                      "ids": sorted(o.id for o in ops),
                                      "lines": sorted(o.line for o in ops)})
    return rep


def _print_report(rep: Report) -> None:
    problems = sorted([dict(p, id=None) for p in rep.file_problems] + rep.rejected,
                      key=lambda p: p["line"])
    for p in problems:
        print(f"REJECT line={p['line']} id={p['id'] or '-'} code={p['code']} {p['reason']}")
    for e in rep.equivocations:
        print(f"EQUIVOCATION author={e['author']} seq={e['seq']} ids={','.join(e['ids'])} "
              f"lines={','.join(map(str, e['lines']))}")
    for w in rep.warnings:
        print(f"WARN line={w['line']} id={w['id']} code={w['code']} {w['reason']}")
    print(rep.summary())


def cmd_jcs(data: bytes) -> int:
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    bad = 0
    for n, line in enumerate(lines, start=1):
        try:
            read_strict(line)
            ours = rfc8785.dumps(json.loads(line.decode("utf-8")))
        except (CanonicalError, ValueError) as exc:  # rfc8785 errors are ValueErrors too
            bad += 1
            print(f"line {n}: refused: {exc}\n  given:     {line!r}")
            continue
        if ours != line:
            bad += 1
            print(f"line {n}: differs\n  given:     {line!r}\n  canonical: {ours!r}")
    if bad or not lines:
        print(f"jcs: {bad} of {len(lines)} lines disagree" if lines else "jcs: no lines")
        return 1
    print(f"jcs: {len(lines)} lines agree")
    return 0


def cmd_pae(data: bytes, envelope: bool) -> int:
    if envelope:
        header = b64u_decode(json.loads(data.decode("utf-8"))["header"])
    else:
        header = data[:-1] if data.endswith(b"\n") else data  # canonical JSON never ends in \n
    try:
        read_canonical(header)
        canon = "yes"
    except CanonicalError as exc:
        canon = f"no ({exc})"
    print(f"header-len: {len(header)}\ncanonical: {canon}\npae: {pae(header).hex()}\nid: {op_id(header)}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="shenguan_verify.py",
                                 description="Independent verifier for Sync/PROTOCOL.md version 1.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("export", help="verify an export file (§3)")
    e.add_argument("file")
    e.add_argument("--json", action="store_true", help="print a JSON report on stdout")
    e.add_argument("--network", help="receiver's network id (default: the file header's)")
    j = sub.add_parser("jcs", help="check that every line is canonical JSON (§1)")
    j.add_argument("file")
    bd = sub.add_parser("bundle", help="verify an evidence bundle and reproduce its verdict (§8)")
    bd.add_argument("file")
    bd.add_argument("--json", action="store_true", help="print a JSON report on stdout")
    p = sub.add_parser("pae", help="print PAE(header) in hex and the operation id")
    p.add_argument("file")
    p.add_argument("--envelope", action="store_true", help="FILE holds an envelope, not a header")
    args = ap.parse_args(argv)
    if getattr(args, "network", None) is not None and not _HEX64.fullmatch(args.network):
        ap.error("--network must be 64 lowercase hex digits")
    try:
        if args.file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(args.file, "rb") as f:
                data = f.read()
    except OSError as exc:
        print(f"verify-py: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    if args.cmd == "jcs":
        return cmd_jcs(data)
    if args.cmd == "bundle":
        from shenguan_bundle import verify_bundle
        rep = verify_bundle(data)
        if args.json:
            json.dump(rep, sys.stdout, ensure_ascii=False)
        else:
            print(f"verify-py bundle: {'PASSED' if rep['passed'] else 'FAILED'} verdict {rep['verdict']}")
            for f in rep["failures"]:
                print(f"  failure: {f}")
            for i in rep["incomplete"]:
                print(f"  evidence incomplete: {i}")
        return 0 if rep["passed"] else 1
    if args.cmd == "pae":
        try:
            return cmd_pae(data, args.envelope)
        except (ValueError, KeyError, TypeError) as exc:
            print(f"verify-py: cannot read an envelope header: {exc}", file=sys.stderr)
            return 2
    rep = verify_export(data, args.network)
    if args.json:
        json.dump(rep.as_json(), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        print(rep.summary(), file=sys.stderr)
    else:
        _print_report(rep)
    return rep.exit_code


if __name__ == "__main__":
    sys.exit(main())
