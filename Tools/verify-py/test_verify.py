"""Tests of the independent verifier for Sync/PROTOCOL.md version 1.

Covers §1 (strict canonical reader, RFC 8785 sample), §2.2-§2.3 (PAE, ids),
§2.5 steps 1-13 through tampered export files (§3) built by make_fixtures.py,
equivocations, external refs, duplicates, and the CLI output formats.
Run: python3 -m pytest Tools/verify-py -q
"""

import json
import random
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import rfc8785

import make_fixtures as fx
from canonical_json import CanonicalError, read_canonical
from shenguan_ops import Rejection, check_op, pae
from shenguan_verify import verify_export

HERE = Path(__file__).resolve().parent
CLI = [sys.executable, str(HERE / "shenguan_verify.py")]


class CanonicalJSON(unittest.TestCase):  # §1
    def test_rfc8785_sample_strings_and_literals(self):
        # RFC 8785 §3.2.2 sample input without its "numbers" member (floats are refused by §1).
        given = '{\n  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}'
        want = '{"literals":[null,true,false],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'.encode()
        self.assertEqual(rfc8785.dumps(json.loads(given)), want)
        self.assertEqual(read_canonical(want), {"literals": [None, True, False], "string": "€$\x0f\nA'B\"\\\\\"/"})
        with self.assertRaises(CanonicalError):
            read_canonical(given.encode())
        with self.assertRaises(CanonicalError):  # the full sample has floats
            read_canonical(b'{"literals":[null,true,false],"numbers":[4.5],"string":"x"}')

    def test_accepts(self):
        for ok in [b'0', b'-1', b'9007199254740991', b'-9007199254740991', b'"\x7f"', b'"\\u001f"',
                   b'"e\xcc\x81"', b'"\xed\x95\x98\xe1\x86\xab"',  # text as typed: no NFC (§1 rule 4)
                   b'{"":[],"a":{}}', b'"\\b\\t\\n\\f\\r\\"\\\\"', b'"\xc3\xa9"', b'[true,false,null]']:
            read_canonical(ok)

    def test_refuses(self):
        for bad in [b'{"a":1,"a":1}', b'-0', b'1.0', b'1e2', b'1E2', b'9007199254740992',
                    b'-9007199254740992', b'"\\ud800"', b'"\\udc00"', b'"\\ud800\\u0041"', b'"\xff"',
                    b'"\xed\xa0\x80"', b'{"e\xcc\x81":1}', b'{"\xc3\xa9":1}',
                    b'{"\xf0\x9f\x98\x80":1,"\xef\xbd\xa1":2}', b'1' * 5000, b'\xef\xbb\xbf1', b'[1, 2]',
                    b' 1', b'1\n', b'{"b":1,"a":2}', b'{"\xef\xbd\xa1":2,"\xf0\x9f\x98\x80":1}',
                    b'"\\u0041"', b'"\\/"', b'"\\u001F"', b'"\x01"', b'01', b'"\\u007f"', b'', b'[1,]',
                    b'NaN', b'True', b'"a"x']:
            with self.subTest(bad=bad), self.assertRaises(CanonicalError):
                read_canonical(bad)

    def test_jcs_cli_agrees_on_random_documents(self):
        rnd = random.Random(8785)
        alphabet = ["a", "Z", "é", "€", "\x00", "\x1f", "\x7f", '"', "\\", "/", "😀", "｡", "\n", "中"]

        def gen(depth=0):
            k = rnd.randrange(7 if depth < 3 else 4)
            if k == 0:
                return rnd.randint(-2**53 + 1, 2**53 - 1)
            if k == 1:
                return "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(6)))
            if k in (2, 3):
                return rnd.choice([None, True, False, 0])
            if k in (4, 5):
                return {gen_s(): gen(depth + 1) for _ in range(rnd.randrange(4))}
            return [gen(depth + 1) for _ in range(rnd.randrange(4))]

        names = ["a", "Z", "\x00", "\x1f", "\x7f", '"', "\\", "/", "\n"]  # §1 rule 3: ASCII names
        gen_s = lambda: "".join(rnd.choice(names) for _ in range(rnd.randrange(4)))  # noqa: E731
        docs = [rfc8785.dumps(gen()) for _ in range(300)]
        with tempfile.TemporaryDirectory() as d:
            f = Path(d, "docs.jsonl")
            f.write_bytes(b"".join(x + b"\n" for x in docs))
            r = subprocess.run(CLI + ["jcs", str(f)], capture_output=True, text=True)
            self.assertEqual((r.returncode, r.stdout), (0, "jcs: 300 lines agree\n"))
            f.write_bytes(b'{"a":1}\n{"b": 2}\n')
            r = subprocess.run(CLI + ["jcs", str(f)], capture_output=True, text=True)
            self.assertEqual(r.returncode, 1)
            self.assertIn("line 2:", r.stdout)


