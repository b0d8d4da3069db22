import Foundation
import Testing
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
