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
        try ingestEnvelopes(envelopes.map { .success($0) }, now: now)
    }

    /// Ingest of envelopes some of which could not even be read (their
    /// refusals are kept in place), verified on all cores.
    public func ingestEnvelopes(_ items: [Result<Envelope, OpRejection>], now: Int64) throws -> IngestReport {
        try ingestVerified(Self.verifyAll(items, network: network), now: now)
    }

    /// Steps 1–11 of PROTOCOL.md §2.5 for a batch, on all cores, without
    /// touching the database: a caller can verify the next batch while the
    /// current one is written (`ingestVerified`), as sync and import do.
    public func verify(_ items: [Result<Envelope, OpRejection>]) -> [Result<VerifiedOp, OpRejection>] {
        Self.verifyAll(items, network: network)
    }

    /// Steps 1–11 of PROTOCOL.md §2.5 for a batch, on all cores, in order.
    static func verifyAll(_ items: [Result<Envelope, OpRejection>], network: Digest) -> [Result<VerifiedOp, OpRejection>] {
        parallelMap(items) { item in
            item.flatMap { env in
                do throws(OpRejection) { return .success(try VerifiedOp.verify(env, network: network)) } catch { return .failure(error) }
            }
        }
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
            return (w.report, (w.idx.learned, w.idx.learnedOps))
        }
        metaCache.merge(learned.0)   // only after the transaction committed
        metaCache.merge(ops: learned.1)
        return report
    }

    /// Offers the pending operations whose time has come (clock.future).
    public func releaseDue(now: Int64) throws -> [Digest] {
        let (released, learned) = try pool.write { db in
            var w = IngestWriter(db: db, now: now, maxSkew: maxSkewMillis, cache: metaCache)
            try w.releaseDueFuture()
            try w.flushAuthors()
            return (w.report.released, (w.idx.learned, w.idx.learnedOps))
        }
        metaCache.merge(learned.0)
        metaCache.merge(ops: learned.1)
        return released
    }
}

