import Foundation
import Testing
import ShenguanCalendar
@testable import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// Issue #6: deadline verdicts on proven intervals (DESIGN.md "Time
/// evidence"), with injected clocks. d0 bureau, d1 market; 聊城 policy
/// (claim 2 working days, grace 4 h); push 2026-09-30 16:00, limit
/// 2026-10-10 24:00.
@Suite struct TimeEvidenceTests {
    typealias F = Fixtures
    static let limit = F.ms("2026-10-10T00:00:00")

    func judged(_ net: TestNetwork, push: Digest, now: Int64 = F.ms("2026-11-01T00:00:00")) throws -> (Workflow.PushStatus, EvidenceGraph) {
        var r = MemoryReplica(network: net.network)
        r.ingest(net.ops, now: F.ms("2027-01-01T00:00:00"))
        let roster = r.roster!
        let depts = roster.replicas.mapValues(\.department)
        let graph = EvidenceGraph(ops: r.held.values) { depts[$0] }
        let ctx = JudgeContext(rosters: r.rosterVersions, now: now, evidence: ProvenEvidence(graph: graph) { depts[$0] })
        let wf = r.workflow
        return (try wf.status(of: wf.pushes[push]!, ctx), graph)
    }

    /// The bureau pushes; market's replica pulls it and cites it at 17:00.
    func pushed(pushAt: String = "2026-09-30T16:00:00") -> (TestNetwork, Digest) {
        var net = F.network()
        let a = net.write(0, kind: WorkflowKinds.approval, body: F.approval(), at: F.ms("2026-09-30T15:00:00"))
        let p = net.write(0, kind: WorkflowKinds.push, body: F.push(a.id, to: "d1"), at: F.ms(pushAt))
        net.sync(from: 0, to: 1)
        net.write(1, text: "witness: pulled the push", at: F.ms("2026-09-30T17:00:00"))
        return (net, p.id)
    }

    @Test func anOfflineClaimWitnessedAfterTheGraceIsLateAndTheAutoClaimStands() throws {
        var (net, p) = pushed()
        let claim = net.write(1, kind: WorkflowKinds.claim, body: F.claim(p), at: F.ms("2026-10-09T15:00:00"))
        // Market stays offline three days; the bureau first sees the claim on 10-12 at 09:00.
        net.sync(from: 1, to: 0)
        net.write(0, text: "witness", at: F.ms("2026-10-12T09:00:00"))
        let (st, graph) = try judged(net, push: p)
        #expect(st.claim.due.deadlineMillis == Self.limit)
        #expect(graph.bounds(of: net.ops.first { $0.id == claim.id }!).hi == F.ms("2026-10-12T09:00:00"))
        #expect(st.claim.basis == .straddleLate)
        #expect(st.label == "claimed_late")
        #expect(st.responsible == "d1")
    }

    @Test func anOfflineClaimWitnessedWithinTheGraceIsOnTime() throws {
        var (net, p) = pushed()
        net.write(1, kind: WorkflowKinds.claim, body: F.claim(p), at: F.ms("2026-10-09T23:00:00"))
        net.sync(from: 1, to: 0)
        net.write(0, text: "witness", at: F.ms("2026-10-10T02:00:00"))   // 2 h after the limit, grace 4 h
        let (st, _) = try judged(net, push: p)
        #expect(st.claim.basis == .straddleOnTime)
        #expect(st.label == "claimed_on_time")
        #expect(st.claim.evidence.contains("within the grace period"))
    }

    @Test func anUnwitnessedClaimAwaitsAWitnessThenLapsesToLate() throws {
        var (net, p) = pushed()
        net.write(1, kind: WorkflowKinds.claim, body: F.claim(p), at: F.ms("2026-10-09T23:00:00"))
        let (pending, _) = try judged(net, push: p, now: F.ms("2026-10-10T01:00:00"))
        #expect(pending.label == "claimed_awaiting_witness")
        let (late, _) = try judged(net, push: p, now: F.ms("2026-10-10T04:00:00"))
        #expect(late.label == "claimed_late")
        #expect(late.claim.evidence.contains("not witnessed"))
    }

