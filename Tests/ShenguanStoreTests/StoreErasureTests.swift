import Foundation
import GRDB
import Testing
import ShenguanCalendar
@testable import ShenguanCore
import ShenguanCrypto
@testable import ShenguanStore
import ShenguanTestSupport

/// Erasure (PROTOCOL.md §2.6; issue 18): an erased body is gone on every
/// replica and never comes back, whichever copies (with body, without it,
/// the erasure) arrived first; the rest of the state is unchanged.
@Suite struct StoreErasureTests {
    static let later = Fixtures.ms("2026-12-01T09:00:00")

    /// d0 issues an approval with two scans and pushes it to d1; d1 notes a
    /// phone call; d0 erases one scan, d1 its note.
    static func history() -> (net: TestNetwork, erased: [Digest], kept: Digest, approval: Digest) {
        var net = Fixtures.network()
        let t = Fixtures.ms("2026-09-30T15:00:00")
        let scans = ["身份证正反面.jpg", "营业执照.pdf"].enumerated().map { i, name in
            net.write(0, kind: WorkflowKinds.attachment, body: AttachmentBody.json(name: name, mediaType: "image/jpeg", data: Array("扫描件 \(i) 张三 370102199001011234".utf8)),
                      at: t + Int64(i))
        }
        let refs: [JSONValue] = scans.map { s in ["op": .string(s.id.hex), "sha256": s.body!["sha256"]!, "name": s.body!["name"]!] }
        let a = net.write(0, kind: WorkflowKinds.approval, body: Fixtures.approval(extra: ["attachments": .array(refs)]), at: t + 10)
        net.write(0, kind: WorkflowKinds.push, body: Fixtures.push(a.id, to: "d1"), at: t + 11)
        net.sync(from: 0, to: 1)
        let note = net.write(1, kind: OpKinds.note, body: ["text": "已电话联系张三 13800000000"], at: t + 20)
        net.write(0, kind: WorkflowKinds.erase, body: ["op": .string(scans[0].id.hex), "reason": "申请人身份证件，依法删除"], at: t + 30)
        net.write(1, kind: WorkflowKinds.erase, body: ["op": .string(note.id.hex), "reason": "个人联系方式"], at: t + 31)
        return (net, [scans[0].id, note.id], scans[1].id, a.id)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func anErasedBodyIsGoneEverywhereWhateverArrivedFirst(seed: UInt64) throws {
        let dir = TempDir("erase"); defer { dir.remove() }
        let (net, erased, kept, approval) = Self.history()
        var rng = SeededRNG(seed: seed)
        var digests = Set<Digest>()
        for k in 0..<3 {
            let s = try ReplicaStore(path: dir.file("r\(k).sqlite"), network: net.network)
            // Shuffled, in batches; each copy of an attachment or note with or without its body.
            var copies = net.ops.shuffled(using: &rng).map { op -> Envelope in
                [WorkflowKinds.attachment, OpKinds.note].contains(op.header.kind) && Bool.random(using: &rng) ? op.envelope.withoutBody : op.envelope
            }
            while !copies.isEmpty {
                let n = min(copies.count, Int.random(in: 1...4, using: &rng))
                _ = try s.ingest(Array(copies.prefix(n)), now: Self.later)
                copies.removeFirst(n)
            }
            #expect(try s.pendingCount() == 0 && s.count() == net.ops.count, "seed \(seed): nothing waits for an erased body")
            // Later copies carry every body again: the erased ones stay erased, the kept one fills in.
            let again = try s.ingest(net.ops.filter { erased.contains($0.id) || $0.id == kept }.map(\.envelope), now: Self.later)
            #expect(again.results.filter { erased.contains($0.id!) }.allSatisfy { $0.outcome == .duplicate })
            for id in erased { #expect(try s.op(id.hex).body == nil, "\(id.hex.prefix(8)) erased") }
            #expect(try s.op(kept.hex).body != nil)
            let notes = try s.pool.read { db in try String?.fetchAll(db, sql: "SELECT text FROM notes") }
            #expect(notes == [nil])
            // The approval and its push stand as before.
            #expect(try s.judging(now: Self.later).workflow.approvals[approval]?.body.attachments.count == 2)
            #expect(try s.checkReadModel().isConsistent)
            digests.insert(try s.stateDigest())
        }
        #expect(digests.count == 1, "the same operations give the same state")
    }

    @Test func onlyTheWritingDepartmentErasesAndOnlyAttachmentsAndNotes() throws {
        let dir = TempDir("erase-refusals"); defer { dir.remove() }
        var (net, _, kept, approval) = Self.history()
        net.sync(from: 0, to: 2)
        let s = try ReplicaStore(path: dir.file("r.sqlite"), network: net.network)
        _ = try s.ingest(net.ops.map(\.envelope), now: Self.later)
        let (byOther, _) = net.draft(2, kind: WorkflowKinds.erase, body: ["op": .string(kept.hex), "reason": "x"])
        let (anApproval, _) = net.draft(0, kind: WorkflowKinds.erase, body: ["op": .string(approval.hex), "reason": "x"])
        let r = try s.ingest([byOther.envelope, anApproval.envelope], now: Self.later)
        #expect(r.results.map(\.code) == [OpCode.notAddressee.rawValue, OpCode.invalidRef.rawValue])
        #expect(try s.op(kept.hex).body != nil)
    }
}
