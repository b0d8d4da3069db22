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
        let kinds = Array(Workflow.inputKinds)
        let marks = kinds.map { _ in "?" }.joined(separator: ",")
        let (ops, seqs) = try loadOps(db: db, where: "kind IN (\(marks))", StatementArguments(kinds))
        let rosters = try rosterVersions(db: db)
        return (Workflow(ops: ops, roster: rosters.last, rosterSeq: { seqs[$0] ?? 0 }), rosters)
    }

    /// The workflow, its judging context at `now` with proven intervals
    /// (witnesses, causal pasts, head declarations; PROTOCOL.md §4.3) as time
    /// evidence, the evidence graph, and every operation held: the full fold
    /// over every operation, kept as the reference the read model is tested
    /// against. Views and writes use the read model (`inboxView`, `itemView`, …).
    public func judging(now: Int64) throws
        -> (workflow: Workflow, context: JudgeContext, graph: EvidenceGraph, ops: [Digest: VerifiedOp]) {
        try pool.read { db in
            let (ops, seqs) = try Self.loadOps(db: db, where: "1", [])
            let rosters = try Self.rosterVersions(db: db)
            let departments = rosters.last?.replicas.mapValues(\.department) ?? [:]
            let wf = Workflow(ops: ops.filter { Workflow.inputKinds.contains($0.header.kind) }, roster: rosters.last,
                              rosterSeq: { seqs[$0] ?? 0 })
            let graph = EvidenceGraph(ops: ops) { departments[$0] }
            let context = JudgeContext(rosters: rosters, now: now, evidence: ProvenEvidence(graph: graph) { departments[$0] })
            return (wf, context, graph, Dictionary(ops.map { ($0.id, $0) }) { a, _ in a })
        }
    }

    /// Stored operations matching `condition`, with their roster versions.
    static func loadOps(db: Database, where condition: String, _ arguments: StatementArguments) throws -> ([VerifiedOp], [Digest: Int64]) {
        var ops = [VerifiedOp](), seqs = [Digest: Int64]()
        let rows = try Row.fetchCursor(db, sql: "SELECT id, author, header, sig, body, roster_seq FROM ops WHERE \(condition)", arguments: arguments)
        while let r = try rows.next() {
            let op = try load(r)
            seqs[op.id] = r["roster_seq"]
            ops.append(op)
        }
        return (ops, seqs)
    }

    static func rosterVersions(db: Database) throws -> [RosterState] {
        let idx = SQLiteOpIndex(db: db)
        let rosters = idx.rosterVersions
        if let e = idx.failure { throw e }
        return rosters
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
