import Foundation
import GRDB
import Synchronization
import ShenguanCore
import ShenguanCrypto

/// The one owner of a replica's SQLite database (WAL, through GRDB).
///
/// Operations are stored as their exact signed bytes plus indexed columns;
/// projections are tables written in the same transaction as the operations
/// they derive from and can be rebuilt from the operations alone
/// (DESIGN.md "Storage"). Each write is one invariant-keeping transaction.
public final class ReplicaStore: Sendable {
    /// A `DatabasePool` (WAL); a read-only `DatabaseQueue` when the file
    /// lies on a read-only filesystem (``ReadOnlyDisk``).
    let pool: any DatabaseWriter
    /// The network this replica belongs to; operations of others are refused.
    public let network: Digest
    /// The maximum clock skew tolerated before an operation waits (policy `maxSkew`).
    public let maxSkewMillis: Int64
    /// Metadata of committed operations (immutable once stored), so that
    /// `prev`/`deps` lookups of later batches rarely reach SQLite.
    let metaCache = MetaCache()

    /// Opens (creating if needed) the database at `path`. A new database is
    /// bound to `network`; an existing one must already be on it.
    public init(path: String, network: Digest? = nil, maxSkewMillis: Int64 = IngestDecider.defaultMaxSkewMillis) throws {
        var config = Configuration()
        config.prepareDatabase { db in
            // Durability of acknowledged operations over speed: a commit that
            // returned survives power loss (BENCHMARKS.md explains the cost).
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // Room for the indexes a large ingest touches (64 MiB at most,
            // grown only as used), and checkpoints every 8,192 WAL pages
            // rather than 1,000: a page changed by several batches is copied
            // back once (BENCHMARKS.md, "Storage settings"). No memory map:
            // it covers only the file's first N bytes (at a city-year the
            // file is 2.3 GB) and every page it touched counted in the
            // process's memory (BENCHMARKS.md, session 6).
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA mmap_size = 0")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8192")
            // For profiling (BENCHMARKS.md): statements slower than 2 ms, their
            // SQL text only (never the bound values), to stderr.
            if ProcessInfo.processInfo.environment["SHENGUAN_SQL_PROFILE"] != nil {
                db.trace(options: .profile) { e in
                    if case let .profile(statement, duration) = e, duration > 0.002 { FileHandle.standardError.write(Data("SQL \(String(format: "%.1f", duration * 1000)) ms: \(statement.sql.prefix(160))\n".utf8)) }
                }
            }
        }
        config.busyMode = .timeout(10)
        if ReadOnlyDisk.holds(path) {
            // Nobody can change a file on a read-only filesystem, so SQLite
            // may read it as immutable: no -wal or -shm file to create, which
            // a WAL database otherwise needs even to be read (issue 14 item 5).
            guard FileManager.default.fileExists(atPath: path) else {
                throw StoreError(.readOnly("the disk is mounted read-only and holds no replica database at \(path)"))
            }
            config.readonly = true
            // Committed writes still in the -wal file (a full disk stopped the
            // checkpoint) must be read too: then SQLite reads the WAL beside
            // the existing -shm file; "immutable" would read the main file
            // only, and show an older replica.
            let pending = ReadOnlyDisk.walHoldsCommits(path)
            do { pool = try DatabaseQueue(path: pending ? path : ReadOnlyDisk.immutableURI(path), configuration: config) } catch {
                throw StoreError(.readOnly(pending
                    ? "the disk was made read-only before the replica's last writes were folded into its file (\(path)-wal): mount it read-write once, then read-only again"
                    : "\(error)"))
            }
            guard try pool.read({ try Self.migrator.hasCompletedMigrations($0) }) else {
                throw StoreError(.readOnly("this replica's database needs an upgrade, which a read-only disk cannot take: mount it read-write once"))
            }
        } else {
            do { pool = try DatabasePool(path: path, configuration: config) } catch {
                throw StoreError.classify(error) ?? StoreError(.cannotOpen(path, "\(error)"))
            }
            try Self.migrator.migrate(pool)
        }
        let stored: String? = try pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'network'") }
        switch (stored.flatMap { Digest(hex: $0) }, network) {
        case (let s?, let n?) where s != n:
            throw StoreError(.networkMismatch(have: s.hex, asked: n.hex))
        case (let s?, _):
            self.network = s
        case (nil, let n?):
            try pool.write { db in try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('network', ?)", arguments: [n.hex]) }
            self.network = n
        case (nil, nil):
            throw StoreError(.notInitialised(path))
        }
        self.maxSkewMillis = maxSkewMillis
    }

