import Foundation
import GRDB
import ShenguanCore
import ShenguanCrypto

/// The verdict on one operation of an ingested batch.
public struct IngestResult: Equatable, Sendable {
    public enum Outcome: Equatable, Sendable {
        case accepted
        case duplicate
        /// Held unapplied: `op.missing_deps` or `clock.future`.
        case pending(OpCode)
        case rejected(OpRejection)
    }
    /// Position in the batch.
    public let index: Int
    /// nil when the envelope could not even be read.
    public let id: Digest?
    public let outcome: Outcome
    /// Accepted, and it forks its author's chain (same author and seq as a held op).
    public let equivocation: Bool
    /// The operation's kind, once its header was read (nil if it could not be).
    public var kind: String? = nil

    public var code: String {
        switch outcome {
        case .accepted: "accepted"
        case .duplicate: "duplicate"
        case .pending(let c): c.rawValue
        case .rejected(let r): r.code.rawValue
        }
    }
}

/// A batch's verdicts plus the previously pending operations it released.
public struct IngestReport: Sendable {
    public var results: [IngestResult] = []
    /// Ids of operations that were pending and got applied during this ingest.
    public var released: [Digest] = []
    /// For imports: why the file looks damaged (truncated, count mismatch), if it does.
    public var damage: StoreError?
    public var accepted: Int { results.filter { $0.outcome == .accepted }.count }
    public var rejected: Int { results.filter { if case .rejected = $0.outcome { true } else { false } }.count }
}

extension ReplicaStore {
    /// Verifies and applies a batch in one transaction (DESIGN.md "Sync"):
    /// signatures are checked on all cores first; then each operation is
    /// accepted, recognised as a duplicate, held as pending, or rejected with
    /// its code. A rejected operation never blocks or loses the others.
    public func ingest(_ envelopes: [Envelope], now: Int64) throws -> IngestReport {
        let network = self.network
        let verified = parallelMap(envelopes) { env -> Result<VerifiedOp, OpRejection> in
            do throws(OpRejection) { return .success(try VerifiedOp.verify(env, network: network)) } catch { return .failure(error) }
        }
        return try ingestVerified(verified, now: now)
    }

    /// Ingest of already stateless-verified operations (steps 1–11 done).
    public func ingestVerified(_ items: [Result<VerifiedOp, OpRejection>], now: Int64) throws -> IngestReport {
        let (report, learned) = try pool.write { db in
            var w = IngestWriter(db: db, now: now, maxSkew: maxSkewMillis, cache: metaCache)
            try w.idx.prefetchAbsent(items.compactMap { try? $0.get().id })
            try w.releaseDueFuture()
            for (i, item) in items.enumerated() {
                switch item {
                case .failure(let r): w.report.results.append(IngestResult(index: i, id: nil, outcome: .rejected(r), equivocation: false))
                case .success(let op): try w.offer(op, index: i)
                }
            }
            try w.flushAuthors()
            return (w.report, w.idx.learned)
        }
        metaCache.merge(learned)   // only after the transaction committed
        return report
    }

    /// Offers the pending operations whose time has come (clock.future).
    public func releaseDue(now: Int64) throws -> [Digest] {
        let (released, learned) = try pool.write { db in
            var w = IngestWriter(db: db, now: now, maxSkew: maxSkewMillis, cache: metaCache)
            try w.releaseDueFuture()
            try w.flushAuthors()
            return (w.report.released, w.idx.learned)
        }
        metaCache.merge(learned)
        return released
    }
}

/// Maps `f` over `items` on all cores, keeping order.
func parallelMap<T: Sendable, U: Sendable>(_ items: [T], _ f: @Sendable (T) -> U) -> [U] {
    if items.count < 64 { return items.map(f) }
    let out = UnsafeMutableBufferPointer<U?>.allocate(capacity: items.count)
    out.initialize(repeating: nil)
    defer { out.deallocate() }
    nonisolated(unsafe) let buffer = out
    let chunks = min(items.count / 32, ProcessInfo.processInfo.activeProcessorCount * 4)
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let lo = items.count * c / chunks, hi = items.count * (c + 1) / chunks
        for i in lo..<hi { buffer[i] = f(items[i]) }
    }
    return out.map { $0! }
}

