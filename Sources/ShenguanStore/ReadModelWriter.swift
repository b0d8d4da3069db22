import Foundation
import GRDB
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

/// Maintains the read model (`ReadModel`) for the operations one write
/// transaction applies. An arriving operation costs O(its parents + the
/// operations whose bounds it newly sets), never O(history):
///
/// - `lo` of the new operation is the latest of its parents' contributions
///   (a parent of another department counts itself, one of its own
///   department its stored `lo`): the latest foreign operation of each
///   inclusive causal past is the operation itself, so this is exact.
/// - `hi` flows backwards: each ancestor of another department whose `hi` is
///   later than the new operation takes it, and the walk stops at an
///   ancestor of the new operation's own department (it precedes the new
///   operation and bounds every ancestor of its own) or at one already
///   bounded earlier (so is each of its ancestors).
final class ReadModelWriter {
    let db: Database
    let idx: SQLiteOpIndex
    /// `cited` rows changed in this transaction (flushed by `flush`).
    private var cited: [PublicKey: (dept: String, mark: StoredMark?)] = [:]
    private var citedDirty: Set<PublicKey> = []
    /// `lo` of the operations this transaction inserted (a `prev` is most often one).
    private var insertedLo: [Int64: StoredMark?] = [:]

    /// Whether any kept verdict could be made stale by this transaction:
    /// every kept verdict has its push among `verdict_inputs` and only
    /// `settleVerdicts` (another transaction) adds inputs, so when there are
    /// none now (an import into a new replica, migration v3's rebuild before
    /// the memo exists) the ingest skips every lookup of the memo.
    lazy var memoInUse: Bool = {
        guard (try? db.tableExists("verdict_inputs")) == true else { return false }
        return (try? Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM verdict_inputs)")) == true
    }()

    init(db: Database, idx: SQLiteOpIndex) { self.db = db; self.idx = idx }

    /// Projects one accepted operation stored at `row`.
    func project(_ op: VerifiedOp, row: Int64, rosterSeq: Int64) throws {
        let h = op.header
        let dept = idx.department(of: h.author)
        let me = StoredMark(clock: h.clock, id: op.id, dept: dept)
        var parents = [(row: Int64, mark: StoredMark, author: PublicKey)]()
        for id in h.parents {
            guard let m = idx.meta(of: id), let r = idx.row(of: id) else { continue }
            parents.append((r, StoredMark(clock: m.clock, id: id, dept: idx.department(of: m.author)), m.author))
        }
        var lo: StoredMark?
        for p in parents {
            let c = p.mark.dept != dept ? p.mark : try storedLo(p.row)
            if let c, lo.map({ $0 < c }) ?? true { lo = c }
        }
        let body = op.body
        let isItem = body != nil && (h.kind == WorkflowKinds.push || h.kind == WorkflowKinds.inquiry)
        try RawInsert.run(db.cachedStatement(sql: """
            INSERT INTO op_time(op, dept, parents, item, lo_time, lo_ctr, lo_id, lo_dept) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """), [.int(row), .text(dept), .blob(ReadModel.packRows(parents.map(\.row))), .int(isItem ? 1 : 0),
                   lo.map { .int($0.clock.time) } ?? .null, lo.map { .int($0.clock.ctr) } ?? .null,
                   lo.map { .blob($0.id.bytes) } ?? .null, .textOrNull(lo?.dept)], db: db)
        if insertedLo.count > 50_000 { insertedLo.removeAll(keepingCapacity: true) }   // a rebuild's one long transaction
        insertedLo[row] = lo
        try raiseHi(me, from: parents.filter { $0.mark.dept != dept }.map(\.row))
        for p in parents where p.mark.dept != dept { try cite(p.author, dept: p.mark.dept, by: me) }
        if h.kind == WitnessOps.kind, let body { try recordDeclarations(of: op, body: body) }
        if let body, WorkflowKinds.all.contains(h.kind) { try projectWorkflow(op, body: body, row: row, rosterSeq: rosterSeq) }
        if h.kind.hasPrefix("roster.") { try recomputeDeadlines(since: h.clock.time); try forgetAllVerdicts() }
    }

    /// The kept verdict of the push whose verdict read the operation at
    /// `row` (the push itself or an act on it): its inputs changed.
    func forgetVerdict(input row: Int64) throws {
        guard memoInUse, let push = try Int64.fetchOne(db.cachedStatement(sql: "SELECT push FROM verdict_inputs WHERE op = ?"), arguments: [row])
        else { return }
        try forgetVerdict(push: push)
    }

    /// The kept verdicts that read an act of `author` above `seq` (a new head
    /// declaration raises their `lo`).
    func forgetVerdicts(author: String, above seq: Int64) throws {
        guard memoInUse else { return }
        for push in try Int64.fetchAll(db.cachedStatement(sql: "SELECT DISTINCT push FROM verdict_inputs WHERE author = ? AND seq > ?"),
                                       arguments: [author, seq]) {
            try forgetVerdict(push: push)
        }
    }

    /// Marks the push's kept verdict stale (it waits to be judged again).
    private func forgetVerdict(push: Int64) throws {
        try db.cachedStatement(sql: "UPDATE verdict_memo SET valid_from = 0, valid_until = 0 WHERE push = ?").execute(arguments: [push])
        try db.cachedStatement(sql: "DELETE FROM verdict_inputs WHERE push = ?").execute(arguments: [push])
    }