class Operations(unittest.TestCase):  # §2.2, §2.3, §2.5
    def test_pae_prefix(self):
        self.assertEqual(pae(b"{}")[:47], b"SHENGUANv1 32 application/vnd.shenguan.op+json ")
        self.assertEqual(pae(b"{}"), b"SHENGUANv1 32 application/vnd.shenguan.op+json 2 {}")

    def test_good_export(self):
        _, _, ops = fx.basic()
        rep = verify_export(fx.export(ops))
        self.assertEqual((rep.ok, rep.rejected, rep.equivocations, rep.external), (5, [], [], []))
        self.assertEqual(rep.ids, [op.id for op in ops])
        self.assertEqual(rep.exit_code, 0)

    def test_tampered_variants(self):
        for name, (data, want) in fx.variants().items():
            with self.subTest(name=name):
                rep = verify_export(data)
                if "equivocations" in want:
                    self.assertEqual((rep.rejected, len(rep.equivocations)), ([], want["equivocations"]))
                    self.assertEqual(rep.equivocations[0]["seq"], 3)
                    continue
                got = [(r["line"], r["code"]) for r in rep.rejected]
                self.assertEqual(got, [(want["line"], want["code"])], rep.rejected)
                self.assertEqual(rep.exit_code, 1)

    def test_segment_has_external_refs(self):
        _, _, (a1, b1, a2, b2, a3) = fx.basic()
        rep = verify_export(fx.export([a2, b2, a3]))
        self.assertEqual((rep.ok, rep.rejected), (3, []))
        self.assertEqual(rep.external, sorted([a1.id, b1.id]))

    def test_duplicate_is_harmless(self):
        _, _, ops = fx.basic()
        rep = verify_export(fx.export(ops + [ops[1]]))
        self.assertEqual((rep.ok, rep.rejected, rep.duplicates), (5, [], [{"line": 7, "id": ops[1].id}]))

    def test_wrong_order_is_a_warning(self):
        _, _, (a1, b1, a2, b2, a3) = fx.basic()
        rep = verify_export(fx.export([a1, a2, b1, b2, a3]))
        self.assertEqual((rep.ok, rep.rejected, rep.external), (5, [], [b1.id]))
        self.assertEqual([w["code"] for w in rep.warnings], ["file.not_causal"])

    def test_file_level_problems(self):
        _, _, ops = fx.basic()
        good = fx.export(ops)
        for data, code in [(fx.export(ops, count=4), "file.count_mismatch"),
                           (good[:-1], "file.no_final_newline"),
                           (good.replace(b"shenguan-export/1", b"shenguan-export/2"), "file.bad_header"),
                           (b"", "file.bad_header")]:
            with self.subTest(code=code):
                rep = verify_export(data)
                self.assertIn(code, [p["code"] for p in rep.file_problems])
                self.assertEqual(rep.exit_code, 1)
        rep = verify_export(good, network=fx.OTHER_NETWORK)
        self.assertEqual(len(rep.rejected), 5)
        self.assertEqual({r["code"] for r in rep.rejected}, {"op.wrong_network"})

    def test_header_shape_boundaries(self):  # §2.1 via §2.5 steps 2, 5
        sk, up = fx.secret("dave"), "A" * 64
        cases = [(dict(ctr=2**31), None), (dict(ctr=2**31 + 1), "op.malformed"),
                 (dict(ctr=-1), "op.malformed"), (dict(time=-1), "op.malformed"),
                 (dict(kind="note\n"), "op.malformed"), (dict(kind="Note"), "op.malformed"),
                 (dict(extra=1), "op.malformed"), (dict(seq=True), "op.malformed"),
                 (dict(net=fx.NETWORK.upper()), "op.malformed"), (dict(deps=[up]), "op.malformed"),
                 (dict(deps=["a" * 64] * 2), "op.malformed"), (dict(v="1"), "op.malformed"),
                 (dict(pad="x" * 8192), "op.too_large")]
        for over, code in cases:
            with self.subTest(over=over):
                kw = dict(seq=1, prev=None, time=5, text="hi")
                kw.update(over)
                op = fx.make_op(sk, **kw)
                try:
                    check_op(op.line(), fx.NETWORK)
                    got = None
                except Rejection as rej:
                    got = rej.code
                self.assertEqual(got, code)

    def test_erased_body_still_verifies(self):  # §2.3, §2.6
        op = fx.make_op(fx.secret("carol"), seq=1, prev=None, time=1, text="gone")
        op.body = None
        self.assertEqual(check_op(op.line(), fx.NETWORK).id, op.id)