/// The state of one ingest transaction.
struct IngestWriter {
    let db: Database
    let now: Int64
    let maxSkew: Int64
    var report = IngestReport()
    /// Highest seq seen per author in this transaction, flushed at the end.
    var authorMax: [String: Int64] = [:]

    /// Lookups with caches for what this transaction already read or wrote.
    let idx: SQLiteOpIndex

    init(db: Database, now: Int64, maxSkew: Int64, cache: MetaCache? = nil) {
        self.db = db; self.now = now; self.maxSkew = maxSkew
        idx = SQLiteOpIndex(db: db, cache: cache)
    }

    mutating func offer(_ op: VerifiedOp, index: Int) throws {
        let decision = IngestDecider.decide(op, index: idx, now: now, maxSkew: maxSkew)
        if let e = idx.failure { throw e }
        switch decision {
        case .duplicate:
            report.results.append(IngestResult(index: index, id: op.id, outcome: .duplicate, equivocation: false, kind: op.header.kind))
        case .accept(let others):
            try apply(op, equivocatesWith: others)
            report.results.append(IngestResult(index: index, id: op.id, outcome: .accepted, equivocation: !others.isEmpty, kind: op.header.kind))
            try wakeWaiters(of: op.id)
        case .wait(let missing):
            let fresh = try hold(op, code: .missingDeps, notBefore: nil, missing: missing)
            report.results.append(IngestResult(index: index, id: op.id, outcome: fresh ? .pending(.missingDeps) : .duplicate, equivocation: false, kind: op.header.kind))
        case .future(let notBefore):
            let fresh = try hold(op, code: .future, notBefore: notBefore, missing: [])
            report.results.append(IngestResult(index: index, id: op.id, outcome: fresh ? .pending(.future) : .duplicate, equivocation: false, kind: op.header.kind))
        case .reject(let r):
            report.results.append(IngestResult(index: index, id: op.id, outcome: .rejected(r), equivocation: false, kind: op.header.kind))
        }
    }

