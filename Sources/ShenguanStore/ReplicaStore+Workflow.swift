import Foundation
import GRDB
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

extension ReplicaStore {
    /// The workflow projection of the operations held (RULES.md R1–R12),
    /// with each operation's roster version and the roster versions for
    /// judging limits under the policy each act was written under.
    public func workflow() throws -> (workflow: Workflow, rosters: [RosterState]) {
        try pool.read { db in try Self.workflow(db: db) }
    }

    static func workflow(db: Database) throws -> (workflow: Workflow, rosters: [RosterState]) {
            let idx = SQLiteOpIndex(db: db)
            let rosters = idx.rosterVersions
            if let e = idx.failure { throw e }
            let kinds = WorkflowKinds.all + [RosterOps.staff]
            let marks = kinds.map { _ in "?" }.joined(separator: ",")
            let rows = try Row.fetchAll(db, sql: "SELECT id, author, header, sig, body, roster_seq FROM ops WHERE kind IN (\(marks))",
                                        arguments: StatementArguments(kinds))
            var seqs = [Digest: Int64]()
            var ops = [VerifiedOp]()
            for r in rows {
                let op = try Self.load(r)
                seqs[op.id] = r["roster_seq"]
                ops.append(op)
            }
            let frozen = seqs
            return (Workflow(ops: ops, roster: rosters.last, rosterSeq: { frozen[$0] ?? 0 }), rosters)
    }

    /// The judging context at `now` (author clocks as time evidence until
    /// proven intervals replace them).
    public static func judgeContext(rosters: [RosterState], now: Int64, evidence: any TimeEvidence = AuthorClockEvidence()) -> JudgeContext {
        let policies = rosters.map(\.policy)
        let fallback = rosters.last?.policy ?? .liaocheng
        return JudgeContext(calendar: rosters.last?.calendar ?? OfficialCalendar.calendar,
                            policyAt: { v in v >= 1 && v <= Int64(policies.count) ? policies[Int(v) - 1] : fallback },
                            evidence: evidence, now: now)
    }

    /// Every operation held, for the evidence graph (time evidence from the
    /// whole causal DAG; PROTOCOL.md §4.3).
    public func allOps() throws -> [VerifiedOp] {
        try pool.read { db in
            var out = [VerifiedOp]()
            let rows = try Row.fetchCursor(db, sql: "SELECT author, header, sig, body FROM ops")
            while let r = try rows.next() { out.append(try Self.load(r)) }
            return out
        }
    }

    /// The workflow and its judging context at `now`, with proven intervals
    /// (witnesses, causal pasts, head declarations) as time evidence.
    public func judging(now: Int64) throws -> (workflow: Workflow, context: JudgeContext, graph: EvidenceGraph) {
        let (wf, rosters) = try workflow()
        let roster = rosters.last
        let graph = EvidenceGraph(ops: try allOps()) { roster?.replicas[$0]?.department }
        let departments = roster?.replicas.mapValues(\.department) ?? [:]
        let evidence = ProvenEvidence(graph: graph) { departments[$0] }
        return (wf, Self.judgeContext(rosters: rosters, now: now, evidence: evidence), graph)
    }

    /// An attachment's bytes by SHA-256 (R1: attachments travel with the ops).
    public func attachment(sha256: Digest) throws -> (name: String, mediaType: String, data: [UInt8])? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT author, header, sig, body FROM ops WHERE kind = ? AND subject = ? AND body IS NOT NULL LIMIT 1",
                                             arguments: [WorkflowKinds.attachment, sha256.hex]),
                  let body = try Self.load(row).body, let a = try? AttachmentBody(json: body) else { return nil }
            return (a.name, a.mediaType, a.data)
        }
    }
}
