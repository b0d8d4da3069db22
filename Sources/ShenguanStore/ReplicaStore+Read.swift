import Foundation
import GRDB
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

/// One row of `shenguan log`.
public struct OpSummary: Equatable, Sendable {
    public let id: String
    public let author: String
    public let seq: Int64
    public let kind: String
    public let clock: HLC
    public let prev: String?
}

extension ReplicaStore {
    /// The most recent operations by arrival, newest first.
    public func log(limit: Int = 50) throws -> [OpSummary] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, author, seq, kind, time, ctr, prev FROM ops ORDER BY rowid DESC LIMIT ?",
                             arguments: [limit]).map(Self.summary)
        }
    }

    static func summary(_ r: Row) -> OpSummary {
        OpSummary(id: r["id"], author: r["author"], seq: r["seq"], kind: r["kind"],
                  clock: HLC(time: r["time"], ctr: r["ctr"]), prev: r["prev"])
    }

    /// An operation by full id or unique prefix (at least 4 hex characters).
    public func op(_ idOrPrefix: String) throws -> VerifiedOp {
        let p = idOrPrefix.lowercased()
        guard p.count >= 4, Hex.decode(p.count % 2 == 0 ? p : p + "0") != nil else { throw StoreError(.unknownOp(idOrPrefix)) }
        return try pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT author, header, sig, body FROM ops WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
                                        arguments: [p, p + "g"])
            guard let r = rows.first else { throw StoreError(.unknownOp(idOrPrefix)) }
            guard rows.count == 1 else { throw StoreError(.ambiguousOp(idOrPrefix, rows.count)) }
            return try Self.load(r)
        }
    }

    /// The stored envelope of a row with columns author, header, sig, body.
    static func envelope(_ r: Row) -> Envelope {
        Envelope(author: Base64URL.decode(r["author"] as String) ?? [], header: [UInt8](r["header"] as Data),
                 sig: [UInt8](r["sig"] as Data), body: (r["body"] as Data?).map { [UInt8]($0) })
    }

    /// An operation this replica stored (verified before it was stored).
    static func load(_ r: Row) throws -> VerifiedOp { try VerifiedOp.reload(envelope(r)) }

    /// The projected state (PROTOCOL.md §6), read from the projection tables.
    public func state() throws -> ReplicaState {
        try pool.read { db in
            let facts = try Self.workflow(db: db).workflow.factsJSON
            let heads = try Row.fetchAll(db, sql: """
                SELECT a.author, a.max_seq, o.id FROM authors a CROSS JOIN ops o ON o.author = a.author AND o.seq = a.max_seq
                """)
            var byAuthor = [String: (Int64, [String])]()
            for r in heads { byAuthor[r[0], default: (r[1], [])].1.append(r[2]) }
            let notes = try Row.fetchAll(db, sql: "SELECT id, author, seq, text FROM notes").map {
                ReplicaState.Note(id: $0[0], author: $0[1], seq: $0[2], text: $0[3])
            }
            return ReplicaState(
                authors: byAuthor.map { ReplicaState.Author(author: $0.key, maxSeq: $0.value.0, heads: $0.value.1) },
                equivocations: try Self.equivocations(db),
                notes: notes, workflow: facts)
        }
    }

    /// Authors that signed more than one operation with one seq (forks).
    public func equivocations() throws -> [ReplicaState.Equivocation] {
        try pool.read { db in try Self.equivocations(db) }
    }

    static func equivocations(_ db: Database) throws -> [ReplicaState.Equivocation] {
        var eqs = [String: [Int64: [String]]]()
        for r in try Row.fetchAll(db, sql: "SELECT author, seq, id FROM equivocations") { eqs[r[0], default: [:]][r[1], default: []].append(r[2]) }
        return eqs.flatMap { a in a.value.map { ReplicaState.Equivocation(author: a.key, seq: $0.key, ids: $0.value) } }
    }

    /// Drops and rebuilds every projection from the operations alone.
    public func rebuildProjections() throws {
        try pool.write { db in try Projections.rebuild(db: db) }
    }

    /// Version vector: author → highest seq held.
    public func versionVector() throws -> [String: Int64] {
        try pool.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT author, max_seq FROM authors").map { ($0[0], $0[1]) })
        }
    }

    /// All operations held, in causal order (clock, then id), as envelopes.
    public func forEachEnvelope(_ body: (Envelope, Digest) throws -> Void) throws {
        try pool.read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT id, author, header, sig, body FROM ops ORDER BY time, ctr, id")
            while let r = try rows.next() {
                let env = Self.envelope(r)
                try body(env, Digest(hex: r["id"] as String)!)
            }
        }
    }
}

extension ReplicaStore {
    /// The latest roster this replica holds (nil before the genesis arrives).
    public func roster() throws -> RosterState? {
        try pool.read { db in
            let idx = SQLiteOpIndex(db: db)
            let r = idx.latestRoster
            if let e = idx.failure { throw e }
            return r
        }
    }

    /// Registered staff of a department: (registration id, member), with
    /// the earliest last day of the `staff.end`s held for each (`endedOn`).
    public func staff(department: String? = nil) throws -> [(String, StaffMember)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, department, staff_no, name, office, valid_from, valid_until,
                       (SELECT min(last_day) FROM staff_ends WHERE registration = staff.id)
                FROM staff WHERE ?1 IS NULL OR department = ?1 ORDER BY department, staff_no, valid_from
                """, arguments: [department]).compactMap { r in
                guard let from = CivilDate(iso: r[5]), let until = CivilDate(iso: r[6]) else { return nil }
                let ended = (r[7] as String?).flatMap { CivilDate(iso: $0) }.flatMap { $0 < until ? $0 : nil }
                return (r[0], StaffMember(department: r[1], staffNo: r[2], name: r[3], office: r[4], validFrom: from, validUntil: until,
                                          endedOn: ended))
            }
        }
    }
}
