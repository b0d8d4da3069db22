import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanStore

/// 统计: how pushes of one year were claimed (R2; R7 for supervision pushed
/// back) and how supervision records were pushed (R7), by department and
/// month, from the same verdicts every item page shows.
public struct Statistics: Sendable {
    public let year: Int
    public let tallies: [PushTally]
    /// Pushes not judged yet (the statistics are being completed).
    public let unjudged: Int

    /// Claim outcomes (raw values) → count, grouped by `group` (nil: left
    /// out), in one pass over the tallies.
    public func claims(by group: (PushTally) -> String?) -> [String: [String: Int]] {
        var out = [String: [String: Int]]()
        for t in tallies { if let g = group(t) { out[g, default: [:]][t.claim, default: 0] += t.count } }
        return out
    }

    /// R7 outcomes → count of the supervision pushes, grouped by `group`.
    public func pushLimits(by group: (PushTally) -> String?) -> [String: [String: Int]] {
        var out = [String: [String: Int]]()
        for t in tallies {
            if let pl = t.pushLimit, let g = group(t) { out[g, default: [:]][pl, default: 0] += t.count }
        }
        return out
    }

    /// The months of the year, "YYYY-01" … "YYYY-12".
    public var months: [String] { (1...12).map { ReportPeriod.monthKey(year, $0) } }
}

extension ReplicaReader {
    /// The statistics of `year` (default: this one) at `now`. First judges up
    /// to `settle` pushes that have no kept verdict yet (`serve` keeps
    /// judging the rest in the background), so the page stays fast on a
    /// replica that has just received a year of history.
    public func statistics(year: Int? = nil, settle: Int = 2_000) throws(ReplicaError) -> Statistics {
        let y = year ?? ChinaStandardTime.civilDate(atMillis: now).year
        guard (2000...2100).contains(y) else {
            throw ReplicaError("stats.year", "No statistics for the year \(y): give a year from 2000 to 2100.",
                               zh: "没有 \(y) 年的统计：请选择 2000 至 2100 年之间的年份。")
        }
        return try run {
            // 2,000 to a transaction (one view each: memory stays bounded), up to `settle`.
            var budget = settle
            while budget > 0 {
                let n = min(budget, 2_000)
                budget -= n
                if try store.settleVerdicts(now: now, limit: n) == 0 { break }
            }
            let s = try store.pushStatistics(monthPrefix: "\(y)-", now: now)
            return Statistics(year: y, tallies: s.tallies, unjudged: s.unjudged)
        }
    }
}

/// The period of a timeliness report (R23): a year, a quarter or a month.
public struct ReportPeriod: Sendable, Equatable, CustomStringConvertible {
    public let year: Int
    /// The months covered, 1…12.
    public let months: ClosedRange<Int>
    /// "2026", "2026-Q4" or "2026-10".
    public let description: String

    /// Reads "2026", "2026-Q4" or "2026-10".
    public init(_ text: String) throws(ReplicaError) {
        let refusal = ReplicaError("report.period", "\"\(text)\" is not a period: write a year (2026), a quarter (2026-Q4) or a month (2026-10).",
                                   zh: "“\(text)”不是统计期间：请写年份（2026）、季度（2026-Q4）或月份（2026-10）。")
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard let y = Int(parts[0]), parts[0].count == 4, (2000...2100).contains(y), parts.count <= 2 else { throw refusal }
        year = y
        description = text
        if parts.count == 1 { months = 1...12; return }
        let p = parts[1]
        if p.count == 2, p.first == "Q", let q = Int(p.dropFirst()), (1...4).contains(q) {
            months = (q * 3 - 2)...(q * 3)
        } else if p.count == 2, let m = Int(p), (1...12).contains(m) {
            months = m...m
        } else {
            throw refusal
        }
    }

    /// The month of `millis` (CST): the report a clerk means by "this month".
    public static func month(containing millis: Int64) -> ReportPeriod {
        let d = ChinaStandardTime.civilDate(atMillis: millis)
        return try! ReportPeriod(monthKey(d.year, d.month))   // a civil date's year and month always read back
    }

    /// A month as the statistics store it: "2026-10" (`PushTally.month`).
    public static func monthKey(_ year: Int, _ month: Int) -> String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    /// The months as stored ("2026-10").
    public var monthKeys: Set<String> { Set(months.map { Self.monthKey(year, $0) }) }
}

/// One department's line of a timeliness report (R23): the pushes it
/// received in the period and how they stand, and the supervision records
/// it pushed back (R7) or to the credit platform (R20) and whether within
/// their limit.
public struct TimelinessLine: Sendable, Equatable {
    public let department: String
    public let name: String
    /// Claim outcomes of the pushes received (`Verdict.Outcome` raw values → count).
    public let claims: [String: Int]
    /// R7 outcomes of the supervision records it pushed back to a bureau.
    public let pushes: [String: Int]
    /// R20 outcomes of the supervision records it pushed to the credit platform.
    public let creditPushes: [String: Int]

