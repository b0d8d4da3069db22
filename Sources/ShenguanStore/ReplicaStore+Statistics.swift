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
            let rows = try Int64.fetchAll(db, sql: """
                SELECT o.rowid FROM ops o LEFT JOIN verdict_memo m ON m.push = o.rowid
                WHERE o.kind = ? AND (m.push IS NULL OR m.valid_from > ? OR m.valid_until <= ?)
                ORDER BY o.rowid LIMIT ?
                """, arguments: [WorkflowKinds.push, now, now, max(0, limit)])
            if !rows.isEmpty { try Self.keepVerdicts(db, pushes: rows, now: now) }
            return try Self.unjudged(db, now: now)
        }
    }

    /// The tallies of every push whose kept verdict holds at `now`, months
    /// starting with `monthPrefix` ("2026" or "2026-10"; empty: all).
    public func pushStatistics(monthPrefix: String = "", now: Int64) throws -> PushStatistics {
        try pool.read { db in
            let tallies = try Row.fetchAll(db, sql: """
                SELECT month, to_dept, from_dept, claim, push_limit, count(*) FROM verdict_memo
                WHERE month >= ? AND month < ? AND valid_from <= ? AND ? < valid_until AND claim != 'none'
                GROUP BY month, to_dept, from_dept, claim, push_limit ORDER BY month, to_dept, from_dept, claim, push_limit
                """, arguments: [monthPrefix, monthPrefix + "\u{FFFF}", now, now]).map {
                PushTally(month: $0[0], to: $0[1], from: $0[2], claim: $0[3], pushLimit: $0[4], count: $0[5])
            }
            return PushStatistics(tallies: tallies, unjudged: try Self.unjudged(db, now: now))
        }
    }

    /// Pushes held with no kept verdict holding at `now`.
    static func unjudged(_ db: Database, now: Int64) throws -> Int {
        let pushes = try Int.fetchOne(db, sql: "SELECT count(*) FROM ops WHERE kind = ?", arguments: [WorkflowKinds.push]) ?? 0
        let holding = try Int.fetchOne(db, sql: "SELECT count(*) FROM verdict_memo WHERE valid_from <= ? AND ? < valid_until", arguments: [now, now]) ?? 0
        return max(0, pushes - holding)
    }

    /// Judges `pushes` in one view (their closures) and keeps each verdict
    /// with the operations it read.
    private static func keepVerdicts(_ db: Database, pushes rows: [Int64], now: Int64) throws {
        var loaded = [Digest: LoadedOp]()
        let ids = try loadRows(db, rows: rows).keys
        for id in ids where loaded[id] == nil { loaded.merge(try closure(db, of: id)) { a, _ in a } }
        let v = try view(db, loaded, now: now)
        let (wf, ctx) = (v.workflow, v.context)
        let keep = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO verdict_memo(push, month, to_dept, from_dept, claim, push_limit, valid_from, valid_until)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let input = try db.cachedStatement(sql: "INSERT OR REPLACE INTO verdict_inputs(op, push, author, seq) VALUES (?, ?, ?, ?)")
        for id in ids {
            guard let l = loaded[id] else { continue }
            let row = l.row
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