class CommandLine(unittest.TestCase):
    def run_cli(self, *args):
        return subprocess.run(CLI + list(args), capture_output=True, text=True)

    def test_export_text_and_json(self):
        with tempfile.TemporaryDirectory() as d:
            data, _ = fx.variants()["prev_other_author"]
            f = Path(d, "x.jsonl")
            f.write_bytes(data)
            r = self.run_cli("export", str(f))
            self.assertEqual(r.returncode, 1)
            lines = r.stdout.splitlines()
            self.assertRegex(lines[0], r"^REJECT line=7 id=[0-9a-f]{64} code=op\.chain_broken \S.*$")
            self.assertEqual(lines[-1], "verify-py: 5 ok, 1 rejected, 0 equivocations, 0 external refs")
            r = self.run_cli("export", str(f), "--json")
            rep = json.loads(r.stdout)
            self.assertEqual((rep["ok"], len(rep["ids"]), rep["rejected"][0]["code"]), (5, 5, "op.chain_broken"))
            f.write_bytes(fx.export(fx.basic()[2]))
            self.assertEqual(self.run_cli("export", str(f)).returncode, 0)

    def test_usage_and_unreadable(self):
        self.assertEqual(self.run_cli("export", "/nonexistent/file").returncode, 2)
        self.assertEqual(self.run_cli("frobnicate").returncode, 2)
        self.assertEqual(self.run_cli().returncode, 2)

    def test_pae(self):
        with tempfile.TemporaryDirectory() as d:
            f = Path(d, "h.json")
            f.write_bytes(b"{}\n")
            r = self.run_cli("pae", str(f))
            self.assertEqual(r.returncode, 0)
            self.assertIn("pae: " + pae(b"{}").hex(), r.stdout)
            self.assertTrue(re.search(r"^id: [0-9a-f]{64}$", r.stdout, re.M))


class Workflow(unittest.TestCase):  # §4.1
    APPROVAL = {"item": {"code": "370100-001", "name": "食品经营许可"}, "powerType": "行政许可",
                "applicant": {"name": "某公司", "creditCode": "91371500MA3C4XYW1A", "contact": "0635-1"},
                "licenceNo": "JY1", "decisionDate": "2026-09-30", "commitment": False}

    def test_credit_code_check_character(self):
        from shenguan_workflow import credit_code_problem
        for good in ("91350100M000100Y43", "91110000802100433B", "91371500MA3C4XYW1A"):
            self.assertIsNone(credit_code_problem(good), good)
        self.assertIn("should be A", credit_code_problem("91371500MA3C4XYW10"))
        self.assertIn("alphabet", credit_code_problem("91371500MA3C4XYW1I"))

    def test_schemas_accept_and_refuse(self):
        from shenguan_workflow import check_workflow
        check_workflow("approval.issue", self.APPROVAL)
        bad = json.loads(json.dumps(self.APPROVAL))
        bad["applicant"]["creditCode"] = "91371500MA3C4XYW10"
        with self.assertRaises(Rejection) as e:
            check_workflow("approval.issue", bad)
        self.assertEqual(e.exception.code, "op.invalid_body")
        with self.assertRaises(Rejection):   # R1: a commitment item needs its letter
            check_workflow("approval.issue", dict(self.APPROVAL, commitment=True))
        with self.assertRaises(Rejection):   # R8: a penalty needs its subject
            check_workflow("supervision.record", {"category": "penalty", "decisionDate": "2026-10-12",
                                                  "publishedDate": "2026-10-12", "summary": "罚款"})
        with self.assertRaises(Rejection):
            check_workflow("inquiry", {"to": "market", "subject": "s", "question": "q", "workingDays": 0})
        check_workflow("claim", {"push": "a" * 64})


