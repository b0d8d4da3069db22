import Foundation
import GRDB
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

/// The statistics at one instant: tallies of the pushes judged, and how
/// many pushes still wait to be judged (`settleVerdicts`).
public struct PushStatistics: Sendable {
    public let tallies: [PushTally]
    public let unjudged: Int
}

extension ReplicaStore {
    /// Judges up to `limit` pushes that have no kept verdict holding at
    /// `now` (oldest first), with the same pure functions as every view,
    /// and keeps the verdicts (`ReadModel.memoSchema`). Returns how many
    /// pushes still wait. One write transaction per call: an ingest that
    /// changes a verdict's inputs comes before or after it, never between
    /// the read and the keep.
    @discardableResult
    public func settleVerdicts(now: Int64, limit: Int) throws -> Int {
        try pool.write { db in
            // Pushes that arrived since the last call get a stale row (they wait).
            let mark = try Self.memoWatermark(db)
            if let top = try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM ops"), top > mark {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO verdict_memo(push, month, to_dept, from_dept, claim, push_limit, valid_from, valid_until)
                    SELECT rowid, '-', '-', '-', 'stale', NULL, 0, 0 FROM ops WHERE rowid > ? AND rowid <= ? AND +kind = ?
                    """, arguments: [mark, top, WorkflowKinds.push])
                try db.execute(sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               arguments: [ReadModel.memoWatermark, String(top)])
            }
            let ids = try String.fetchAll(db, sql: """
                SELECT o.id FROM (SELECT push FROM verdict_memo WHERE valid_until <= ?1
                                  UNION SELECT push FROM verdict_memo WHERE valid_from > ?1) w
                JOIN ops o ON o.rowid = w.push ORDER BY w.push LIMIT ?2
                """, arguments: [now, max(0, limit)]).compactMap { Digest(hex: $0) }
            if !ids.isEmpty { try Self.keepVerdicts(db, pushes: ids, now: now) }
            return try Self.unjudged(db, now: now)
        }
    }

    /// The tallies of every push whose kept verdict holds at `now`, months
    /// starting with `monthPrefix` ("2026" or "2026-10"; empty: all): the
    /// counts of verdicts that hold to the end of time, less those of them
    /// that do not hold yet at `now`, plus the verdicts that hold until a
    /// limit still ahead (open, awaiting a witness).
    public func pushStatistics(monthPrefix: String = "", now: Int64) throws -> PushStatistics {
        try pool.read { db in
            let range: [any DatabaseValueConvertible] = [monthPrefix, monthPrefix + "\u{FFFF}"]
            var counts = [PushTally: Int]()
            func key(_ r: Row) -> PushTally {
                let pl: String? = r[4]
                return PushTally(month: r[0], to: r[1], from: r[2], claim: r[3], pushLimit: pl?.isEmpty == true ? nil : pl, count: 0)
            }
            for r in try Row.fetchAll(db, sql: """
                SELECT month, to_dept, from_dept, claim, push_limit, n FROM verdict_counts
                WHERE month >= ? AND month < ? AND n > 0 AND claim != 'none'
                """, arguments: StatementArguments(range)) { counts[key(r), default: 0] += r[5] }
            // The unary `+` keeps SQLite on the narrow index of each query (the
            // other column's range would cover nearly every row).
            let forever = Int64.max
            for r in try Row.fetchAll(db, sql: """
                SELECT month, to_dept, from_dept, claim, push_limit FROM verdict_memo
                WHERE valid_from > ? AND +valid_until = ? AND month >= ? AND month < ? AND claim != 'none'
                """, arguments: StatementArguments([now, forever] + range)) { counts[key(r), default: 0] -= 1 }
            for r in try Row.fetchAll(db, sql: """
                SELECT month, to_dept, from_dept, claim, push_limit FROM verdict_memo
                WHERE valid_until > ? AND valid_until < ? AND +valid_from <= ? AND month >= ? AND month < ? AND claim != 'none'
                """, arguments: StatementArguments([now, forever, now] + range)) { counts[key(r), default: 0] += 1 }
            let tallies = counts.filter { $0.value > 0 }
                .map { t, n in PushTally(month: t.month, to: t.to, from: t.from, claim: t.claim, pushLimit: t.pushLimit, count: n) }.sorted()
            return PushStatistics(tallies: tallies, unjudged: try Self.unjudged(db, now: now))
        }
    }

    /// The pushes behind one number of the statistics (分类统计 → 快速查询):
    /// those whose kept verdict holds at `now`, of the `months` ("2026-10"
    /// … "2026-12"), to and from the departments and at the outcome given
    /// (nil: any), newest first, with one view over their closures.
    public func talliedPushes(months: ClosedRange<String>, to: String?, from: String?, claim: String?, now: Int64,
                              limit: Int) throws -> (ids: [Digest], view: WorkflowView) {
        try pool.read { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT o.id FROM verdict_memo m JOIN ops o ON o.rowid = m.push
                WHERE m.month >= ?1 AND m.month <= ?2 AND (?3 IS NULL OR m.to_dept = ?3) AND (?4 IS NULL OR m.from_dept = ?4)
                  AND (?5 IS NULL OR m.claim = ?5) AND m.claim NOT IN ('none', 'stale') AND m.valid_from <= ?6 AND ?6 < m.valid_until
                ORDER BY o.time DESC, o.ctr DESC, o.id DESC LIMIT ?7
                """, arguments: [months.lowerBound, months.upperBound, to, from, claim, now, max(0, limit)]).compactMap { Digest(hex: $0) }
            return (ids, try Self.view(db, try Self.closure(db, of: ids), now: now))
        }
    }

    /// How many pushes wait to be judged for the statistics at `now`.
    public func unjudgedVerdicts(now: Int64) throws -> Int { try pool.read { db in try Self.unjudged(db, now: now) } }

    /// Pushes held with no kept verdict holding at `now`: stale or expired
    /// rows, rows that hold only later, and pushes past the watermark.
    static func unjudged(_ db: Database, now: Int64) throws -> Int {
        let waiting = try Int.fetchOne(db, sql: """
            SELECT (SELECT count(*) FROM verdict_memo WHERE valid_until <= ?1)
                 + (SELECT count(*) FROM verdict_memo WHERE valid_from > ?1 AND +valid_until > ?1)
            """, arguments: [now]) ?? 0
        let mark = try memoWatermark(db)
        // A rowid range (new arrivals), not the kind index (every push ever held).
        let unseen = try Int.fetchOne(db, sql: "SELECT count(*) FROM ops WHERE rowid > ? AND +kind = ?", arguments: [mark, WorkflowKinds.push]) ?? 0
        return waiting + unseen
    }

    /// The highest ops rowid whose pushes have a memo row (stale until judged).
    static func memoWatermark(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?", arguments: [ReadModel.memoWatermark]) ?? 0
    }

    /// Judges `pushes` in one view (their closures) and keeps each verdict
    /// with the operations it read.
    private static func keepVerdicts(_ db: Database, pushes ids: [Digest], now: Int64) throws {
        let loaded = try closure(db, of: ids)
        let v = try view(db, loaded, now: now)
        let (wf, ctx) = (v.workflow, v.context)
        // DELETE then INSERT (not REPLACE, which fires no delete trigger): `verdict_counts` follows.
        let drop = try db.cachedStatement(sql: "DELETE FROM verdict_memo WHERE push = ?")
        let keep = try db.cachedStatement(sql: """
            INSERT INTO verdict_memo(push, month, to_dept, from_dept, claim, push_limit, valid_from, valid_until)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let input = try db.cachedStatement(sql: "INSERT OR REPLACE INTO verdict_inputs(op, push, author, seq) VALUES (?, ?, ?, ?)")
        for id in ids {
            guard let l = loaded[id] else { continue }
            let row = l.row
            try drop.execute(arguments: [row])
            try input.execute(arguments: [row, row, l.op.header.author.base64url, l.op.header.seq])
            // Held but nothing to count until what it was judged from changes: a push without
            // its body, one the workflow's rules refuse, one whose limit cannot be computed.
            guard let p = wf.pushes[id], let judged = try? wf.tally(of: p, ctx) else {
                try keep.execute(arguments: [row, "-", "-", "-", "none", nil, Int64.min, Int64.max])
                continue
            }
            let (t, span) = judged
            try keep.execute(arguments: [row, t.month, t.to, t.from, t.claim, t.pushLimit, span.lowerBound, span.upperBound])
            for act in p.claims {
                guard let r = loaded[act.id]?.row else { continue }
                try input.execute(arguments: [r, row, act.op.header.author.base64url, act.op.header.seq])
            }
        }
    }
}
