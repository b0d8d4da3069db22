import Foundation
import Testing
import ShenguanTestSupport

/// Erasure end to end (issue 18, PROTOCOL.md §2.6), three replicas in
/// separate processes: the bureau erases a scan of the applicant's identity
/// card; the erasure reaches market by file and ecology through market; the
/// body is gone on all three and an old export does not bring it back; the
/// push still verifies with both verifiers and the three states agree.
@Suite struct CLIErasureTests {
    let wf = CLIWorkflowTests()

    @Test func anErasedScanIsGoneOnThreeReplicasAndEverythingStillVerifies() throws {
        let dir = TempDir("cli-erase"); defer { dir.remove() }
        let d = try wf.departments(dir)
        let scan = dir.file("身份证.jpg")
        try Data("JFIF 张三 370102199001011234".utf8).write(to: URL(fileURLWithPath: scan))
        let approved = try wf.object(try d.bureau.run(["approve", "--item-code", "370100-001", "--item-name", "食品经营许可", "--applicant", "聊城市鲁西餐饮有限公司",
                                                       "--credit-code", CLIWorkflowTests.code, "--contact", "0635-1234567", "--licence", "JY1",
                                                       "--push-to", "market", "--attach", scan, "--json"], env: wf.at("2026-09-30T16:00:00")))
        let approval = try #require(approved["approval"] as? String)
        let push = try #require((approved["pushes"] as? [[String: Any]])?.first?["id"] as? String)
        let shown = try #require(try d.bureau.json(["show", approval]) as? [String: Any])
        let att = try #require(((shown["body"] as? [String: Any])?["attachments"] as? [[String: Any]])?.first?["op"] as? String)
        try d.carry(d.bureau, d.market, witnessAt: "2026-09-30T17:00:00")
        try d.carry(d.market, d.ecology)
        for cli in [d.market, d.ecology] { #expect((try cli.json(["show", att]) as? [String: Any])?["body"] is [String: Any]) }
        let before = dir.file("before-erasure.jsonl")
        _ = try d.bureau.export(before)

        // Only the bureau (or the oversight office) erases its scan; an approval's body cannot be erased.
        expectError(try d.market.run(["erase", att, "--reason", "x"], env: wf.at("2026-10-08T09:00:00")), "workflow.not_addressee")
        expectError(try d.bureau.run(["erase", approval, "--reason", "x"], env: wf.at("2026-10-08T09:00:00")), "erase.not_erasable")
        let erased = try d.bureau.ok(["erase", att, "--reason", "申请人身份证件，办结后依法删除"], env: wf.at("2026-10-08T09:00:00"))
        #expect(erased.contains("signature still verifies"), "\(erased)")
        try d.carry(d.bureau, d.market)
        try d.carry(d.market, d.ecology)
        // The old export, body included, brings nothing back.
        _ = try d.ecology.importFile(before)
        for cli in [d.bureau, d.market, d.ecology] {
            let op = try #require(try cli.json(["show", att]) as? [String: Any])
            #expect(op["body"] is NSNull, "the scan's body is gone")
            #expect(try cli.ok(["state", "--check"]).contains("consistent"))
        }
        #expect(try d.ecology.heldAndPending().1 == 0)
        // Once each holds what the others hold, the three states are one.
        try d.carry(d.market, d.bureau); try d.carry(d.ecology, d.bureau)
        try d.carry(d.bureau, d.market); try d.carry(d.bureau, d.ecology)
        let digests = Set(try [d.bureau, d.market, d.ecology].map { try $0.digest() })
        #expect(digests.count == 1)
        // The push's bundle, exported after the erasure, still verifies with both verifiers.
        let bundle = dir.file("push.json")
        _ = try d.market.ok(["evidence", push, "--out", bundle], env: wf.at("2026-10-20T09:00:00"))
        let o = try CLIEvidenceTests.check(bundle)
        #expect(o.swiftPassed && o.pyPassed)
        CLIEvidenceTests.expectAgreement(o)
        #expect(!(try String(contentsOfFile: bundle, encoding: .utf8)).contains(Data("370102199001011234".utf8).base64EncodedString().prefix(16)))
    }
}