CONFORMANCE = HERE.parents[1] / "Tests" / "Conformance"


def ed25519_accepts(key: bytes, msg: bytes, sig: bytes) -> bool:
    """What step 3 of §2.5 decides: §2.2's prechecks, then OpenSSL's equation."""
    from ed25519_rules import verify
    return verify(key, sig, msg)


class RosterConformance(unittest.TestCase):  # §2.7, Tests/Conformance/roster.json
    def test_roster_changes(self):
        import copy
        from shenguan_bundle import Roster
        from shenguan_ops import Rejection
        doc = json.loads((CONFORMANCE / "roster.json").read_text())
        refused = 0
        for c in doc["cases"]:
            roster = Roster(copy.deepcopy(doc["genesis"]), doc["genesis"]["root"])
            *before, last = c["changes"]
            for ch in before:
                roster.apply(ch["kind"], ch["body"])
            try:
                roster.apply(last["kind"], last["body"])
                got = "accepted"
            except Rejection as rej:
                got = rej.code
            self.assertEqual(got, c["code"], c["comment"])
            refused += got != "accepted"
        self.assertGreaterEqual(refused, 10)
        for c in doc["genesisCases"]:
            try:
                Roster(copy.deepcopy(c["genesis"]), doc["genesis"]["root"])
                got = "accepted"
            except Rejection as rej:
                got = rej.code
            self.assertEqual(got, c["code"], c["comment"])


class LimitConformance(unittest.TestCase):  # §4.2 and its provisional rule, Tests/Conformance/limits.json
    def test_limits_and_the_provisional_rule(self):
        import datetime
        from shenguan_bundle import Calendar, rfc3339
        doc = json.loads((CONFORMANCE / "limits.json").read_text())
        cal = Calendar(doc["calendar"])
        provisional = 0
        for c in doc["cases"]:
            start = int(datetime.datetime.fromisoformat(c["from"].replace("Z", "+00:00")).timestamp() * 1000)
            limit, prov = cal.due_and_provisional(start, c["workingDays"])
            self.assertEqual((rfc3339(limit), prov), (c["limit"], c["provisional"]), c["comment"])
            provisional += prov
        self.assertGreaterEqual(provisional, 3)


class DrawConformance(unittest.TestCase):  # §4.5, Tests/Conformance/draws.json
    def test_commitments_seeds_and_selections(self):
        from shenguan_bundle import draw_commitment, draw_status
        doc = json.loads((CONFORMANCE / "draws.json").read_text())
        for c in doc["commitments"]:
            self.assertEqual(draw_commitment(c["request"], c["nonce"]), c["commitment"])
        statuses = set()
        for c in doc["cases"]:
            got = draw_status(c["request"], c["body"], [(x["id"], x["department"], None) for x in c["commits"]],
                              [(None, r["department"], r) for r in c["reveals"]])
            self.assertEqual(got, c["expected"], c["comment"])
            statuses.add(got["status"])
        self.assertEqual(statuses, {"drawn", "void", "awaiting_commits", "awaiting_reveals"})