    private func forgetAllVerdicts() throws {
        guard memoInUse else { return }
        try db.execute(sql: "UPDATE verdict_memo SET valid_from = 0, valid_until = 0; DELETE FROM verdict_inputs")
    }

    /// Writes what was gathered across the transaction (`cited`).
    func flush() throws {
        for a in citedDirty {
            guard let e = cited[a], let m = e.mark else { continue }
            try db.cachedStatement(sql: """
                INSERT INTO cited(author, dept, time, ctr, op) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(author) DO UPDATE SET dept = excluded.dept, time = excluded.time, ctr = excluded.ctr, op = excluded.op
                """).execute(arguments: [a.base64url, e.dept, m.clock.time, m.clock.ctr, Data(m.id.bytes)])
        }
        citedDirty = []
    }

    private func storedLo(_ row: Int64) throws -> StoredMark? {
        if let known = insertedLo[row] { return known }
        return try RawInsert.one(db.cachedStatement(sql: "SELECT lo_time, lo_ctr, lo_id, lo_dept FROM op_time WHERE op = ?"), [.int(row)], db: db) {
            StoredMark($0, at: 0)
        } ?? nil
    }

    /// Lowers `hi` of every ancestor that `mark` newly bounds (see the type's doc).
    private func raiseHi(_ mark: StoredMark, from start: [Int64]) throws {
        var stack = start
        let select = try db.cachedStatement(sql: "SELECT dept, parents, item, hi_time, hi_ctr, hi_id, hi_dept FROM op_time WHERE op = ?")
        let update = try db.cachedStatement(sql: "UPDATE op_time SET hi_time = ?, hi_ctr = ?, hi_id = ?, hi_dept = ? WHERE op = ?")
        while let x = stack.popLast() {
            // nil: stop here (same department, or already bounded no later); else (is an item, parents).
            let visit = try RawInsert.one(select, [.int(x)], db: db) { c -> (Bool, [Int64])? in
                if c.text(0) == mark.dept { return nil }
                if let current = StoredMark(c, at: 3), !(mark < current) { return nil }
                return (c.int(2) == 1, c.blob(1).map(ReadModel.unpackRows) ?? [])
            }
            guard let (isItem, parents) = visit ?? nil else { continue }
            try RawInsert.run(update, [.int(mark.clock.time), .int(mark.clock.ctr), .blob(mark.id.bytes), .text(mark.dept), .int(x)], db: db)
            if isItem { try updateDeadline(item: x, from: mark.clock.time) }
            try forgetVerdict(input: x)
            stack.append(contentsOf: parents)
        }
    }

    private func cite(_ author: PublicKey, dept: String, by mark: StoredMark) throws {
        if cited[author] == nil {
            let m = try RawInsert.one(db.cachedStatement(sql: "SELECT time, ctr, op, dept FROM cited WHERE author = ?"),
                                      [.text(author.base64url)], db: db) { StoredMark($0, at: 0) }
            cited[author] = (dept, m ?? nil)
        }
        if let cur = cited[author]!.mark, !(cur < mark) { return }
        cited[author] = (dept, mark)
        citedDirty.insert(author)
    }

    /// Adds a head declaration recorded in a witness to its author's
    /// staircase, unless another point bounds every act it bounds at least
    /// as well; removes the points it supersedes. Declarations by the
    /// witness's own department do not count (PROTOCOL.md §4.3).
    /// The head declarations a witness records (`declared`).
    func recordDeclarations(of op: VerifiedOp, body: JSONValue) throws {
        let dept = idx.department(of: op.header.author)
        for d in body["declarations"]?.arrayValue ?? [] { try record(declaration: d, witness: op.id, witnessDept: dept) }
    }

    private func record(declaration d: JSONValue, witness: Digest, witnessDept: String) throws {
        // The witness body was verified before it was stored (§2.5 step 11).
        guard let author = d["author"]?.stringValue.flatMap({ PublicKey(base64url: $0) }), let seq = d["seq"]?.intValue,
              let time = d["time"]?.intValue, idx.replicaDepartment(of: author) != witnessDept else { return }
        let p = DeclarationPoint(seq: seq, time: time, witness: witness)
        let a = author.base64url
        if let r = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, time, witness FROM declared WHERE author = ? AND seq <= ? ORDER BY seq DESC LIMIT 1"),
                                    arguments: [a, seq]),
           let w = Digest(bytes: [UInt8](r[2] as Data)) {
            let q = DeclarationPoint(seq: r[0], time: r[1], witness: w)
            if q == p || q.beats(p) { return }
        }
        // Points at or above `seq` that `p` beats are no longer on the staircase.
        let above = try Row.fetchAll(db.cachedStatement(sql: "SELECT seq, time, witness FROM declared WHERE author = ? AND seq >= ? ORDER BY seq"),
                                     arguments: [a, seq])
        for r in above {
            guard let w = Digest(bytes: [UInt8](r[2] as Data)) else { continue }
            let q = DeclarationPoint(seq: r[0], time: r[1], witness: w)
            guard p.beats(q) else { break }
            try db.cachedStatement(sql: "DELETE FROM declared WHERE author = ? AND seq = ?").execute(arguments: [a, q.seq])
        }
        try db.cachedStatement(sql: "INSERT INTO declared(author, seq, time, witness) VALUES (?, ?, ?, ?)")
            .execute(arguments: [a, seq, time, Data(witness.bytes)])
        try forgetVerdicts(author: a, above: seq)
    }
}