    /// Inserts an accepted operation and its projections.
    mutating func apply(_ op: VerifiedOp, equivocatesWith others: [Digest]) throws {
        let h = op.header
        let author = h.author.base64url
        let parents = ([h.prev].compactMap { $0 } + h.deps).compactMap { idx.meta(of: $0) }
        let rosterSeq = IngestDecider.rosterSeq(of: op, parents: parents, rosterAt: idx.roster(at:))
        try db.cachedStatement(sql: """
            INSERT INTO ops(id, author, seq, prev, kind, time, ctr, subject, roster_seq, header, sig, body, received_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [op.id.hex, author, h.seq, h.prev?.hex, h.kind, h.clock.time, h.clock.ctr,
                                     Projections.subject(of: op), rosterSeq, Data(op.envelope.header), Data(op.envelope.sig),
                                     op.envelope.body.map { Data($0) }, now])
        if !others.isEmpty {
            for id in others + [op.id] {
                try db.execute(sql: "INSERT OR IGNORE INTO equivocations(author, seq, id) VALUES (?, ?, ?)",
                               arguments: [author, h.seq, id.hex])
            }
        }
        try Projections.apply(op, db: db)
        if h.seq > authorMax[author, default: 0] { authorMax[author] = h.seq }
        idx.didApply(op, rosterSeq: rosterSeq)
    }

    /// Keeps a verified operation unapplied; false if it was already pending.
    mutating func hold(_ op: VerifiedOp, code: OpCode, notBefore: Int64?, missing: [Digest]) throws -> Bool {
        try db.cachedStatement(sql: """
            INSERT INTO pending(id, envelope, code, not_before, received_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(id) DO NOTHING
            """).execute(arguments: [op.id.hex, Data(op.envelope.encoded()), code.rawValue, notBefore, now])
        guard db.changesCount > 0 else { return false }
        if !missing.isEmpty { idx.hasWaiters = true }
        for m in missing {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO pending_waits(missing, id) VALUES (?, ?)")
                .execute(arguments: [m.hex, op.id.hex])
        }
        return true
    }

    /// Re-offers the pending operations that waited for `id`, transitively.
    mutating func wakeWaiters(of id: Digest) throws {
        guard idx.hasWaiters else { return }
        let waiters = try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM pending_waits WHERE missing = ?"), arguments: [id.hex])
        guard !waiters.isEmpty else { return }
        try db.execute(sql: "DELETE FROM pending_waits WHERE missing = ?", arguments: [id.hex])
        for w in waiters {
            let stillMissing = try Int.fetchOne(db, sql: "SELECT count(*) FROM pending_waits WHERE id = ?", arguments: [w]) ?? 0
            if stillMissing == 0 { try reoffer(pendingID: w) }
        }
    }

    /// Offers the pending operations whose `not_before` has passed.
    mutating func releaseDueFuture() throws {
        let due = try String.fetchAll(db, sql: "SELECT id FROM pending WHERE code = ? AND not_before <= ? ORDER BY id",
                                      arguments: [OpCode.future.rawValue, now])
        for id in due { try reoffer(pendingID: id) }
    }

    /// Takes an operation out of `pending` and decides again.
    mutating func reoffer(pendingID: String) throws {
        guard let data = try Data.fetchOne(db, sql: "SELECT envelope FROM pending WHERE id = ?", arguments: [pendingID]) else { return }
        try db.execute(sql: "DELETE FROM pending WHERE id = ?", arguments: [pendingID])
        // It was verified (steps 1–11) before it was stored as pending.
        guard let env = try? Envelope.decode([UInt8](data)), let op = try? VerifiedOp.reload(env) else { return }
        let decision = IngestDecider.decide(op, index: idx, now: now, maxSkew: maxSkew)
        if let e = idx.failure { throw e }
        switch decision {
        case .accept(let others):
            try apply(op, equivocatesWith: others)
            report.released.append(op.id)
            try wakeWaiters(of: op.id)
        case .wait(let missing): _ = try hold(op, code: .missingDeps, notBefore: nil, missing: missing)
        case .future(let nb): _ = try hold(op, code: .future, notBefore: nb, missing: [])
        case .duplicate, .reject: break  // a rejection here leaves the replica as it was
        }
    }

    /// Writes the per-author maxima gathered in this transaction.
    mutating func flushAuthors() throws {
        for (author, seq) in authorMax {
            try db.cachedStatement(sql: """
                INSERT INTO authors(author, max_seq) VALUES (?, ?)
                ON CONFLICT(author) DO UPDATE SET max_seq = max(max_seq, excluded.max_seq)
                """).execute(arguments: [author, seq])
        }
        authorMax = [:]
    }
}

/// `OpIndex` over the replica's SQLite tables, inside one write transaction,
/// with in-memory caches of what the transaction already knows: metadata of
/// operations it read or applied, each author's highest seq (an op above it
/// cannot equivocate, so no lookup), the roster versions, and whether
/// anything waits at all.
final class SQLiteOpIndex: OpIndex {
    let db: Database
    var failure: Error?
    /// Metadata this transaction applied or read: merged into the store's
    /// cache once the transaction has committed.
    private(set) var learned: [Digest: OpMeta] = [:]
    private let cache: MetaCache?
    /// Ids known not to be stored when the transaction began (one batched query).
    private var absent: Set<Digest> = []
    private var maxSeq: [PublicKey: Int64] = [:]
    lazy var hasWaiters: Bool = (try? Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM pending_waits)")) ?? true
    /// Roster versions, index = root-chain seq − 1.
    private lazy var rosters: [RosterState] = loadRosters()

    init(db: Database, cache: MetaCache? = nil) { self.db = db; self.cache = cache }

    /// One query for the whole batch instead of one duplicate lookup per op.
    func prefetchAbsent(_ ids: [Digest]) throws {
        var found = Set<String>()
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ ids[$0..<min($0 + 500, ids.count)] }) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            found.formUnion(try String.fetchAll(db, sql: "SELECT id FROM ops WHERE id IN (\(marks))", arguments: StatementArguments(chunk.map(\.hex))))
        }
        absent = Set(ids.filter { !found.contains($0.hex) })
    }

    var latestRoster: RosterState? { rosters.last }

    func didApply(_ op: VerifiedOp, rosterSeq: Int64) {
        let h = op.header
        learned[op.id] = OpMeta(author: h.author, seq: h.seq, clock: h.clock, rosterSeq: rosterSeq)
        absent.remove(op.id)
        if h.seq > maxSeq[h.author] ?? 0 { maxSeq[h.author] = h.seq }
        if h.kind == RosterOps.genesis, let g = try? RosterState(genesis: op) {
            rosters = [g]
        } else if h.kind.hasPrefix("roster."), rosterSeq == Int64(rosters.count) + 1, var next = rosters.last,
                  (try? next.apply(op)) != nil {
            rosters.append(next)
        }
    }

    func meta(of id: Digest) -> OpMeta? {
        if let m = learned[id] ?? cache?.get(id) { return m }
        if absent.contains(id) { return nil }
        do {
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT author, seq, time, ctr, roster_seq FROM ops WHERE id = ?"),
                                             arguments: [id.hex]) else { return nil }
            guard let pk = PublicKey(base64url: row[0] as String) else { return nil }
            let m = OpMeta(author: pk, seq: row[1], clock: HLC(time: row[2], ctr: row[3]), rosterSeq: row[4])
            learned[id] = m
            return m
        } catch { failure = failure ?? error; return nil }
    }

    func ids(author: PublicKey, seq: Int64) -> [Digest] {
        do {
            if maxSeq[author] == nil {
                maxSeq[author] = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max_seq FROM authors WHERE author = ?"),
                                                    arguments: [author.base64url]) ?? 0
            }
            // Projections of earlier transactions are flushed; this one's are in maxSeq.
            if seq > maxSeq[author]! { return [] }
            return try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM ops WHERE author = ? AND seq = ?"),
                                       arguments: [author.base64url, seq]).compactMap { Digest(hex: $0) }
        } catch { failure = failure ?? error; return [] }
    }

    func roster(at version: Int64) -> RosterState? {
        version >= 1 && version <= Int64(rosters.count) ? rosters[Int(version) - 1] : nil
    }

    func staff(_ id: Digest) -> StaffMember? {
        do {
            guard let body = try Data.fetchOne(db, sql: "SELECT body FROM ops WHERE id = ? AND kind = ?", arguments: [id.hex, RosterOps.staff]),
                  let json = try? CanonicalJSON.parse([UInt8](body)) else { return nil }
            return try? StaffMember(json: json)
        } catch { failure = failure ?? error; return nil }
    }

    private func loadRosters() -> [RosterState] {
        do {
            // Roster operations in version order (their roster_seq), genesis first.
            let rows = try Row.fetchAll(db, sql: "SELECT header, sig, body FROM ops WHERE kind LIKE 'roster.%' ORDER BY roster_seq")
            guard let first = rows.first, let genesisOp = try? ReplicaStore.load(first),
                  var state = try? RosterState(genesis: genesisOp) else { return [] }
            var out = [state]
            for r in rows.dropFirst() {
                guard let op = try? ReplicaStore.load(r), (try? state.apply(op)) != nil else { break }
                out.append(state)
            }
            return out
        } catch { failure = failure ?? error; return [] }
    }
}

extension ReplicaStore {
    /// Ingest of envelopes some of which could not even be read (their
    /// refusals are kept in place), verified on all cores.
    public func ingestEnvelopes(_ items: [Result<Envelope, OpRejection>], now: Int64) throws -> IngestReport {
        let network = self.network
        let verified = parallelMap(items) { item -> Result<VerifiedOp, OpRejection> in
            item.flatMap { env in
                do throws(OpRejection) { return .success(try VerifiedOp.verify(env, network: network)) } catch { return .failure(error) }
            }
        }
        return try ingestVerified(verified, now: now)
    }
}
