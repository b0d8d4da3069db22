import Foundation
import GRDB
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

/// The maintained read model (DESIGN.md "Storage"; issue 12): tables derived
/// from the operations in the same transaction that stores them, so that a
/// view reads the rows it shows instead of folding the whole history.
///
/// - `op_time`: per operation, its department, its parents and the marks that
///   set its proven interval (PROTOCOL.md §4.3): `lo` from the causal past,
///   `hi` from the earliest operation of another department that holds it.
/// - `declared`: per author, the head declarations recorded in witnesses, as
///   a staircase (seq ascending, time ascending) of the points that bound
///   some act best; an act of seq s is bounded by the last point below s.
/// - `cited`: per author, the latest operation of another department citing
///   its chain (R12 finality).
/// - `refs`: which operation names which (the item history of `status`).
/// - `wf_open`: pushes without a claim, inquiries without a reply, requests
///   without a decision (the inbox candidates), with the current limit.
/// - `listings`: warning-list entries by credit code (R9).
/// - `subjects`: licences and supervision records by licence number, credit
///   code and subject name (how a clerk names an item).
/// - `addressed`: every push, inquiry and revocation request by the
///   department that must act on it, open or done (`inbox --all`).
///
/// The pure folds (`Workflow`, `EvidenceGraph`) stay the reference: a view
/// feeds the rows it loads to them and judges with the stored bounds
/// (`StoredEvidence`), and tests check both give the same answers.
enum ReadModel {
    static let schema = """
        CREATE TABLE op_time(
            op INTEGER PRIMARY KEY,             -- ops.rowid
            dept TEXT NOT NULL,                 -- the author's department ("?" + key for a key that is not a replica)
            parents BLOB NOT NULL,              -- ops.rowid of prev and deps, 8 bytes each, little-endian
            item INTEGER NOT NULL,              -- 1: a push or inquiry whose limit starts at its hi (wf_open)
            lo_time INTEGER, lo_ctr INTEGER, lo_id BLOB, lo_dept TEXT,
            hi_time INTEGER, hi_ctr INTEGER, hi_id BLOB, hi_dept TEXT);
        CREATE TABLE declared(
            author TEXT NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL, witness BLOB NOT NULL,
            PRIMARY KEY(author, seq)) WITHOUT ROWID;
        CREATE TABLE cited(
            author TEXT PRIMARY KEY, dept TEXT NOT NULL, time INTEGER NOT NULL, ctr INTEGER NOT NULL, op BLOB NOT NULL);
        CREATE TABLE refs(
            target TEXT NOT NULL, op INTEGER NOT NULL,
            PRIMARY KEY(target, op)) WITHOUT ROWID;
        \(wfOpenSchema)
        CREATE TABLE listings(op INTEGER PRIMARY KEY, credit_code TEXT NOT NULL);
        CREATE INDEX listings_by_code ON listings(credit_code);
        """

    /// One row per item and department that must act on it (v9: an R13
    /// review has several participants; before, one department per item).
    static let wfOpenSchema = """
        CREATE TABLE wf_open(
            item INTEGER NOT NULL,              -- ops.rowid of the push, inquiry, request, review, minutes, …
            action TEXT NOT NULL,               -- claim, reply, decide, opine, acknowledge, …
            dept TEXT NOT NULL,                 -- the department that must act
            working_days INTEGER,               -- the limit in working days (NULL: no limit)
            deadline INTEGER,                   -- the limit's end in ms, from the item's current bounds (NULL: none or no calendar)
            PRIMARY KEY(item, dept)) WITHOUT ROWID;
        CREATE INDEX wf_open_by_dept ON wf_open(dept, deadline);
        """

    /// Added in migration v4 (a replica of v3 fills it from its operations).
    static let subjectsSchema = """
        CREATE TABLE subjects(
            key TEXT NOT NULL,                  -- "licence:" + licence number, "code:" + credit code, "name:" + subject name, "item:" + item code
            op INTEGER NOT NULL,                -- ops.rowid of the approval or supervision record
            PRIMARY KEY(key, op)) WITHOUT ROWID;
        CREATE TABLE addressed(
            dept TEXT NOT NULL,                 -- the department that must act (open or done)
            op INTEGER NOT NULL,                -- ops.rowid of the push, inquiry or revocation request
            PRIMARY KEY(dept, op)) WITHOUT ROWID;
        """

    static let tables = ["op_time", "declared", "cited", "refs", "wf_open", "listings", "subjects", "addressed"]

