import Foundation
import Testing
import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// Issue #6: evidence bundles checked by both verifiers (the standalone
/// Swift `shenguan-verify` and the independent Python one), including
/// tampered, truncated and cherry-picked bundles.
@Suite struct CLIEvidenceTests {
    /// Both verifiers on one bundle: (Swift passed, Swift verdict, Python passed, Python verdict).
    struct Outcome {
        let swiftPassed: Bool, pyPassed: Bool
        let swiftVerdict: [String: Any]?, pyVerdict: [String: Any]?
        let swiftIncomplete: [String], pyIncomplete: [String]
        let swiftExit: Int32, pyExit: Int32
        var status: String? { swiftVerdict?["status"] as? String }
    }

    static func check(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Outcome {
        let s = try Subprocess.run(Subprocess.shenguanVerify, ["--json", path])
        let p = try Subprocess.python("shenguan_verify.py", ["bundle", path, "--json"])
        let sj = s.stdout.isEmpty ? nil : try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as? [String: Any]
        let pj = p.stdout.isEmpty ? nil : try JSONSerialization.jsonObject(with: Data(p.stdout.utf8)) as? [String: Any]
        return Outcome(swiftPassed: sj?["passed"] as? Bool ?? false, pyPassed: pj?["passed"] as? Bool ?? false,
                       swiftVerdict: sj?["verdict"] as? [String: Any], pyVerdict: pj?["verdict"] as? [String: Any],
                       swiftIncomplete: sj?["incomplete"] as? [String] ?? [], pyIncomplete: pj?["incomplete"] as? [String] ?? [],
                       swiftExit: s.status, pyExit: p.status)
    }

    /// Both verifiers reach the same verdict (status, outcome, basis, limit).
    static func expectAgreement(_ o: Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
        for k in ["status", "outcome", "basis", "limit"] {
            #expect(o.swiftVerdict?[k] as? String == o.pyVerdict?[k] as? String, "\(k): swift \(String(describing: o.swiftVerdict?[k])) python \(String(describing: o.pyVerdict?[k]))", sourceLocation: sourceLocation)
        }
        #expect(o.swiftPassed == o.pyPassed, sourceLocation: sourceLocation)
    }

    /// Bundle ops with their decoded headers.
    static func ops(_ path: String) throws -> (bundle: [String: Any], headers: [[String: Any]]) {
        let b = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let ops = try #require(b["ops"] as? [[String: Any]])
        var headers = [[String: Any]]()
        for op in ops {
            let text = try #require(op["header"] as? String)
            let raw = try #require(B64U.decode(text))
            headers.append(try #require(try JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any]))
        }
        return (b, headers)
    }

    /// The bundle plus a claim of `push` signed by `cli`'s key (after its staff
    /// registration, which is added too), 15 minutes after the push was signed,
    /// and with `witnessedBy`, a witness of it 5 minutes later by that key,
    /// after its last operation in the bundle (so with a clock behind its `prev`).
    static func withForeignClaim(_ bundle: [String: Any], _ headers: [[String: Any]], of push: String, by cli: CLI,
                                 witnessedBy witness: CLI? = nil, dir: TempDir) throws -> [String: Any] {
        let key = try KeyFile.load(from: cli.home + "/replica.key", passphrase: testPassphrase)
        try cli.export(dir.file("foreign-author.jsonl"))
        var staff: (line: [String: Any], header: [String: Any])?
        for line in try String(contentsOfFile: dir.file("foreign-author.jsonl"), encoding: .utf8).split(separator: "\n") {
            guard let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let text = o["header"] as? String, let raw = B64U.decode(text),
                  let h = try JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any],
                  h["kind"] as? String == "staff.register", h["author"] as? String == key.publicKey.base64url else { continue }
            staff = (o, h)
        }
        let reg = try #require(staff)
        let ops = bundle["ops"] as! [[String: Any]]
        let at = try #require(ops.indices.first { i in
            B64U.decode(ops[i]["header"] as? String ?? "").map { SHA256.hash(Envelope.pae($0)).hex } == push })
        let pushHeader = headers[at]
        let regBytes = try #require(B64U.decode(reg.line["header"] as! String))
        let regID = SHA256.hash(Envelope.pae(regBytes))
        let claim = try OpSigner.sign(key: key, network: try #require(Digest(hex: pushHeader["net"] as! String)),
                                      seq: (reg.header["seq"] as! NSNumber).int64Value + 1, prev: regID,
                                      deps: [try #require(Digest(hex: push))],
                                      clock: HLC(time: (pushHeader["time"] as! NSNumber).int64Value + 900_000, ctr: 0), kind: "claim",
                                      body: .object(["push": .string(push), "staff": .string(regID.hex)]))
        let claimLine = try #require(try JSONSerialization.jsonObject(with: Data(CanonicalJSON.encode(claim.envelope.json))) as? [String: Any])
        var b = bundle
        b["ops"] = ops + [reg.line, claimLine]
        guard let witness else { return b }
        let wKey = try KeyFile.load(from: witness.home + "/replica.key", passphrase: testPassphrase)
        let last = try #require(headers.indices.filter { headers[$0]["author"] as? String == wKey.publicKey.base64url }
            .max { (headers[$0]["seq"] as! NSNumber).int64Value < (headers[$1]["seq"] as! NSNumber).int64Value })
        let seen = try OpSigner.sign(key: wKey, network: claim.header.net, seq: (headers[last]["seq"] as! NSNumber).int64Value + 1,
                                     prev: SHA256.hash(Envelope.pae(try #require(B64U.decode(ops[last]["header"] as! String)))),
                                     deps: [claim.id], clock: HLC(time: claim.header.clock.time + 300_000, ctr: 0), kind: "witness",
                                     body: WitnessOps.body(heads: [], declarations: []))
        b["ops"] = (b["ops"] as! [[String: Any]]) + [try #require(try JSONSerialization.jsonObject(with: Data(CanonicalJSON.encode(seen.envelope.json))) as? [String: Any])]
        return b
    }

    static func write(_ bundle: [String: Any], keeping keep: (Int) -> Bool, to path: String) throws {
        var b = bundle
        b["ops"] = (bundle["ops"] as! [[String: Any]]).enumerated().filter { keep($0.offset) }.map(\.element)
        try JSONSerialization.data(withJSONObject: b).write(to: URL(fileURLWithPath: path))
    }

    @Test func bothVerifiersAgreeOnACorpusIncludingTamperedTruncatedAndCherryPicked() throws {
        let dir = TempDir("evidence"); defer { dir.remove() }
        let wf = CLIWorkflowTests()
        let d = try wf.departments(dir)
        let out = try wf.object(try wf.approve(d, env: wf.at("2026-09-30T16:00:00")))
        let pushes = try #require(out["pushes"] as? [[String: Any]])
        let toMarket = try #require(pushes.first { $0["to"] as? String == "market" }?["id"] as? String)
        let toEcology = try #require(pushes.first { $0["to"] as? String == "ecology" }?["id"] as? String)
        try d.carry(d.bureau, d.market, witnessAt: "2026-09-30T17:00:00"); try d.carry(d.bureau, d.ecology, witnessAt: "2026-09-30T17:00:00")
        // Market claims and is witnessed at once; ecology claims on its own clock offline and is first seen after the grace.
        try d.market.ok(["claim", toMarket], env: wf.at("2026-10-08T09:00:00"))
        try d.carry(d.market, d.bureau, witnessAt: "2026-10-08T10:00:00")
        try d.ecology.ok(["claim", toEcology], env: wf.at("2026-10-09T15:00:00"))
        try d.carry(d.ecology, d.bureau, witnessAt: "2026-10-12T09:00:00")
        let at = wf.at("2026-10-12T12:00:00")
        try d.bureau.ok(["evidence", toMarket, "--out", dir.file("market.json")], env: at)
        try d.bureau.ok(["evidence", toEcology, "--out", dir.file("ecology.json")], env: at)

        let onTime = try Self.check(dir.file("market.json"))
        #expect(onTime.swiftPassed && onTime.status == "claimed_on_time")
        Self.expectAgreement(onTime)
        let late = try Self.check(dir.file("ecology.json"))
        #expect(late.swiftPassed && late.status == "claimed_late")
        #expect(late.swiftVerdict?["basis"] as? String == "straddle_late")
        Self.expectAgreement(late)
        // The report a clerk reads names the rule and the verdict, in both languages.
        let text = try CLI.raw(["verify", dir.file("ecology.json")]).stdout
        #expect(text.contains("结论 verdict (R2): claimed_late") && text.contains("通过 PASSED"))

        // Tampered: one signature byte changed → both fail.
        let (eco, headers) = try Self.ops(dir.file("ecology.json"))
        var tampered = eco
        var list = eco["ops"] as! [[String: Any]]
        var sig = Array((list[list.count - 1]["sig"] as! String).utf8)
        sig[5] = sig[5] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        list[list.count - 1]["sig"] = String(decoding: sig, as: UTF8.self)
        tampered["ops"] = list
        try JSONSerialization.data(withJSONObject: tampered).write(to: URL(fileURLWithPath: dir.file("tampered.json")))
        let t = try Self.check(dir.file("tampered.json"))
        #expect(!t.swiftPassed && !t.pyPassed && t.swiftExit == 1 && t.pyExit == 1)

        // Truncated: half the file → both refuse it.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.file("ecology.json")))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: dir.file("truncated.json")))
        let tr = try Self.check(dir.file("truncated.json"))
        #expect(tr.swiftExit == 1 && tr.pyExit == 1 && !tr.pyPassed)

        // Cherry-picked: the bureau's witness that proves the claim late is left out.
        let lateWitness = try #require(Fixtures.msCST("2026-10-12T09:00:00"))
        try Self.write(eco, keeping: { (headers[$0]["time"] as? Int64 ?? 0) < lateWitness }, to: dir.file("cherry.json"))
        let c = try Self.check(dir.file("cherry.json"))
        #expect(c.status != "claimed_on_time")
        #expect(c.swiftIncomplete.contains { $0.contains("no witness") } && c.pyIncomplete.contains { $0.contains("no witness") })
        Self.expectAgreement(c)

        // Cherry-picked the other way: the witness proving market on time is left out → verdict differs, both fail.
        let (mkt, mh) = try Self.ops(dir.file("market.json"))
        let early = try #require(Fixtures.msCST("2026-10-08T10:00:00"))
        try Self.write(mkt, keeping: { (mh[$0]["time"] as? Int64 ?? 0) != early }, to: dir.file("cherry2.json"))
        let c2 = try Self.check(dir.file("cherry2.json"))
        #expect(!c2.swiftPassed && !c2.pyPassed && c2.status != "claimed_on_time")
        Self.expectAgreement(c2)

        // The pushed record left out: it decides the limit (R2 or R7), so both fail; neither guesses.
        try Self.write(mkt, keeping: { mh[$0]["kind"] as? String != "approval.issue" }, to: dir.file("norecord.json"))
        let nr = try Self.check(dir.file("norecord.json"))
        #expect(!nr.swiftPassed && !nr.pyPassed && nr.swiftExit == 1 && nr.pyExit == 1)
        #expect(nr.swiftVerdict?["status"] == nil && nr.pyVerdict?["status"] == nil)
    }

    /// Issue 13 item 3: `network policy --profile linzi` in the middle of an
    /// item. Each push is judged under the policy in force at its own time
    /// (PROTOCOL.md §4.2): the replica, `shenguan-verify` and the Python
    /// verifier give one verdict for each, whether or not the pusher had
    /// received the change. Bundles missing what a replica would hold fail
    /// in both verifiers alike.
    @Test func aPolicyChangeMidItemGivesOneVerdictEverywhere() throws {
        let dir = TempDir("evidence-policy"); defer { dir.remove() }
        let wf = CLIWorkflowTests()
        let d = try wf.departments(dir)
        func marketPush(_ out: [String: Any]) throws -> String {
            let pushes = try #require(out["pushes"] as? [[String: Any]])
            return try #require(pushes.first { $0["to"] as? String == "market" }?["id"] as? String)
        }
        // 聊城 (claim: 2 working days). Friday 10-09 09:00: limit Monday 10-12 24:00 (Saturday 10-10 is worked).
        let before = try marketPush(try wf.object(try wf.approve(d, env: wf.at("2026-10-09T09:00:00"))))
        try d.carry(d.bureau, d.market, witnessAt: "2026-10-09T09:30:00")
        // 10:00 the oversight office switches to 临淄 (1 working day); the market hears of it, the bureau not yet.
        try d.net.oversight.ok(["network", "policy", "--profile", "linzi"], env: wf.at("2026-10-09T10:00:00"))
        try d.net.distributeRoster(to: [d.market])
        let after = try marketPush(try wf.object(try wf.approve(d, licence: "JY13715000002", env: wf.at("2026-10-09T11:00:00"))))
        try d.carry(d.bureau, d.market, witnessAt: "2026-10-09T11:30:00")
        // Sunday 10-11 10:00 the market claims both: inside 聊城's limit, past 临淄's (10-10 24:00).
        try d.market.ok(["claim", before], env: wf.at("2026-10-11T10:00:00"))
        try d.market.ok(["claim", after], env: wf.at("2026-10-11T10:00:01"))
        try d.carry(d.market, d.bureau, witnessAt: "2026-10-11T10:30:00")
        let judged = wf.at("2026-10-12T12:00:00")
        for (id, want) in [(before, "claimed_on_time"), (after, "claimed_late")] {
            let st = try #require(try d.bureau.json(["status", id, "--json"], env: judged) as? [String: Any])
            #expect(String(describing: st).contains(want), "the replica: \(want)")
            let file = dir.file("\(want).json")
            try d.bureau.ok(["evidence", id, "--out", file], env: judged)
            let o = try Self.check(file)
            #expect(o.swiftPassed && o.pyPassed && o.status == want, "\(want): swift \(o.swiftPassed) python \(o.pyPassed) \(String(describing: o.status))")
            Self.expectAgreement(o)
        }
        let (late, lh) = try Self.ops(dir.file("claimed_late.json"))
        // The policy change left out of the bundle: judged on 聊城 the claim is on time, not what was exported: both fail.
        try Self.write(late, keeping: { lh[$0]["kind"] as? String != "roster.policy" }, to: dir.file("nopolicy.json"))
        let np = try Self.check(dir.file("nopolicy.json"))
        #expect(!np.swiftPassed && !np.pyPassed && np.status == "claimed_on_time")
        Self.expectAgreement(np)
        // A roster operation from the middle of the root chain left out: the chain is incomplete, both fail.
        let firstDept = try #require(lh.firstIndex { $0["kind"] as? String == "roster.department" })
        try Self.write(late, keeping: { $0 != firstDept }, to: dir.file("gap.json"))
        let gap = try Self.check(dir.file("gap.json"))
        #expect(!gap.swiftPassed && !gap.pyPassed && gap.swiftExit == 1 && gap.pyExit == 1)
        // The claim's staff registration left out: a replica never holds such a claim, so neither verifier counts it.
        let claimer = try #require(lh.first { $0["kind"] as? String == "claim" }?["author"] as? String)
        try Self.write(late, keeping: { !(lh[$0]["kind"] as? String == "staff.register" && lh[$0]["author"] as? String == claimer) },
                       to: dir.file("nostaff.json"))
        let ns = try Self.check(dir.file("nostaff.json"))
        #expect(!ns.swiftPassed && !ns.pyPassed && ns.status == "auto_claimed", "\(String(describing: ns.swiftVerdict)) \(String(describing: ns.pyVerdict))")
        Self.expectAgreement(ns)
        // Every staff registration left out: the record and the push name theirs too, so both verifiers fail with no verdict.
        try Self.write(late, keeping: { lh[$0]["kind"] as? String != "staff.register" }, to: dir.file("nostaffs.json"))
        let none = try Self.check(dir.file("nostaffs.json"))
        #expect(!none.swiftPassed && !none.pyPassed && none.swiftVerdict?["status"] == nil && none.pyVerdict?["status"] == nil)
        // A claim of the market's push by the ecology bureau, 15 minutes after the push, signed with ecology's
        // key outside any replica (every replica refuses it: not the addressee, §4.4), added with the staff
        // registration it names to the bundle whose market claim does not count: were it counted, the push
        // would be claimed; neither verifier counts it, so it stays auto-claimed.
        let (nsb, nsh) = try Self.ops(dir.file("nostaff.json"))
        try Self.write(try Self.withForeignClaim(nsb, nsh, of: after, by: d.ecology, dir: dir), keeping: { _ in true }, to: dir.file("foreign.json"))
        let foreign = try Self.check(dir.file("foreign.json"))
        #expect(!foreign.swiftPassed && !foreign.pyPassed && foreign.status == "auto_claimed",
                "\(String(describing: foreign.swiftVerdict)) \(String(describing: foreign.pyVerdict))")
        Self.expectAgreement(foreign)
        // The same claim witnessed by the bureau 5 minutes later, with its witness signed after the bureau's last
        // operation in the bundle (two days later): a clock running behind its `prev` (§2.5 step 13) fails the
        // bundle in both verifiers, with no verdict.
        try Self.write(try Self.withForeignClaim(late, lh, of: after, by: d.ecology, witnessedBy: d.bureau, dir: dir), keeping: { _ in true },
                       to: dir.file("regression.json"))
        let regression = try Self.check(dir.file("regression.json"))
        #expect(!regression.swiftPassed && !regression.pyPassed && regression.swiftExit == 1 && regression.pyExit == 1
                && regression.swiftVerdict?["status"] == nil && regression.pyVerdict?["status"] == nil,
                "\(String(describing: regression.swiftVerdict)) \(String(describing: regression.pyVerdict)) \(regression.swiftExit) \(regression.pyExit)")
        // `SHENGUAN_WRITE_BUNDLE_CORPUS=FILE` writes these bundles, with the outcome both verifiers agreed on,
        // as the conformance corpus `Tests/Conformance/bundles.json` (run once, then commit the file).
        if let out = ProcessInfo.processInfo.environment["SHENGUAN_WRITE_BUNDLE_CORPUS"] {
            let named = [("claimed_on_time", "a push written before the policy change, claimed inside 聊城's 2 working days: on time"),
                         ("claimed_late", "a push written after the change by a bureau that had not received it: 临淄's 1 day, late"),
                         ("nopolicy", "the late bundle without the roster.policy operation: recomputed on time, differs from the export"),
                         ("gap", "the late bundle without a roster operation from the middle of the root chain"),
                         ("nostaff", "the late bundle without the claimer's staff registration: the claim does not count"),
                         ("nostaffs", "the late bundle without any staff registration: record and push do not count"),
                         ("foreign", "the bundle without the market claim's staff, plus a claim by a department the push was not addressed to: not counted, auto-claimed"),
                         ("regression", "the late bundle plus a witness whose clock is behind its prev's (§2.5 step 13): fails, no verdict")]
            var cases = [[String: Any]]()
            for (name, comment) in named {
                let o = try Self.check(dir.file("\(name).json"))
                cases.append(["comment": comment, "hex": try Data(contentsOf: URL(fileURLWithPath: dir.file("\(name).json"))).map { String(format: "%02x", $0) }.joined(),
                              "passed": o.swiftPassed, "status": o.status ?? NSNull()])
            }
            let doc: [String: Any] = ["about": "Written by CLIEvidenceTests.aPolicyChangeMidItemGivesOneVerdictEverywhere (SHENGUAN_WRITE_BUNDLE_CORPUS); PROTOCOL.md §8: each evidence bundle (hex of the file) with whether it passes and the status recomputed from it (null: none), as both verifiers decide.",
                                      "cases": cases]
            try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: out))
        }
    }

    @Test func aForkedAuthorsEvidenceHoldsBothSignedOperations() throws {
        let dir = TempDir("evidence-fork"); defer { dir.remove() }
        let wf = CLIWorkflowTests()
        let d = try wf.departments(dir)
        // A copy of market's replica folder (key, database and seq guard) writes on its own: a fork.
        let copy = CLI(home: dir.file("M-copy"))
        try FileManager.default.copyItem(atPath: d.market.home, toPath: copy.home)
        let a = try d.market.note("正本", env: wf.at("2026-10-08T09:00:00"))
        _ = try copy.note("副本", env: wf.at("2026-10-08T09:01:00"))
        try d.carry(d.market, d.bureau); try d.carry(copy, d.bureau)
        try d.bureau.ok(["evidence", a, "--out", dir.file("fork.json")])
        let o = try Self.check(dir.file("fork.json"))
        #expect(o.swiftPassed && o.pyPassed)
        #expect(o.swiftVerdict?["fork"] as? Bool == true && o.pyVerdict?["fork"] as? Bool == true)
        #expect(try CLI.raw(["verify", dir.file("fork.json")]).stdout.contains("fork confirmed"))
    }
}
