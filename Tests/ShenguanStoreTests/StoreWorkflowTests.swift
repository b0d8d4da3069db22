import Foundation
import Testing
@testable import ShenguanStore
import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// The workflow projection read from real SQLite files agrees with the pure
/// reference, whatever order and batches the operations arrive in (issue #4).
@Suite struct StoreWorkflowTests {
    func statuses(_ wf: Workflow, _ ctx: JudgeContext) throws -> [UInt8] {
        var out = [JSONValue]()
        for p in wf.pushes.values.sorted(by: { $0.act.id < $1.act.id }) { out.append(wf.json(try wf.status(of: p, ctx))) }
        for q in wf.inquiries.values.sorted(by: { $0.act.id < $1.act.id }) { out.append(wf.json(try wf.status(of: q, ctx))) }
        for d in ["d0", "d1", "d2", "d3"] { out.append(.array(try wf.inbox(for: d, ctx).map { wf.json($0, ctx) })) }
        return try CanonicalJSON.encode(.array(out))
    }

    @Test(arguments: [UInt64(3), 11])
    func shuffledWorkflowBatchesMatchTheReference(seed: UInt64) throws {
        let dir = TempDir("wf"); defer { dir.remove() }
        let net = Fixtures.randomHistory(seed: seed)
        let later = Fixtures.ms("2027-01-01T00:00:00")
        var reference = MemoryReplica(network: net.network)
        reference.ingest(net.ops, now: later)
        let now = Fixtures.ms("2026-10-20T00:00:00")
        let refCtx = JudgeContext(rosters: reference.rosterVersions, now: now)
        let expected = try statuses(reference.workflow, refCtx)

        let s = try ReplicaStore(path: dir.file("r.sqlite"), network: net.network)
        var rng = SeededRNG(seed: seed)
        var shuffled = net.ops.shuffled(using: &rng).map(\.envelope)
        while !shuffled.isEmpty {
            let n = min(shuffled.count, Int.random(in: 1...15, using: &rng))
            _ = try s.ingest(Array(shuffled.prefix(n)), now: later)
            shuffled.removeFirst(n)
        }
        #expect(try s.pendingCount() == 0)
        #expect(try s.state().digest == reference.state.digest)
        let (wf, rosters) = try s.workflow()
        #expect(try statuses(wf, JudgeContext(rosters: rosters, now: now)) == expected)
        // Rebuilt from the operations alone: same digest.
        try s.rebuildProjections()
        #expect(try s.state().digest == reference.state.digest)
    }

    @Test func attachmentsAreStoredBySHA256AndTravelWithTheOps() throws {
        let dir = TempDir("wf-att"); defer { dir.remove() }
        var net = Fixtures.network()
        let pdf = Array("%PDF-1.4 承诺书 signed".utf8)
        let att = net.write(0, kind: WorkflowKinds.attachment, body: AttachmentBody.json(name: "承诺书.pdf", mediaType: "application/pdf", data: pdf))
        let ref: JSONValue = ["op": .string(att.id.hex), "sha256": .string(SHA256.hash(pdf).hex), "name": "承诺书.pdf"]
        net.write(0, kind: WorkflowKinds.approval, body: Fixtures.approval(commitment: true, extra: ["commitmentLetter": ref]))
        let s = try ReplicaStore(path: dir.file("r.sqlite"), network: net.network)
        _ = try s.ingest(net.ops.map(\.envelope), now: Fixtures.ms("2027-01-01T00:00:00"))
        #expect(try s.count() == net.ops.count)
        let got = try #require(try s.attachment(sha256: SHA256.hash(pdf)))
        #expect(got.data == pdf && got.name == "承诺书.pdf")
        // The attachment's id pins the file: a reference's `sha256` is not compared at ingest (PROTOCOL.md
        // §2.6: the body may be erased), so every replica decides alike with or without the body.
        let (odd, _) = net.draft(0, kind: WorkflowKinds.approval, body: Fixtures.approval(commitment: true, extra: [
            "licenceNo": "JY2", "commitmentLetter": ["op": .string(att.id.hex), "sha256": .string(SHA256.hash([1]).hex), "name": "x.pdf"]]))
        let bare = try ReplicaStore(path: dir.file("bare.sqlite"), network: net.network)
        _ = try bare.ingest([net.ops[0].envelope] + net.ops.dropFirst().map { $0.id == att.id ? $0.envelope.withoutBody : $0.envelope }, now: Fixtures.ms("2027-01-01T00:00:00"))
        for store in [s, bare] {
            #expect(try store.ingest([odd.envelope], now: Fixtures.ms("2027-01-01T00:00:00")).results.first?.code == "accepted")
        }
        #expect(try s.attachment(sha256: SHA256.hash([1])) == nil)
    }
}