class Ed25519Conformance(unittest.TestCase):  # §2.2, the corpus in Tests/Conformance
    def test_wycheproof_vectors(self):
        doc = json.loads((CONFORMANCE / "wycheproof-ed25519_test.json").read_text())
        n = 0
        for group in doc["testGroups"]:
            key = bytes.fromhex(group["publicKey"]["pk"])
            for t in group["tests"]:
                got = ed25519_accepts(key, bytes.fromhex(t["msg"]), bytes.fromhex(t["sig"]))
                self.assertEqual(got, t["result"] == "valid", f"tcId {t['tcId']}: {t['comment']}")
                n += 1
        self.assertEqual(n, doc["numberOfTests"])

    def test_generated_signatures_where_openssl_alone_disagrees(self):
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        cases = json.loads((CONFORMANCE / "ed25519-generated.json").read_text())["signatures"]
        disagreements = 0
        for c in cases:
            key, msg, sig = bytes.fromhex(c["key"]), bytes.fromhex(c["msg"]), bytes.fromhex(c["sig"])
            self.assertEqual(ed25519_accepts(key, msg, sig), c["valid"], c["comment"])
            try:
                Ed25519PublicKey.from_public_bytes(key).verify(sig, msg)
                openssl = True
            except (InvalidSignature, ValueError):
                openssl = False
            self.assertEqual(openssl, c["opensslAccepts"], c["comment"])
            disagreements += openssl != c["valid"]
        self.assertGreaterEqual(disagreements, 15)   # the cases are real: OpenSSL alone would accept them

    def test_canonical_json_corpus(self):  # §1
        from canonical_json import loads_untrusted
        cases = json.loads((CONFORMANCE / "canonical-json.json").read_text())["cases"]
        self.assertGreater(len(cases), 30)
        for c in cases:
            data = bytes.fromhex(c["hex"])
            for reader, want in ((loads_untrusted, c["unsigned"]), (read_canonical, c["canonical"])):
                try:
                    reader(data)
                    got = True
                except CanonicalError:
                    got = False
                self.assertEqual(got, want, f"{reader.__name__}: {c['comment']}")
            if c["canonical"]:
                self.assertEqual(rfc8785.dumps(read_canonical(data)), data, c["comment"])

    def test_operations_corpus(self):  # §2.5 steps 1-11
        doc = json.loads((CONFORMANCE / "operations.json").read_text())
        for c in doc["cases"]:
            try:
                check_op(bytes.fromhex(c["line"]), doc["network"])
                got = "accepted"
            except Rejection as rej:
                got = rej.code
            self.assertEqual(got, c["code"], c["comment"])

    def test_chains_corpus(self):  # §2.5 steps 12-13 with skip links (§2.1)
        doc = json.loads((CONFORMANCE / "chains.json").read_text())
        self.assertGreaterEqual(len(doc["cases"]), 7)
        for c in doc["cases"]:
            lines = [bytes.fromhex(doc["genesis"])] + [bytes.fromhex(x) for x in c["lines"]]
            rep = verify_export(fx.export(lines, network=doc["network"]), doc["network"])
            got = [(r["line"], r["code"]) for r in rep.rejected]
            want = [] if c["code"] == "accepted" else [(len(lines) + 1, c["code"])]
            self.assertEqual(got, want, c["comment"])
            self.assertEqual(rep.external, [], c["comment"])

    def test_skip_seq(self):  # §2.1 examples, and 1 <= skipSeq(s) <= s - 2
        from shenguan_ops import skip_seq
        self.assertEqual([skip_seq(s) for s in (1, 2, 3, 4, 7, 9, 12, 1000, 1001, 1025)],
                         [None, None, 1, 2, 5, 1, 2, 994, 993, 1])
        self.assertTrue(all(1 <= skip_seq(s) <= s - 2 for s in range(3, 20000)))

    def test_bundles_corpus(self):  # §8
        from shenguan_bundle import verify_bundle
        cases = [c for f in ("bundles.json", "bundles-mutated.json", "bundles-equivocation.json")
                 for c in json.loads((CONFORMANCE / f).read_text())["cases"]]
        self.assertGreaterEqual(len(cases), 20)
        for c in cases:
            r = verify_bundle(bytes.fromhex(c["hex"]))
            self.assertEqual(r["passed"], c["passed"], c["comment"])
            self.assertEqual((r["verdict"] or {}).get("status"), c["status"], c["comment"])
            if "forkSeq" in c:  # an equivocation bundle: the lowest forked seq (None: none)
                self.assertEqual(r["verdict"]["seq"], c["forkSeq"], c["comment"])

    def test_roster_keys(self):
        from ed25519_rules import is_strong_key
        for c in json.loads((CONFORMANCE / "ed25519-generated.json").read_text())["keys"]:
            self.assertEqual(is_strong_key(bytes.fromhex(c["key"])), c["strong"], c["comment"])


if __name__ == "__main__":
    unittest.main()
