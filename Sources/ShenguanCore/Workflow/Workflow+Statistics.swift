import ShenguanCalendar
import ShenguanCrypto

/// How many pushes of one month, from one department to another, stand at
/// one outcome (the 统计 page): the claim limit's outcome (R2; R7 for a
/// supervision record pushed back) and, for a supervision record, whether
/// it was pushed within its limit of publication (R7).
public struct PushTally: Sendable, Hashable, Comparable {
    /// YYYY-MM (CST) of the push's own time.
    public let month: String
    public let to: String
    public let from: String
    /// `Verdict.Outcome` raw value of the claim limit.
    public let claim: String
    /// `Verdict.Outcome` raw value of the R7 push limit (nil: not such a push).
    public let pushLimit: String?
    public var count: Int

    public init(month: String, to: String, from: String, claim: String, pushLimit: String?, count: Int) {
        self.month = month; self.to = to; self.from = from; self.claim = claim; self.pushLimit = pushLimit; self.count = count
    }

    /// Month, to, from, claim, push limit: the order tallies are listed in.
    public static func < (a: PushTally, b: PushTally) -> Bool {
        (a.month, a.to, a.from, a.claim, a.pushLimit ?? "") < (b.month, b.to, b.from, b.claim, b.pushLimit ?? "")
    }
}

extension Workflow {
    /// One push's place in the statistics at `ctx.now` (a tally of one), and
    /// the instants over which it stays there while nothing it was judged
    /// from changes (both limits' `Verdict.holds`; it always holds `now`).
    public func tally(of p: Push, _ ctx: JudgeContext) throws(CalendarError) -> (tally: PushTally, holds: Range<Int64>) {
        let st = try status(of: p, ctx)
        let grace = ctx.policyAt(p.act.op.header.clock.time).graceMillis
        var span = st.claim.holds(graceMillis: grace)
        if let other = st.pushLimit?.holds(graceMillis: grace) {
            let lo = max(span.lowerBound, other.lowerBound)
            span = lo..<max(lo, min(span.upperBound, other.upperBound))
        }
        let month = String(ChinaStandardTime.civilDate(atMillis: p.act.time).iso.prefix(7))
        return (PushTally(month: month, to: p.body.to, from: p.act.department, claim: st.claim.outcome.rawValue,
                          pushLimit: st.pushLimit?.outcome.rawValue, count: 1), span)
    }

    /// The statistics of every push, folded from the whole history (the
    /// reference the kept verdicts are tested against), in the order
    /// month, to, from, claim, push limit. Pushes whose limit cannot be
    /// computed are left out, as the kept verdicts leave them out.
    public func pushTallies(_ ctx: JudgeContext) -> [PushTally] {
        var counts = [PushTally: Int]()
        for p in pushes.values {
            guard let t = try? tally(of: p, ctx).tally else { continue }
            counts[t, default: 0] += 1
        }
        return counts.map { t, n in PushTally(month: t.month, to: t.to, from: t.from, claim: t.claim, pushLimit: t.pushLimit, count: n) }.sorted()
    }
}
