import Foundation
import GRDB
import ShenguanCore
import ShenguanCrypto

/// Forks: carried by sync, and never made by this replica (PROTOCOL.md §7.1
/// "tips", §7.3; issue 14 item 6).
extension ReplicaStore {
    /// For every author held here: the highest seq and the tips of what is
    /// held (the operations no other held operation of that author builds
    /// on). One tip per author unless a fork is held.
    public func chainTips() throws -> [String: (seq: Int64, tips: [Digest])] {
        try pool.read { db in try Self.chainTips(db) }
    }

    /// Every author's head held here: its highest seq and that
    /// operation's id (the smallest if forked), as witnesses list them.
    static func heads(_ db: Database) throws -> [(author: String, seq: Int64, id: String)] {
        try Row.fetchAll(db, sql: """
            SELECT a.author, a.max_seq, min(o.id) FROM authors a CROSS JOIN ops o ON o.author = a.author AND o.seq = a.max_seq
            GROUP BY a.author
            """).map { (author: $0[0] as String, seq: $0[1] as Int64, id: $0[2] as String) }
    }

    static func chainTips(_ db: Database) throws -> [String: (seq: Int64, tips: [Digest])] {
        var out = [String: (seq: Int64, tips: [Digest])]()
        for h in try heads(db) { out[h.author] = (h.seq, [Digest(hex: h.id)!]) }
        // A forked author: every held operation without a held successor
        // (rare; read from the author's index range).
        for author in try String.fetchAll(db, sql: "SELECT DISTINCT author FROM equivocations") {
            let tips = try String.fetchAll(db, sql: """
                SELECT o.id FROM ops o WHERE o.author = ?1 AND NOT EXISTS (
                    SELECT 1 FROM ops c WHERE c.author = ?1 AND c.seq = o.seq + 1 AND c.prev = o.id)
                ORDER BY o.id LIMIT ?2
                """, arguments: [author, ChainTips.maxPerAuthor]).compactMap { Digest(hex: $0) }
            if let seq = out[author]?.seq, !tips.isEmpty { out[author] = (seq, tips) }
        }
        return out
    }

    /// A peer's vector adjusted for forks (``ChainTips/effectiveVector``):
    /// the authors whose chains diverge from the peer's, or of which either
    /// side holds a fork, are sent in full.
    /// Also returns what is held here (``chainTips()``), read once with it:
    /// a server answers with it.
    public func effectiveVector(_ vector: [String: Int64], tips: [String: [Digest]]?) throws
        -> (vector: [String: Int64], held: [String: (seq: Int64, tips: [Digest])]) {
        try pool.read { db in
            let held = try Self.chainTips(db)
            guard let tips else { return (vector, held) }
            let effective = try ChainTips.effectiveVector(theirs: vector, theirTips: tips, mine: held) { id in
                try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM ops WHERE id = ?)", arguments: [id.hex]) ?? false
            }
            return (effective, held)
        }
    }

    /// A peer reported holding this replica's own chain up to `seq`: if that
    /// is beyond what is held here, writing is refused until it arrives
    /// (`store.behind_chain`).
    public func noteOwnChainSeen(_ seq: Int64, author: PublicKey) throws {
        try pool.write { db in
            let held = try Int64.fetchOne(db, sql: "SELECT max_seq FROM authors WHERE author = ?", arguments: [author.base64url]) ?? 0
            let seen = Int64(try Self.meta(db, "own_seen_seq") ?? "") ?? 0
            if seq > held, seq > seen { try Self.setMeta(db, "own_seen_seq", String(seq)) }
        }
    }

    /// Marks the database as restored from a backup: no write until it has
    /// synced with each of `peers` (``noteSyncedSinceRestore(_:)``).
    public func markRestored(peers: [String]) throws {
        try pool.write { db in try Self.setRestoredPeers(db, peers.sorted()) }
    }

    /// The peers a restored replica must still sync with before it writes.
    public func peersToSyncSinceRestore() throws -> [String] {
        try pool.read { db in try Self.restoredPeers(db) }
    }

    /// A pull from `url` completed (or the peer was removed): one peer fewer
    /// to sync with since the restore.
    public func noteSyncedSinceRestore(_ url: String) throws {
        try pool.write { db in try Self.setRestoredPeers(db, try Self.restoredPeers(db).filter { $0 != url }) }
    }

    /// Records the peers still to sync with (none: the meta key goes).
    static func setRestoredPeers(_ db: Database, _ peers: [String]) throws {
        if peers.isEmpty { try db.execute(sql: "DELETE FROM meta WHERE key = 'restored_peers'"); return }
        try setMeta(db, "restored_peers", String(decoding: try CanonicalJSON.encode(.array(peers.map { .string($0) })), as: UTF8.self))
    }

    static func restoredPeers(_ db: Database) throws -> [String] {
        guard let s = try meta(db, "restored_peers"), let v = try? CanonicalJSON.parse(Array(s.utf8)) else { return [] }
        return (v.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// Refuses to sign seq `held + 1` of `me`'s chain when that could fork
    /// it: a restore not yet followed by a sync with every peer, a peer that
    /// holds more of this chain than is held here, or a fork of this key
    /// already held (inside the write transaction).
    static func checkOwnChain(_ db: Database, me: String, held: Int64) throws {
        let restored = try restoredPeers(db)
        if !restored.isEmpty { throw StoreError(.restoredUnsynced(restored)) }
        if let seen = Int64(try meta(db, "own_seen_seq") ?? ""), seen > held { throw StoreError(.behindChain(seen: seen, held: held)) }
        if let seq = try Int64.fetchOne(db, sql: "SELECT min(seq) FROM equivocations WHERE author = ?", arguments: [me]) {
            throw StoreError(.forkedKey(seq: seq))
        }
    }

    static func meta(_ db: Database, _ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
    }

    static func setMeta(_ db: Database, _ key: String, _ value: String) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [key, value])
    }
}

extension StoreError {
    /// A fault of the storage itself (``classify(_:)``'s codes): the
    /// replica is as it was, and a peer may retry later.
    public var isStorageFault: Bool {
        ["store.disk_full", "store.read_only", "store.busy", "store.damaged"].contains(code)
    }

    /// The refusals of ``ReplicaStore/checkOwnChain``: the key must not sign
    /// now, but syncing (and so carrying the evidence) goes on.
    public var isOwnChainGuard: Bool {
        ["store.restored_unsynced", "store.behind_chain", "store.forked_key", "store.behind_key"].contains(code)
    }
}