    /// Added in migration v7: verdicts kept for the statistics (issue 16).
    /// Not a projection but a memo of the pure verdict function: a row holds
    /// for the instants `[valid_from, valid_until)` (`Verdict.holds`) until an
    /// operation arrives that changes what it was judged from; the ingest
    /// then marks it stale (`ReadModelWriter.forgetVerdict`, valid 0..0): a
    /// new act naming the push, new bounds of the push or of an act on it
    /// (`verdict_inputs`), a head declaration above an input's seq, a roster
    /// change. Every push up to the `verdict_memo_rowid` watermark has a row
    /// (stale until judged), so what waits to be judged is an index range.
    /// `verdict_counts` sums, by triggers, the rows that hold to the end of
    /// time (the decided ones, and lapsed ones from their limit on), so a
    /// year's statistics read a few hundred rows whatever the history.
    /// Rebuilt empty; `dump` leaves it out (its rows depend on which
    /// statistics were asked for, not on the operations alone).
    static let memoSchema = """
        CREATE TABLE verdict_memo(
            push INTEGER PRIMARY KEY,           -- ops.rowid of the push
            month TEXT NOT NULL,                -- YYYY-MM (CST) of the push's own time ("-": stale or nothing to count)
            to_dept TEXT NOT NULL, from_dept TEXT NOT NULL,
            claim TEXT NOT NULL,                -- the claim limit's outcome (R2, R7 back); "none": nothing to count
            push_limit TEXT,                    -- R7: a supervision record pushed within its limit (NULL: not such a push)
            valid_from INTEGER NOT NULL, valid_until INTEGER NOT NULL);
        CREATE INDEX verdict_memo_until ON verdict_memo(valid_until);
        CREATE INDEX verdict_memo_from ON verdict_memo(valid_from);
        CREATE INDEX verdict_memo_month ON verdict_memo(month, to_dept, claim);
        CREATE TABLE verdict_inputs(
            op INTEGER PRIMARY KEY,             -- ops.rowid of the push or an act on it that its verdict read
            push INTEGER NOT NULL, author TEXT NOT NULL, seq INTEGER NOT NULL);
        CREATE INDEX verdict_inputs_by_push ON verdict_inputs(push);
        CREATE INDEX verdict_inputs_by_author ON verdict_inputs(author, seq);
        CREATE TABLE verdict_counts(
            month TEXT NOT NULL, to_dept TEXT NOT NULL, from_dept TEXT NOT NULL, claim TEXT NOT NULL,
            push_limit TEXT NOT NULL,           -- "" for NULL
            n INTEGER NOT NULL,
            PRIMARY KEY(month, to_dept, from_dept, claim, push_limit)) WITHOUT ROWID;
        CREATE TRIGGER verdict_counts_in AFTER INSERT ON verdict_memo WHEN NEW.valid_until = 9223372036854775807 BEGIN
            INSERT INTO verdict_counts(month, to_dept, from_dept, claim, push_limit, n)
            VALUES (NEW.month, NEW.to_dept, NEW.from_dept, NEW.claim, coalesce(NEW.push_limit, ''), 1)
            ON CONFLICT(month, to_dept, from_dept, claim, push_limit) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER verdict_counts_out AFTER DELETE ON verdict_memo WHEN OLD.valid_until = 9223372036854775807 BEGIN
            UPDATE verdict_counts SET n = n - 1 WHERE month = OLD.month AND to_dept = OLD.to_dept AND from_dept = OLD.from_dept
                AND claim = OLD.claim AND push_limit = coalesce(OLD.push_limit, '');
        END;
        CREATE TRIGGER verdict_counts_stale AFTER UPDATE OF valid_until ON verdict_memo
            WHEN OLD.valid_until = 9223372036854775807 AND NEW.valid_until != 9223372036854775807 BEGIN
            UPDATE verdict_counts SET n = n - 1 WHERE month = OLD.month AND to_dept = OLD.to_dept AND from_dept = OLD.from_dept
                AND claim = OLD.claim AND push_limit = coalesce(OLD.push_limit, '');
        END;
        """
    static let memoTables = ["verdict_memo", "verdict_inputs", "verdict_counts"]
    static let memoWatermark = "verdict_memo_rowid"

    /// The `subjects` keys of an approval or supervision record's body, read
    /// off the JSON: the body passed its schema (§2.5 step 11) before it was
    /// stored, so the ingest does not parse it into a typed body again.
    static func subjectKeys(kind: String, body: JSONValue) -> [String] {
        let subject: JSONValue?
        switch kind {
        case WorkflowKinds.approval: subject = body["applicant"]
        case WorkflowKinds.supervision: subject = body["subject"]
        default: return []
        }
        return [body["licenceNo"]?.stringValue.map { "licence:" + $0 },
                kind == WorkflowKinds.approval ? body["item"]?["code"]?.stringValue.map { "item:" + $0 } : nil,   // R22: by approval item (v10)
                subject?["creditCode"]?.stringValue.map { "code:" + $0 },
                subject?["name"]?.stringValue.flatMap { $0.isEmpty ? nil : "name:" + $0 }].compactMap { $0 }
    }

