import Foundation
import GRDB
import ShenguanCore
import ShenguanCrypto

/// What the sync protocol needs from the store (PROTOCOL.md §7).
extension ReplicaStore {
    /// One page of the operations a peer lacks, given the peer's version
    /// vector: every held operation whose seq is above the peer's for its
    /// author, in arrival order (causal: an operation is stored only after
    /// what it builds on), starting after `cursor` (an arrival position).
    public func opsLacking(vector: [String: Int64], after cursor: Int64, limit: Int, maxBytes: Int)
        throws -> (envelopes: [Envelope], cursor: Int64, more: Bool) {
        try pool.read { db in
            // Which authors the peer lacks, from the per-author maxima: a peer
            // that lacks nothing costs no scan at all.
            let lacking = try Row.fetchAll(db, sql: "SELECT author, max_seq FROM authors").compactMap { r -> (String, Int64, Int64)? in
                let a: String = r[0], max: Int64 = r[1], theirs = vector[a] ?? 0
                return max > theirs ? (a, theirs, max - theirs) : nil
            }
            if lacking.isEmpty { return ([], cursor, false) }
            let missing = lacking.reduce(0) { $0 + $1.2 }
            // The highest rowid: the number of ops held (rows are never
            // deleted), read from the end of the table instead of counted.
            let total = try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM ops") ?? 0
            var out = [Envelope](), bytes = 0, last = cursor
            /// Adds a row to the page; false once the page is full.
            func add(_ r: Row) -> Bool {
                let env = Self.envelope(r)
                let size = env.header.count + env.sig.count + (env.body?.count ?? 0)
                if out.count == limit || (!out.isEmpty && bytes + size > maxBytes) { return false }
                out.append(env); bytes += size; last = r["rowid"]
                return true
            }
            if missing * 4 < total, lacking.count <= 500 {
                // Few missing: one index range per author, merged in arrival order.
                let sql = lacking.map { _ in "SELECT rowid, author, header, sig, body FROM ops WHERE author = ? AND seq > ? AND rowid > ?" }
                    .joined(separator: " UNION ALL ") + " ORDER BY rowid LIMIT ?"
                var args: [DatabaseValueConvertible?] = []
                for (a, s, _) in lacking { args += [a, s, cursor] }
                args.append(limit + 1)
                let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args))
                for r in rows where !add(r) { return (out, last, true) }
                return (out, last, false)
            }
            // Most missing: walk the table in arrival order from the cursor
            // and keep the rows the peer lacks; the page costs the rows it
            // reads, whatever the table's size. (A join with the vector let
            // SQLite loop over authors first and sort every lacking row for
            // each page: quadratic in a long sync.)
            let theirs = Dictionary(uniqueKeysWithValues: lacking.map { ($0.0, $0.1) })
            let rows = try Row.fetchCursor(db, sql: "SELECT rowid, author, seq, header, sig, body FROM ops WHERE rowid > ? ORDER BY rowid",
                                           arguments: [cursor])
            while let r = try rows.next() {
                guard let seen = theirs[r["author"] as String], r["seq"] as Int64 > seen else { continue }
                if !add(r) { return (out, last, true) }
            }
            return (out, last, false)
        }
    }

    /// The head of `author`'s chain held here: (seq, id), (0, nil) if none.
    public func head(of author: PublicKey) throws -> (seq: Int64, id: Digest?) {
        try pool.read { db in
            guard let r = try Row.fetchOne(db, sql: "SELECT seq, id FROM ops WHERE author = ? ORDER BY seq DESC, id LIMIT 1",
                                           arguments: [author.base64url]) else { return (0, nil) }
            return (r[0], Digest(hex: r[1] as String))
        }
    }

    /// Records a peer's head declaration (the latest per author); true if it
    /// is newer than the one recorded.
    @discardableResult
    public func record(_ d: HeadDeclaration, now: Int64) throws -> Bool {
        try pool.write { db in
            let old = try Row.fetchOne(db, sql: "SELECT seq, time FROM declarations WHERE author = ?", arguments: [d.author.base64url])
            if let old, (old[0] as Int64, old[1] as Int64) >= (d.seq, d.time) { return false }
            try db.execute(sql: """
                INSERT INTO declarations(author, seq, id, time, json, received_at, witnessed) VALUES (?, ?, ?, ?, ?, ?, 0)
                ON CONFLICT(author) DO UPDATE SET seq = excluded.seq, id = excluded.id, time = excluded.time,
                    json = excluded.json, received_at = excluded.received_at, witnessed = 0
                """, arguments: [d.author.base64url, d.seq, d.id?.hex, d.time,
                                 String(decoding: try CanonicalJSON.encode(d.json), as: UTF8.self), now])
            return true
        }
    }

    /// Signs a witness (DESIGN.md "Time evidence"): every author's head held
    /// here and the declarations received since the last witness.
    /// nil when the key must not sign now (``StoreError/isOwnChainGuard``:
    /// restored and not yet synced, behind its own chain, or forked): the
    /// sync goes on without a witness, carrying what it has.
    public func appendWitness(home: ReplicaHome, key: SigningKey, now: Int64) throws -> VerifiedOp? {
        /// What the witness carries, read inside its own write transaction.
        final class Carried: @unchecked Sendable {
            var heads: [(author: String, seq: Int64, id: String)] = []
            var declarations: [HeadDeclaration] = []
        }
        let carried = Carried()
        // One transaction (issue 14 item 8): the heads and declarations are
        // read, signed and the declarations marked together, so that one
        // recorded meanwhile (a sync in between) can neither be marked
        // without being signed nor signed twice.
        do {
            return try home.appendAll(store: self, key: key, [{ _ in
                (WitnessOps.kind, WitnessOps.body(heads: carried.heads, declarations: carried.declarations))
            }], now: now, check: { c in
                carried.heads = try Self.heads(c.db)
                carried.declarations = try String.fetchAll(c.db, sql: "SELECT json FROM declarations WHERE witnessed = 0 ORDER BY author")
                    .compactMap { (try? CanonicalJSON.parse(Array($0.utf8))).flatMap(HeadDeclaration.init(json:)) }
            }, after: { c, _ in
                for d in carried.declarations {
                    try c.db.execute(sql: "UPDATE declarations SET witnessed = 1 WHERE author = ? AND seq = ? AND time = ?",
                                     arguments: [d.author.base64url, d.seq, d.time])
                }
            })[0]
        } catch let e as StoreError where e.isOwnChainGuard {
            return nil
        }
    }

    // MARK: Peers

    public func addPeer(_ url: String, now: Int64) throws {
        try pool.write { db in try db.execute(sql: "INSERT OR IGNORE INTO peers(url, added_at) VALUES (?, ?)", arguments: [url, now]) }
    }

    public func removePeer(_ url: String) throws -> Bool {
        let removed = try pool.write { db in try db.execute(sql: "DELETE FROM peers WHERE url = ?", arguments: [url]); return db.changesCount > 0 }
        // A restored replica no longer waits for a peer it was told to forget.
        if removed { try noteSyncedSinceRestore(url) }
        return removed
    }

    /// Every known peer and how syncing with it last went.
    public func peers() throws -> [PeerState] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT url, last_sync, last_vector, last_attempt, last_error FROM peers ORDER BY url").map { r in
                let vector = (r[2] as String?).flatMap { try? CanonicalJSON.parse(Array($0.utf8)) }?.objectValue?
                    .compactMapValues { $0.intValue }
                return PeerState(url: r[0], lastSync: r[1], lastVector: vector, lastAttempt: r[3], lastError: r[4])
            }
        }
    }

    /// A sync with `url` completed: the peer's vector as last seen.
    public func notePeerSynced(_ url: String, vector: [String: Int64], now: Int64) throws {
        let v = String(decoding: try CanonicalJSON.encode(.object(vector.mapValues { .int($0) })), as: UTF8.self)
        try pool.write { db in
            try db.execute(sql: "UPDATE peers SET last_sync = ?, last_vector = ?, last_attempt = ?, last_error = NULL WHERE url = ?",
                           arguments: [now, v, now, url])
        }
    }

    /// A sync with `url` failed with the stable error `code`.
    public func notePeerFailed(_ url: String, code: String, now: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE peers SET last_attempt = ?, last_error = ? WHERE url = ?", arguments: [now, code, url])
        }
    }

    /// How many operations held here a peer with `vector` lacks (per
    /// author, the seqs above what it holds).
    public func lacking(vector: [String: Int64]) throws -> Int {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT author, max_seq FROM authors").reduce(0) { n, r in
                n + Int(max(0, (r[1] as Int64) - (vector[r[0] as String] ?? 0)))
            }
        }
    }
}

/// A known peer: when it last synced, what it held then, the last failure.
public struct PeerState: Sendable {
    public let url: String
    public let lastSync: Int64?
    /// The peer's vector (author → highest seq) at the last completed sync.
    public let lastVector: [String: Int64]?
    public let lastAttempt: Int64?
    /// The stable code of the last attempt's failure (nil: it succeeded).
    public let lastError: String?
}

extension ReplicaStore {
    /// Remembers the nonce of an accepted sync request until `expires`
    /// (a restarted server reloads them: a replay stays a replay).
    public func recordNonce(_ key: String, expires: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO sync_nonces(key, expires) VALUES (?, ?)", arguments: [key, expires])
        }
    }

    /// The nonces still unexpired at `now`, oldest expiry first; expired ones are deleted.
    public func liveNonces(now: Int64) throws -> [(expires: Int64, key: String)] {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM sync_nonces WHERE expires <= ?", arguments: [now])
            return try Row.fetchAll(db, sql: "SELECT key, expires FROM sync_nonces ORDER BY expires").map { (expires: $0["expires"], key: $0["key"]) }
        }
    }
}

