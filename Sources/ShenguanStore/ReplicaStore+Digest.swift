import Foundation
import GRDB
import ShenguanCore
import ShenguanCrypto

/// The replica state digest (PROTOCOL.md §6) in one streaming pass: the
/// canonical bytes of the state are written section by section, in the
/// order canonical JSON fixes, into a running SHA-256, so memory is bounded
/// by a chunk of items, not by the history. Each chunk of items (sorted by
/// id) is projected by the unchanged pure `Workflow` over the operations
/// its facts depend on (the items, the acts that name them and those that
/// name these, what they name), read through the `refs` index; `state()`
/// (one fold over everything) stays the reference it is tested against.
extension ReplicaStore {
    /// `hex(SHA256(canonical JSON of the state))`, equal to `state().digest`.
    public func stateDigest(chunk: Int = 500) throws -> Digest {
        let hasher = SHA256.Hasher()
        try writeState(chunk: max(1, chunk)) { hasher.update($0) }
        return hasher.finish()
    }

    /// Writes the state's canonical JSON to `sink`, piece by piece.
    func writeState(chunk: Int, _ sink: @escaping ([UInt8]) -> Void) throws {
        try pool.read { db in
            var out = StateWriter(sink: sink)
            out.raw(#"{"authors":["#)
            let heads = try Row.fetchAll(db, sql: """
                SELECT a.author, a.max_seq, o.id FROM authors a CROSS JOIN ops o ON o.author = a.author AND o.seq = a.max_seq
                """)
            var byAuthor = [String: (Int64, [String])]()
            for r in heads { byAuthor[r[0], default: (r[1], [])].1.append(r[2]) }
            for (author, v) in byAuthor.sorted(by: { $0.key < $1.key }) {
                try out.entry(ReplicaState.Author(author: author, maxSeq: v.0, heads: v.1).json)
            }
            out.raw(#"],"equivocations":["#)
            for e in try Self.equivocations(db).sorted(by: { ($0.author, $0.seq) < ($1.author, $1.seq) }) { try out.entry(e.json) }
            out.raw(#"],"notes":["#)
            let notes = try Row.fetchCursor(db, sql: "SELECT id, author, seq, text FROM notes ORDER BY id")
            while let r = try notes.next() { try out.entry(ReplicaState.Note(id: r[0], author: r[1], seq: r[2], text: r[3]).json) }
            out.raw(#"],"workflow":{"approvals":["#)
            let roster = try Self.rosterVersions(db: db).last
            /// One section: its items in id order, a chunk at a time, each
            /// chunk projected over the items, the acts of `down` kinds that
            /// name them, the acts of `down2` kinds that name those, and (with
            /// `up`) what the items name.
            func section(_ rootsSQL: String, down: [String] = [], down2: [String] = [], up: Bool = false,
                         _ entries: (Workflow, Set<Digest>) -> [JSONValue]) throws {
                let rows = try Int64.fetchAll(db, sql: rootsSQL)
                for start in stride(from: 0, to: rows.count, by: chunk) {
                    let roots = try Self.loadRows(db, rows: Array(rows[start..<min(start + chunk, rows.count)]))
                    var loaded = roots
                    if !down.isEmpty {
                        let d1 = try Self.loadRows(db, rows: try Self.namingRows(db, Array(roots.keys), kinds: down))
                        loaded.merge(d1) { a, _ in a }
                        if !down2.isEmpty {
                            loaded.merge(try Self.loadRows(db, rows: try Self.namingRows(db, Array(d1.keys), kinds: down2))) { a, _ in a }
                        }
                    }
                    if up {
                        let named = Set(roots.values.flatMap { $0.op.refs.map(\.id) }).subtracting(loaded.keys)
                        loaded.merge(try Self.loadIDs(db, ids: named)) { a, _ in a }
                    }
                    // The staff registrations the acts name: an act is one only with its valid registration.
                    let staff = Set(loaded.values.compactMap { OpKinds.staffRef($0.op.body) }).subtracting(loaded.keys)
                    loaded.merge(try Self.loadIDs(db, ids: staff)) { a, _ in a }
                    let wf = Workflow(ops: loaded.values.map(\.op), roster: roster)
                    for e in entries(wf, Set(roots.keys)) { try out.entry(e) }
                }
            }
            func roots(_ kinds: String...) -> String {
                "SELECT rowid FROM ops WHERE kind IN (\(kinds.map { "'\($0)'" }.joined(separator: ","))) ORDER BY id"
            }
            // Each section's entries, by the functions `Workflow.factsJSON` uses.
            try section(roots(WorkflowKinds.approval), down: [WorkflowKinds.revocationRequest, WorkflowKinds.correction],
                        down2: [WorkflowKinds.revocationDecision]) { wf, keep in
                wf.approvals.values.filter { keep.contains($0.act.id) }.sorted { $0.act.id < $1.act.id }.map(wf.factJSON)
            }
            out.raw(#"],"attachments":["#)
            let attachments = try Row.fetchCursor(db, sql: "SELECT id FROM ops WHERE kind = ? AND body IS NOT NULL ORDER BY id",
                                                  arguments: [WorkflowKinds.attachment])
            while let r = try attachments.next() { try out.entry(.string(r[0])) }
            out.raw(#"],"inquiries":["#)
            try section(roots(WorkflowKinds.inquiry), down: [WorkflowKinds.reply]) { wf, keep in
                wf.inquiries.values.filter { keep.contains($0.act.id) }.sorted { $0.act.id < $1.act.id }.map(Workflow.factJSON)
            }
            out.raw(#"],"pushes":["#)
            try section(roots(WorkflowKinds.push), down: [WorkflowKinds.claim, WorkflowKinds.feedback], up: true) { wf, keep in
                wf.pushes.values.filter { keep.contains($0.act.id) }.sorted { $0.act.id < $1.act.id }.map(Workflow.factJSON)
            }
            out.raw(#"],"requests":["#)
            try section(roots(WorkflowKinds.revocationRequest), down: [WorkflowKinds.revocationDecision]) { wf, keep in
                wf.requests.values.filter { keep.contains($0.act.id) }.sorted { $0.act.id < $1.act.id }.map(Workflow.factJSON)
            }
            out.raw(#"],"supervision":["#)
            try section(roots(WorkflowKinds.supervision)) { wf, keep in
                wf.supervision.values.filter { keep.contains($0.act.id) }.sorted { $0.act.id < $1.act.id }.map(Workflow.factJSON)
            }
            out.raw(#"],"warnings":["#)
            try section(roots(WorkflowKinds.warningList, WorkflowKinds.supervision), down: [WorkflowKinds.warningDelist]) { wf, keep in
                wf.warnings.values.filter { keep.contains($0.source) }.sorted { $0.source < $1.source }.map(Workflow.factJSON)
            }
            out.raw("]}}")
        }
    }
}

/// Canonical JSON written piece by piece: raw structure, then entries
/// separated by commas (reset by every raw piece, which opens a list).
struct StateWriter {
    let sink: ([UInt8]) -> Void
    private var first = true

    init(sink: @escaping ([UInt8]) -> Void) { self.sink = sink }

    mutating func raw(_ s: String) { sink(Array(s.utf8)); first = true }

    mutating func entry(_ v: JSONValue) throws {
        if !first { sink([44]) }
        first = false
        sink(try CanonicalJSON.encode(v))
    }
}