    /// The claim outcomes a report lists, in its column order.
    public static let outcomes = ["on_time", "late", "lapsed", "awaiting_witness", "open"]
    /// The counts in `outcomes`' order.
    public var claimCounts: [Int] { Self.outcomes.map { claims[$0] ?? 0 } }

    public var received: Int { claims.values.reduce(0, +) }
    /// 按时认领率: on time among those decided (on time, late, auto-claimed); nil when none is decided.
    public var onTimeRate: Double? {
        let decided = (claims["on_time"] ?? 0) + (claims["late"] ?? 0) + (claims["lapsed"] ?? 0)
        return decided == 0 ? nil : Double(claims["on_time"] ?? 0) / Double(decided)
    }

    public var json: JSONValue {
        func counts(_ c: [String: Int]) -> JSONValue { .object(c.mapValues { .int(Int64($0)) }) }
        return .object(["department": .string(department), "name": .string(name), "received": .int(Int64(received)),
                        "claims": counts(claims), "pushedBack": counts(pushes), "pushedToCredit": counts(creditPushes),
                        "onTimeRate": onTimeRate.map { .string(String(format: "%.3f", $0)) } ?? .null])
    }
}

extension ReplicaReader {
    /// R23: the timeliness report of `period`, one line per department that
    /// received or pushed back anything, in Chinese order of names, from the
    /// same kept verdicts as the 统计 page.
    /// - Parameter settle: how many pushes without a kept verdict to judge
    ///   first (`serve` judges the rest in the background; a one-off
    ///   `shenguan report` judges them all, once).
    public func timeliness(_ period: ReportPeriod, settle: Int = 2_000) throws(ReplicaError) -> (lines: [TimelinessLine], unjudged: Int) {
        let s = try statistics(year: period.year, settle: settle)
        let roster = try run { try store.roster() }
        func name(_ d: String) -> String { roster?.departments[d]?.name ?? d }
        let months = period.monthKeys
        let claims = s.claims { months.contains($0.month) ? $0.to : nil }
        func toCredit(_ t: PushTally) -> Bool { roster?.departments[t.to]?.role == .credit }
        let pushes = s.pushLimits { months.contains($0.month) && !toCredit($0) ? $0.from : nil }
        let credit = s.pushLimits { months.contains($0.month) && toCredit($0) ? $0.from : nil }
        let ids = Set(claims.keys).union(pushes.keys).union(credit.keys)
        let order = ClerkWords.chineseOrder(ids.map { (id: $0, name: name($0)) })
        return (order.map { TimelinessLine(department: $0.id, name: $0.name, claims: claims[$0.id] ?? [:], pushes: pushes[$0.id] ?? [:],
                                           creditPushes: credit[$0.id] ?? [:]) },
                s.unjudged)
    }
}

extension ReplicaReader {
    /// A department's line of the timeliness report as a report bundle
    /// (PROTOCOL.md §8 kind "report", R23): each push it counts with its
    /// evidence, so that either verifier recomputes every number.
    public func reportBundle(_ period: ReportPeriod, department: String) throws(ReplicaError) -> EvidenceBundle {
        try run {
            guard try store.roster()?.departments[department] != nil else {
                throw ReplicaError("report.department", "No department \(department) in the roster.", zh: "名册中没有部门 \(department)。")
            }
            return try store.reportBundle(department: department, months: period.months.map { ReportPeriod.monthKey(period.year, $0) }, now: now)
        }
    }

    /// 统计 → 快速查询: the pushes behind one number (a department's 逾期认领
    /// of a year, a month's 超时自动认领, …), newest first, each with its
    /// status now, at most `limit`.
    /// - Parameter claim: a `Verdict.Outcome` raw value, or nil for any.
    public func talliedPushes(period: ReportPeriod, to: String?, from: String?, claim: String?, limit: Int = 100) throws(ReplicaError) -> [HistoryItem] {
        if let claim, Verdict.Outcome(rawValue: claim) == nil {
            throw ReplicaError("stats.outcome", "\"\(claim)\" is not an outcome: on_time, late, lapsed, awaiting_witness or open.",
                               zh: "“\(claim)”不是认领结果：应为按时、逾期、超时自动认领、待见证或待认领之一。")
        }
        return try run {
            let (ids, v) = try store.talliedPushes(months: ReportPeriod.monthKey(period.year, period.months.lowerBound)...ReportPeriod.monthKey(period.year, period.months.upperBound),
                                                   to: to, from: from, claim: claim, now: now, limit: max(1, min(limit, 500)))
            return try Self.historyItems(ids, v)
        }
    }
}
