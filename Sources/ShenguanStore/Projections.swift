import Foundation
import GRDB
import ShenguanCore
import ShenguanCrypto

/// Projection tables: derived from operations in the same transaction that
/// stores them, and rebuildable from `ops` alone (DESIGN.md "Storage").
enum Projections {
    /// What an operation is looked up by in the `(kind, subject)` index:
    /// an attachment by its SHA-256, a field correction by the approval and
    /// a revocation decision by the request it acts on (concurrent edits,
    /// `conflictsView`). Every other lookup goes through `refs` and
    /// `subjects`, so the other kinds store NULL: their index entries then
    /// append at the end of their kind instead of landing on a random page
    /// (an import dirtied one more random index page per operation).
    /// Replicas written before kept a subject for more kinds; nothing reads those.
    static func subject(of op: VerifiedOp) -> String? {
        guard let b = op.body else { return nil }
        switch op.header.kind {
        case WorkflowKinds.attachment: return b["sha256"]?.stringValue
        case WorkflowKinds.correction, WorkflowKinds.revocationDecision, WorkflowKinds.boundaryWithdraw: return op.refs.first?.id.hex
        case WorkflowKinds.boundaryEntry: return b["itemCode"]?.stringValue   // R18: an item's versions, by the (kind, subject) index
        default: return nil
        }
    }

    static func apply(_ op: VerifiedOp, db: Database) throws {
        switch op.header.kind {
        case OpKinds.note:
            try RawInsert.run(db.cachedStatement(sql: "INSERT INTO notes(id, author, seq, time, text, staff) VALUES (?, ?, ?, ?, ?, ?)"),
                              [.text(op.id.hex), .text(op.header.author.base64url), .int(op.header.seq), .int(op.header.clock.time),
                               .textOrNull(op.body?["text"]?.stringValue), .textOrNull(OpKinds.staffRef(op.body)?.hex)], db: db)
        case RosterOps.staff:
            guard let body = op.body, let m = try? StaffMember(json: body) else { return }
            try db.execute(sql: """
                INSERT INTO staff(id, department, staff_no, name, office, valid_from, valid_until) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [op.id.hex, m.department, m.staffNo, m.name, m.office, m.validFrom.iso, m.validUntil.iso])
        case RosterOps.staffEnd:
            // Held only once its registration is (a ref), but rows are keyed
            // by id alone, so replay order does not matter.
            guard let body = op.body, let e = try? StaffEnd(json: body) else { return }
            try db.execute(sql: "INSERT OR IGNORE INTO staff_ends(id, registration, last_day) VALUES (?, ?, ?)",
                           arguments: [op.id.hex, e.registration.hex, e.lastDay.iso])
        case WorkflowKinds.erase:
            // PROTOCOL.md §2.6: the body is dropped for good (a later copy
            // carrying it is not stored again, `IngestWriter.fillBody`).
            guard let body = op.body, let e = try? EraseBody(json: body) else { return }
            try db.execute(sql: "UPDATE ops SET body = NULL WHERE id = ? AND kind IN (?, ?)", arguments: [e.op.hex, WorkflowKinds.attachment, OpKinds.note])
            try db.execute(sql: "UPDATE notes SET text = NULL WHERE id = ?", arguments: [e.op.hex])
        default:
            break
        }
    }

    /// Whether an erasure of `id` is held (its body is not stored again).
    static func isErased(_ id: Digest, db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS(SELECT 1 FROM refs r JOIN ops o ON o.rowid = r.op WHERE r.target = ? AND o.kind = ? AND o.body IS NOT NULL)
            """), arguments: [id.hex, WorkflowKinds.erase]) ?? false
    }

    /// Drops every projection table's rows and replays all operations in a
    /// causal order (clock, then id).
    static func rebuild(db: Database) throws {
        try db.execute(sql: "DELETE FROM notes; DELETE FROM equivocations; DELETE FROM staff; DELETE FROM staff_ends;")
        let cited = try Row.fetchAll(db, sql: "SELECT author, cited_seq FROM authors")
        try db.execute(sql: "DELETE FROM authors")
        let rows = try Row.fetchCursor(db, sql: "SELECT author, header, sig, body FROM ops ORDER BY time, ctr, id")
        var maxSeq = [String: Int64]()
        while let row = try rows.next() {
            let op = try ReplicaStore.load(row)
            let author = op.header.author.base64url
            maxSeq[author] = max(maxSeq[author] ?? 0, op.header.seq)
            try apply(op, db: db)
        }
        for (author, seq) in maxSeq {
            try db.execute(sql: "INSERT INTO authors(author, max_seq) VALUES (?, ?)", arguments: [author, seq])
        }
        for row in cited {
            try db.execute(sql: "UPDATE authors SET cited_seq = ? WHERE author = ?", arguments: [row[1] as Int64, row[0] as String])
        }
        try db.execute(sql: """
            INSERT INTO equivocations(author, seq, id)
            SELECT o.author, o.seq, o.id FROM ops o
            JOIN (SELECT author, seq FROM ops GROUP BY author, seq HAVING count(*) > 1) f
              ON f.author = o.author AND f.seq = o.seq
            """)
        try ReadModel.rebuild(db: db)
    }
}