    /// The roster operations (kinds `roster.*`), as a range of the
    /// `(kind, subject)` index: kinds are `[a-z0-9_.]` (PROTOCOL.md §2.1), so
    /// this equals `kind LIKE 'roster.%'`, which SQLite cannot serve from an
    /// index and answered by scanning every operation, on every ingest
    /// transaction and every sync request.
    static let rosterKinds = "kind >= 'roster.' AND kind < 'roster/'"

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                -- Every operation held, as its exact signed bytes (PROTOCOL.md §2).
                CREATE TABLE ops(
                    rowid INTEGER PRIMARY KEY,          -- arrival order on this replica
                    id TEXT NOT NULL UNIQUE,            -- hex SHA-256 of the signed bytes
                    author TEXT NOT NULL,               -- base64url Ed25519 public key
                    seq INTEGER NOT NULL,
                    prev TEXT,
                    kind TEXT NOT NULL,
                    time INTEGER NOT NULL,              -- author's HLC time, ms since epoch
                    ctr INTEGER NOT NULL,
                    subject TEXT,                       -- what the op is about (licence, push, ...)
                    roster_seq INTEGER NOT NULL,        -- roster version it was written under (PROTOCOL.md §2.7)
                    header BLOB NOT NULL,
                    sig BLOB NOT NULL,
                    body BLOB,                          -- NULL once erased
                    received_at INTEGER NOT NULL);
                CREATE INDEX ops_by_author_seq ON ops(author, seq);
                CREATE INDEX ops_by_kind_subject ON ops(kind, subject);
                -- Verified operations waiting for what they build on, or for the clock.
                CREATE TABLE pending(
                    id TEXT PRIMARY KEY,
                    envelope BLOB NOT NULL,
                    code TEXT NOT NULL,                 -- op.missing_deps or clock.future
                    not_before INTEGER,                 -- for clock.future
                    received_at INTEGER NOT NULL);
                CREATE TABLE pending_waits(
                    missing TEXT NOT NULL,
                    id TEXT NOT NULL REFERENCES pending(id) ON DELETE CASCADE,
                    PRIMARY KEY(missing, id)) WITHOUT ROWID;
                -- Projections (rebuildable from ops).
                CREATE TABLE authors(
                    author TEXT PRIMARY KEY,
                    max_seq INTEGER NOT NULL,
                    cited_seq INTEGER NOT NULL DEFAULT 0);  -- highest seq this replica's own ops cite
                CREATE TABLE equivocations(
                    author TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL,
                    PRIMARY KEY(author, seq, id)) WITHOUT ROWID;
                CREATE TABLE staff(
                    id TEXT PRIMARY KEY,                -- the staff.register operation
                    department TEXT NOT NULL, staff_no TEXT NOT NULL, name TEXT NOT NULL, office TEXT NOT NULL,
                    valid_from TEXT NOT NULL, valid_until TEXT NOT NULL);
                CREATE TABLE notes(
                    id TEXT PRIMARY KEY, author TEXT NOT NULL, seq INTEGER NOT NULL,
                    time INTEGER NOT NULL, text TEXT, staff TEXT);
                """)
        }
        m.registerMigration("v2-sync") { db in
            try db.execute(sql: """
                -- Head declarations received from peers, until a witness records them.
                CREATE TABLE declarations(
                    author TEXT PRIMARY KEY, seq INTEGER NOT NULL, id TEXT, time INTEGER NOT NULL,
                    json TEXT NOT NULL, received_at INTEGER NOT NULL, witnessed INTEGER NOT NULL DEFAULT 0);
                -- Peers this replica syncs with (shenguan peers).
                CREATE TABLE peers(
                    url TEXT PRIMARY KEY, added_at INTEGER NOT NULL,
                    last_sync INTEGER, last_vector TEXT);
                """)
        }
        m.registerMigration("v3-read-model") { db in
            // The maintained read model (issue 12), built from the operations
            // a replica of an earlier release already holds.
            try db.execute(sql: ReadModel.schema)
            try db.execute(sql: ReadModel.subjectsSchema)
            try ReadModel.rebuild(db: db)
        }
        m.registerMigration("v4-subjects") { db in
            // Items by licence number, credit code and name (issue 15); a
            // replica created at v3 or later already has the table.
            guard try !db.tableExists("subjects") else { return }
            try db.execute(sql: ReadModel.subjectsSchema)
            try ReadModel.fillSubjects(db: db)
        }
        m.registerMigration("v5-sync-nonces") { db in
            // Nonces of accepted sync requests until they expire, so that a
            // restarted server still refuses a replay (PROTOCOL.md §7.2).
            try db.execute(sql: "CREATE TABLE sync_nonces(key TEXT PRIMARY KEY, expires INTEGER NOT NULL) WITHOUT ROWID")
        }
        m.registerMigration("v6-web-accounts") { db in
            // Local accounts of the web interface (issue 16): one per staff
            // number of this replica's department, an Argon2id hash, the
            // failure count and lockout; sessions by the SHA-256 of their
            // token (a copy of the database does not sign anyone in).
            try db.execute(sql: """
                CREATE TABLE web_accounts(staff_no TEXT PRIMARY KEY, hash TEXT NOT NULL, failures INTEGER NOT NULL DEFAULT 0,
                                          locked_until INTEGER NOT NULL DEFAULT 0, changed INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE web_sessions(token TEXT PRIMARY KEY, staff_no TEXT NOT NULL, csrf TEXT NOT NULL,
                                          expires INTEGER NOT NULL) WITHOUT ROWID;
                CREATE INDEX web_sessions_staff ON web_sessions(staff_no);
                """)
        }
        m.registerMigration("v7-verdict-memo-peer-state") { db in
            // Verdicts kept for the 统计 page (issue 16); starts empty.
            try db.execute(sql: ReadModel.memoSchema)
            // 同步状态 (issue 16): when a peer was last tried and how that failed.
            try db.execute(sql: "ALTER TABLE peers ADD COLUMN last_attempt INTEGER; ALTER TABLE peers ADD COLUMN last_error TEXT")
        }
        m.registerMigration("v8-staff-ends") { db in
            // Staff registrations ended early (staff.end, issue 15). The kind
            // is new, so a replica of an earlier release holds none.
            try db.execute(sql: """
                CREATE TABLE staff_ends(id TEXT PRIMARY KEY, registration TEXT NOT NULL, last_day TEXT NOT NULL);
                CREATE INDEX staff_ends_registration ON staff_ends(registration);
                """)
        }
        m.registerMigration("v9-wf-open-per-department") { db in
            // An item may be on several departments' lists (R13 reviews and
            // minutes): the key becomes (item, dept); rows are kept as they are.
            try db.execute(sql: "ALTER TABLE wf_open RENAME TO wf_open_v8; DROP INDEX wf_open_by_dept")
            try db.execute(sql: ReadModel.wfOpenSchema)
            try db.execute(sql: """
                INSERT INTO wf_open(item, action, dept, working_days, deadline) SELECT item, action, dept, working_days, deadline FROM wf_open_v8;
                DROP TABLE wf_open_v8
                """)
        }
        m.registerMigration("v10-item-subjects") { db in
            // Licences by approval item code (R22 queries, issue 18).
            try ReadModel.fillItemSubjects(db: db)
        }
        return m
    }

    /// A value from the `meta` table.
    public func meta(_ key: String) throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [key, value])
        }
    }

    /// Number of operations held (not counting pending ones).
    public func count() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM ops") ?? 0 }
    }

    public func pendingCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM pending") ?? 0 }
    }
}

/// What the store knows of a committed operation: its metadata and row.
struct StoredMeta: Equatable, Sendable {
    let meta: OpMeta
    /// `ops.rowid`: how the read model's tables name the operation.
    let row: Int64
}

/// A bounded, thread-safe cache of committed operations' metadata, and of
/// the operations later ones name (records, pushes, inquiries, requests,
/// staff registrations), which the ingest checks read (`WorkflowRules`).
///
/// Its bounds are part of the memory budget of a sync or an import (< 300 MB
/// at a city-year, BENCHMARKS.md): about 100 bytes per metadata entry (~25 MB) (the
/// author's key is shared by all its entries, not copied per operation) and
/// a few KB per named operation.
final class MetaCache: Sendable {
    private struct Entries {
        var map: [Digest: StoredMeta] = [:]
        /// One copy of each author's key, shared by its entries.
        var authors: [PublicKey: PublicKey] = [:]
    }
    private let entries = Mutex(Entries())
    private let named = Mutex<[Digest: VerifiedOp]>([:])
    static let limit = 150_000   // within 2^18 hash buckets (Swift grows a dictionary past 3/4 full)
    static let namedLimit = 10_000
    /// The kinds kept in `named`: what later operations name (not attachments: large, and checked by hash).
    static let namedKinds: Set<String> = [WorkflowKinds.approval, WorkflowKinds.supervision, WorkflowKinds.push, WorkflowKinds.inquiry,
                                          WorkflowKinds.revocationRequest, WorkflowKinds.correction, WorkflowKinds.warningList, RosterOps.staff]

    func get(_ id: Digest) -> StoredMeta? { entries.withLock { $0.map[id] } }

    func operation(_ id: Digest) -> VerifiedOp? { named.withLock { $0[id] } }

    /// Adds operations whose transaction has committed.
    func merge(ops: [Digest: VerifiedOp]) {
        guard !ops.isEmpty else { return }
        named.withLock { n in
            if n.count + ops.count > Self.namedLimit { n.removeAll(keepingCapacity: true) }
            n.merge(ops) { _, b in b }   // a body filled in later (§2.6) replaces the copy without it
        }
    }

    /// Adds metadata of operations whose transaction has committed.
    func merge(_ new: [Digest: StoredMeta]) {
        entries.withLock { e in
            if e.map.count + new.count > Self.limit { e.map.removeAll(keepingCapacity: true) }
            // Grow geometrically: `merge` alone resizes to the exact new
            // count, rehashing the whole cache after every batch.
            if e.map.capacity < e.map.count + new.count { e.map.reserveCapacity(max(e.map.count + new.count, 2 * e.map.capacity)) }
            for (id, m) in new where e.map[id] == nil {
                let key = e.authors[m.meta.author] ?? m.meta.author
                if e.authors[key] == nil { e.authors[key] = key }
                e.map[id] = StoredMeta(meta: OpMeta(author: key, seq: m.meta.seq, clock: m.meta.clock, rosterSeq: m.meta.rosterSeq), row: m.row)
            }
        }
    }
}
