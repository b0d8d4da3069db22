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
    public var months: [String] { (1...12).map { "\(year)-\($0 < 10 ? "0" : "")\($0)" } }
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
            if settle > 0 { try store.settleVerdicts(now: now, limit: settle) }
            let s = try store.pushStatistics(monthPrefix: "\(y)-", now: now)
            return Statistics(year: y, tallies: s.tallies, unjudged: s.unjudged)
        }
    }
}
