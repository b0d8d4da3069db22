import Foundation
import Testing
import ShenguanCalendar
@testable import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// Issue #4 "done when": any delivery order of the same operations to fresh
/// replicas (operations waiting for their dependencies) gives an identical
/// state digest and identical statuses, at any now.
@Suite struct WorkflowConvergenceTests {
    /// Every push and inquiry status and every inbox, judged at `now`, as canonical bytes.
    static func statuses(_ r: MemoryReplica, now: Int64) throws -> [UInt8] {
        let wf = r.workflow
        let ctx = JudgeContext(rosters: r.rosterVersions, now: now)
        var out = [JSONValue]()
        for p in wf.pushes.values.sorted(by: { $0.act.id < $1.act.id }) { out.append(wf.json(try wf.status(of: p, ctx))) }
        for q in wf.inquiries.values.sorted(by: { $0.act.id < $1.act.id }) { out.append(wf.json(try wf.status(of: q, ctx))) }
        for d in ["d0", "d1", "d2", "d3"] { out.append(.array(try wf.inbox(for: d, ctx).map { wf.json($0, ctx) })) }
        out.append(.array(wf.conflicts.map { .string($0.target.hex + $0.field + "\($0.values.count)") }))
        return try CanonicalJSON.encode(.array(out))
    }

    @Test(arguments: Array(UInt64(1)...8))
    func anyDeliveryOrderGivesTheSameStateAndStatuses(seed: UInt64) throws {
        let net = Fixtures.randomHistory(seed: seed)
        let later = Fixtures.ms("2027-01-01T00:00:00")
        var reference = MemoryReplica(network: net.network)
        reference.ingest(net.ops, now: later)
        #expect(reference.held.count == net.ops.count, "every generated operation is valid")
        let wf = reference.workflow
        #expect(wf.approvals.count > 3 && !wf.pushes.isEmpty)
        let nows = [Fixtures.ms("2026-10-09T12:00:00"), Fixtures.ms("2026-10-20T00:00:00"), later]
        let expected = try nows.map { try Self.statuses(reference, now: $0) }
        var rng = SeededRNG(seed: seed &+ 1000)
        for _ in 0..<5 {
            var r = MemoryReplica(network: net.network)
            // Random order, in random batch sizes.
            var shuffled = net.ops.shuffled(using: &rng)
            while !shuffled.isEmpty {
                let n = min(shuffled.count, Int.random(in: 1...9, using: &rng))
                r.ingest(Array(shuffled.prefix(n)), now: later)
                shuffled.removeFirst(n)
            }
            #expect(r.pending.isEmpty)
            #expect(r.state.digest == reference.state.digest)
            for (i, now) in nows.enumerated() { #expect(try Self.statuses(r, now: now) == expected[i]) }
        }
    }

    @Test func historiesCoverEveryKind() {
        var kinds = Set<String>()
        for seed in UInt64(1)...8 { kinds.formUnion(Fixtures.randomHistory(seed: seed).ops.map(\.header.kind)) }
        let expected: Set<String> = [WorkflowKinds.approval, WorkflowKinds.push, WorkflowKinds.claim, WorkflowKinds.feedback,
                                     WorkflowKinds.supervision, WorkflowKinds.revocationRequest, WorkflowKinds.revocationDecision,
                                     WorkflowKinds.inquiry, WorkflowKinds.reply, WorkflowKinds.correction]
        #expect(expected.isSubset(of: kinds), "missing: \(expected.subtracting(kinds))")
    }
}