/// Maps `f` over `items` on all cores, keeping order.
func parallelMap<T: Sendable, U: Sendable>(_ items: [T], _ f: @Sendable (T) -> U) -> [U] {
    if items.count < 64 { return items.map(f) }
    let out = UnsafeMutableBufferPointer<U?>.allocate(capacity: items.count)
    out.initialize(repeating: nil)
    // Deinitialised before it is freed: freeing alone would keep every
    // result's references alive (it leaked each verified operation, so a
    // sync held the whole history).
    defer { _ = out.deinitialize(); out.deallocate() }
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
    /// The read model's tables, maintained in this transaction.
    let readModel: ReadModelWriter

    init(db: Database, now: Int64, maxSkew: Int64, cache: MetaCache? = nil) {
        self.db = db; self.now = now; self.maxSkew = maxSkew
        idx = SQLiteOpIndex(db: db, cache: cache)
        readModel = ReadModelWriter(db: db, idx: idx)
    }

    mutating func offer(_ op: VerifiedOp, index: Int) throws {
        let decision = IngestDecider.decide(op, index: idx, now: now, maxSkew: maxSkew)
        if let e = idx.failure { throw e }
        switch decision {
        case .duplicate:
            if op.body != nil, let outcome = try fillBody(op) {
                report.results.append(IngestResult(index: index, id: op.id, outcome: outcome, equivocation: false, kind: op.header.kind))
                if outcome == .accepted { try wakeWaiters(of: op.id) }   // acts naming a staff registration waited for its body
                return
            }
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
        let parents = h.parents.compactMap { idx.meta(of: $0) }
        let rosterSeq = IngestDecider.rosterSeq(of: op, parents: parents, rosterAt: idx.roster(at:))
        try RawInsert.run(db.cachedStatement(sql: """
            INSERT INTO ops(id, author, seq, prev, kind, time, ctr, subject, roster_seq, header, sig, body, received_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """), [.text(op.id.hex), .text(author), .int(h.seq), .textOrNull(h.prev?.hex), .text(h.kind), .int(h.clock.time),
                   .int(h.clock.ctr), .textOrNull(Projections.subject(of: op)), .int(rosterSeq), .blob(op.envelope.header),
                   .blob(op.envelope.sig), .blobOrNull(op.envelope.body), .int(now)], db: db)
        let row = db.lastInsertedRowID
        if !others.isEmpty {
            for id in others + [op.id] {
                try db.execute(sql: "INSERT OR IGNORE INTO equivocations(author, seq, id) VALUES (?, ?, ?)",
                               arguments: [author, h.seq, id.hex])
            }
        }
        try Projections.apply(op, db: db)
        if h.seq > authorMax[author, default: 0] { authorMax[author] = h.seq }
        idx.didApply(op, rosterSeq: rosterSeq, row: row)
        try readModel.project(op, row: row, rosterSeq: rosterSeq)
    }

    /// An operation held without its body (§2.6: not carried) and offered
    /// again with it: the body is stored, after the checks it would have met
    /// on arrival, and every projection the body feeds is brought to what a
    /// rebuild gives (so a body delivered late is never lost). Nil when the
    /// stored copy already has its body; `.rejected` when the body fails a
    /// check (the operation stays held without it); `.duplicate` when what
    /// the body names is not held yet (a later copy can still fill it).
    mutating func fillBody(_ op: VerifiedOp) throws -> IngestResult.Outcome? {
        guard let row = idx.row(of: op.id),
              let stored = try Row.fetchOne(db.cachedStatement(sql: "SELECT body IS NULL AS missing, roster_seq FROM ops WHERE rowid = ?"), arguments: [row]),
              stored["missing"] as Bool else { return nil }
        // Erased on purpose (§2.6): the body stays dropped.
        if try Projections.isErased(op.id, db: db) { return .duplicate }
        switch IngestDecider.decide(op, index: idx, now: now, maxSkew: maxSkew, fillingBody: true) {
        case .reject(let r): return .rejected(r)
        case .wait(let missing):
            // What the body names is not held (or held without its body): the
            // body waits in `pending` and fills in when that arrives.
            return try hold(op, code: .missingDeps, notBefore: nil, missing: missing) ? .pending(.missingDeps) : .duplicate
        case .future, .duplicate: return .duplicate
        case .accept: break
        }
        let rosterSeq: Int64 = stored["roster_seq"]
        try db.execute(sql: "UPDATE ops SET body = ?, subject = ? WHERE rowid = ?",
                       arguments: [op.envelope.body.map { Data($0) }, Projections.subject(of: op), row])
        try db.execute(sql: "DELETE FROM notes WHERE id = ?", arguments: [op.id.hex])
        try Projections.apply(op, db: db)
        idx.didApply(op, rosterSeq: rosterSeq, row: row)
        try readModel.fillBody(op, row: row, rosterSeq: rosterSeq)
        return .accepted
    }

    /// Keeps a verified operation unapplied; false if it was already pending.
    mutating func hold(_ op: VerifiedOp, code: OpCode, notBefore: Int64?, missing: [Digest]) throws -> Bool {
        try db.cachedStatement(sql: """
            INSERT INTO pending(id, envelope, code, not_before, received_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(id) DO NOTHING
            """).execute(arguments: [op.id.hex, Data(op.envelope.encoded()), code.rawValue, notBefore, now])
        guard db.changesCount > 0 else {
            // Held already: a copy with the body replaces one without it (§2.6), never the reverse.
            if op.envelope.body != nil {
                try db.cachedStatement(sql: "UPDATE pending SET envelope = ? WHERE id = ?").execute(arguments: [Data(op.envelope.encoded()), op.id.hex])
            }
            return false
        }
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
        case .duplicate:
            // A body that waited for what it names (held without its own body).
            if op.body != nil, try fillBody(op) == .accepted {
                report.released.append(op.id)
                try wakeWaiters(of: op.id)
            }
        case .reject: break  // a rejection here leaves the replica as it was
        }
    }

    /// Writes the per-author maxima (and the read model's per-author rows)
    /// gathered in this transaction.
    mutating func flushAuthors() throws {
        try readModel.flush()
        for (author, seq) in authorMax {
            try db.cachedStatement(sql: """
                INSERT INTO authors(author, max_seq) VALUES (?, ?)
                ON CONFLICT(author) DO UPDATE SET max_seq = max(max_seq, excluded.max_seq)
                """).execute(arguments: [author, seq])
        }
        authorMax = [:]
    }
}