    /// Migration v4: the `subjects` of every approval and supervision
    /// record held, and `addressed` from a rebuild of the workflow rows.
    static func fillSubjects(db: Database) throws {
        let idx = SQLiteOpIndex(db: db)
        let writer = ReadModelWriter(db: db, idx: idx)
        let items = try Row.fetchCursor(db, sql: "SELECT rowid, author, header, sig, body, roster_seq FROM ops WHERE kind IN (?, ?, ?) ORDER BY time, ctr, id",
                                        arguments: [WorkflowKinds.push, WorkflowKinds.inquiry, WorkflowKinds.revocationRequest])
        while let r = try items.next() {
            let op = try ReplicaStore.load(r)
            if let body = op.body, let dept = try writer.addressee(op, body: body) {
                try db.execute(sql: "INSERT OR IGNORE INTO addressed(dept, op) VALUES (?, ?)", arguments: [dept, r["rowid"] as Int64])
            }
        }
        let rows = try Row.fetchCursor(db, sql: "SELECT rowid, kind, body FROM ops WHERE kind IN (?, ?) AND body IS NOT NULL",
                                       arguments: [WorkflowKinds.approval, WorkflowKinds.supervision])
        while let r = try rows.next() {
            guard let body = try? CanonicalJSON.parse([UInt8](r["body"] as Data)) else { continue }
            for k in subjectKeys(kind: r["kind"], body: body) {
                try db.execute(sql: "INSERT OR IGNORE INTO subjects(key, op) VALUES (?, ?)", arguments: [k, r["rowid"] as Int64])
            }
        }
    }

    /// Migration v10: the item code of every approval held (R22 queries by item).
    static func fillItemSubjects(db: Database) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT rowid, body FROM ops WHERE kind = ? AND body IS NOT NULL", arguments: [WorkflowKinds.approval])
        while let r = try rows.next() {
            guard let body = try? CanonicalJSON.parse([UInt8](r["body"] as Data)), let code = body["item"]?["code"]?.stringValue else { continue }
            try db.execute(sql: "INSERT OR IGNORE INTO subjects(key, op) VALUES (?, ?)", arguments: ["item:" + code, r["rowid"] as Int64])
        }
    }

    static func clear(db: Database) throws {
        for t in tables { try db.execute(sql: "DELETE FROM \(t)") }
        for t in memoTables where try db.tableExists(t) { try db.execute(sql: "DELETE FROM \(t)") }
        try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [memoWatermark])
    }

    /// Rebuilds the read model from `ops` alone, in a causal order.
    static func rebuild(db: Database) throws {
        try clear(db: db)
        let idx = SQLiteOpIndex(db: db)
        let writer = ReadModelWriter(db: db, idx: idx)
        let rows = try Row.fetchCursor(db, sql: "SELECT rowid, author, header, sig, body, roster_seq FROM ops ORDER BY time, ctr, id")
        while let r = try rows.next() {
            let op = try ReplicaStore.load(r)
            try writer.project(op, row: r["rowid"], rosterSeq: r["roster_seq"])
        }
        try writer.flush()
        if let e = idx.failure { throw e }
    }

    static func packRows(_ rows: [Int64]) -> [UInt8] {
        var out = [UInt8](); out.reserveCapacity(rows.count * 8)
        for r in rows { withUnsafeBytes(of: r.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    static func unpackRows(_ data: Data) -> [Int64] { data.withUnsafeBytes { unpackRows($0) } }

    static func unpackRows(_ raw: UnsafeRawBufferPointer) -> [Int64] {
        var out = [Int64](); out.reserveCapacity(raw.count / 8)
        var i = 0
        while i + 8 <= raw.count { out.append(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: Int64.self))); i += 8 }
        return out
    }
}

/// A stored interval end: the operation, its clock and its department,
/// ordered by (clock, id) like `EvidenceMark`.
struct StoredMark: Equatable {
    let clock: HLC
    let id: Digest
    let dept: String
    static func < (a: StoredMark, b: StoredMark) -> Bool { (a.clock, a.id) < (b.clock, b.id) }

    /// Reads the columns `prefix_time, prefix_ctr, prefix_id, prefix_dept` at `i`.
    init?(_ r: Row, at i: Int) {
        guard let t = r[i] as Int64?, let c = r[i + 1] as Int64?, let d = r[i + 2] as Data?,
              let id = Digest(bytes: [UInt8](d)), let dept = r[i + 3] as String? else { return nil }
        self.init(clock: HLC(time: t, ctr: c), id: id, dept: dept)
    }
    init(clock: HLC, id: Digest, dept: String) { self.clock = clock; self.id = id; self.dept = dept }

    /// Reads the columns `time, ctr, id, dept` starting at `i` of a raw row.
    init?(_ c: RawInsert.Columns, at i: Int32) {
        guard let t = c.int(i), let ctr = c.int(i + 1), let b = c.blob(i + 2), b.count == 32,
              let dept = c.text(i + 3) else { return nil }
        self.init(clock: HLC(time: t, ctr: ctr), id: Digest(raw: b), dept: dept)
    }
}