    @Test func aBackdatedClaimIsClockInconsistentAndProvenLate() throws {
        var (net, p) = pushed()
        // Market syncs on 10-12 at 09:00 and declares its head; the bureau records it in a witness.
        let head = net.replica(1).held.values.filter { $0.header.author == net.keys[1].publicKey }.max { $0.header.seq < $1.header.seq }!
        let decl = HeadDeclaration.sign(key: net.keys[1], seq: head.header.seq, id: head.id, time: F.ms("2026-10-12T09:00:00"))
        net.write(0, kind: WitnessOps.kind, body: WitnessOps.body(heads: [], declarations: [decl]),
                  at: F.ms("2026-10-12T09:01:00"))
        // Then it writes a claim dated before the limit (its own clock set back).
        let claim = net.write(1, kind: WorkflowKinds.claim, body: F.claim(p), at: F.ms("2026-10-09T10:00:00"))
        net.sync(from: 1, to: 0)
        net.write(0, text: "witness", at: F.ms("2026-10-12T10:00:00"))
        let (st, graph) = try judged(net, push: p)
        let b = graph.bounds(of: claim)
        #expect(b.lo == F.ms("2026-10-12T09:00:00"))
        #expect(graph.clockInconsistent.contains(claim.id))
        #expect(st.claim.basis == .provenLate)
        #expect(st.label == "claimed_late")
    }

    @Test func aBackdatedPushStartsItsWindowWhenItWasWitnessed() throws {
        // The bureau dates its push 09-25 but nobody outside holds it before 09-30 17:00.
        let (net, p) = pushed(pushAt: "2026-09-25T10:00:00")
        let (st, graph) = try judged(net, push: p, now: F.ms("2026-10-09T12:00:00"))
        #expect(st.claim.start?.hi == F.ms("2026-09-30T17:00:00"))
        #expect(st.claim.due.deadlineRFC3339 == "2026-10-10T00:00:00+08:00")   // not 2026-09-29 24:00
        #expect(st.label == "pending")
        #expect(graph.clockInconsistent.isEmpty)
    }

    @Test func repeatedInconsistencyFlagsTheReplica() throws {
        var (net, _) = pushed()
        let head = net.replica(1).held.values.filter { $0.header.author == net.keys[1].publicKey }.max { $0.header.seq < $1.header.seq }!
        let decl = HeadDeclaration.sign(key: net.keys[1], seq: head.header.seq, id: head.id, time: F.ms("2026-10-12T09:00:00"))
        net.write(0, kind: WitnessOps.kind, body: WitnessOps.body(heads: [], declarations: [decl]), at: F.ms("2026-10-12T09:01:00"))
        net.write(1, text: "a", at: F.ms("2026-10-01T10:00:00"))
        net.write(1, text: "b", at: F.ms("2026-10-01T11:00:00"))
        var r = MemoryReplica(network: net.network)
        r.ingest(net.ops, now: F.ms("2027-01-01T00:00:00"))
        let depts = r.roster!.replicas.mapValues(\.department)
        let graph = EvidenceGraph(ops: r.held.values) { depts[$0] }
        #expect(graph.repeatOffenders() == [net.keys[1].publicKey: 2])
    }
}

extension TimeEvidenceTests {
    /// A notary replica only syncs and witnesses; its witness bounds the
    /// push's and the claim's times for both sides.
    @Test func aNotaryOnlyWitnessesAndItsWitnessSettlesTheTimes() throws {
        var net = TestNetwork(authors: 3, seed: 9, startMillis: F.ms("2026-09-01T09:00:00"),
                              roles: [.approval, .regulator, .notary], policy: .liaocheng)
        let a = net.write(0, kind: WorkflowKinds.approval, body: F.approval(), at: F.ms("2026-09-30T15:00:00"))
        let p = net.write(0, kind: WorkflowKinds.push, body: F.push(a.id, to: "d1"), at: F.ms("2026-09-30T16:00:00"))
        net.sync(from: 0, to: 2)
        net.write(2, kind: WitnessOps.kind, body: WitnessOps.body(heads: [], declarations: []), at: F.ms("2026-09-30T16:30:00"))
        net.sync(from: 0, to: 1)
        let claim = net.write(1, kind: WorkflowKinds.claim, body: F.claim(p.id), at: F.ms("2026-10-08T09:00:00"))
        net.sync(from: 1, to: 2)
        net.write(2, kind: WitnessOps.kind, body: WitnessOps.body(heads: [], declarations: []), at: F.ms("2026-10-08T09:10:00"))
        let (st, graph) = try judged(net, push: p.id)
        #expect(st.claim.start?.hi == F.ms("2026-09-30T16:30:00"))
        #expect(graph.bounds(of: claim).hi == F.ms("2026-10-08T09:10:00"))
        #expect(st.label == "claimed_on_time")
        // It writes nothing else.
        let (note, _) = net.draft(2, text: "公证处备注")
        var r = MemoryReplica(network: net.network)
        r.ingest(net.ops, now: F.ms("2027-01-01T00:00:00"))
        guard case .reject(let e) = r.ingest([note], now: F.ms("2027-01-01T00:00:00"))[0] else { Issue.record("accepted"); return }
        #expect(e.code == .forbiddenKind)
    }
}
