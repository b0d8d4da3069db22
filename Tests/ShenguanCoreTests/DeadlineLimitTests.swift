import Testing
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// `Deadlines.limit`: N working days after the day of the start (T1, T2),
/// and 0 working days (临淄 R7 "即时") = by 24:00 CST of that same day.
@Suite struct DeadlineLimitTests {
    let calendar = OfficialCalendar.calendar
    let act = SHA256.hash(Array("act".utf8))

    func at(_ cst: String) -> TimeBounds { let t = Fixtures.ms(cst); return TimeBounds(own: t, lo: t, hi: t, loSource: "", hiSource: "") }

    @Test func zeroWorkingDaysEndsAtMidnightOfTheStartDay() throws {
        let published = ChinaStandardTime.startOfDayMillis(CivilDate(iso: "2026-10-12")!)
        let due = try Deadlines.limit(from: published, workingDays: 0, calendar: calendar)
        #expect(due.deadlineMillis == Fixtures.ms("2026-10-13T00:00:00") && due.lastDay.iso == "2026-10-12" && due.workingDays == 0)
        let start = TimeBounds.instant(published, source: "publication date")
        let sameDay = try Deadlines.judge(rule: "R7", start: start, workingDays: 0, act: (act, at("2026-10-12T23:59:59")),
                                          calendar: calendar, graceMillis: 0, now: Fixtures.ms("2026-10-20T00:00:00"))
        #expect(sameDay.outcome == .onTime)
        let nextDay = try Deadlines.judge(rule: "R7", start: start, workingDays: 0, act: (act, at("2026-10-13T00:00:00")),
                                          calendar: calendar, graceMillis: 0, now: Fixtures.ms("2026-10-20T00:00:00"))
        #expect(nextDay.outcome == .late)
    }

    @Test func positiveLimitsAreTheCalendarsDue() throws {
        // 2026-09-30 16:00, 2 working days across the National Day holiday: 10-09 24:00 (T1, T2).
        let from = Fixtures.ms("2026-09-30T16:00:00")
        #expect(try Deadlines.limit(from: from, workingDays: 2, calendar: calendar) == calendar.due(fromMillis: from, workingDays: 2))
        #expect(throws: CalendarError.invalidLimit(-1)) { try Deadlines.limit(from: from, workingDays: -1, calendar: calendar) }
    }

    /// `Verdict.holds`: judged again at any instant inside the span it gives,
    /// a verdict is the same; just outside it, it is not (so a kept verdict
    /// is reused exactly where judging again would give it, and no longer).
    @Test func aVerdictHoldsExactlyOverTheSpanItGives() throws {
        var rng = SeededRNG(seed: 12)
        let base = Fixtures.ms("2026-10-12T09:00:00")
        let hour: Int64 = 3_600_000
        var seen = Set<String>()
        for _ in 0..<3_000 {
            func t() -> Int64 { base + Int64.random(in: -48...(24 * 14), using: &rng) * hour + Int64.random(in: 0..<hour, using: &rng) }
            let s0 = t()
            let start = Bool.random(using: &rng) ? TimeBounds(own: s0, lo: s0, hi: .max, loSource: "", hiSource: "")
                : TimeBounds(own: s0, lo: s0, hi: s0 + Int64.random(in: 0...(48 * hour), using: &rng), loSource: "", hiSource: "")
            var act: (id: Digest, bounds: TimeBounds)?
            if Int.random(in: 0..<4, using: &rng) > 0 {
                let own = t(), lo = own - Int64.random(in: 0...(72 * hour), using: &rng)
                let hi: Int64 = Bool.random(using: &rng) ? .max : own + Int64.random(in: 0...(72 * hour), using: &rng)
                act = (self.act, TimeBounds(own: own, lo: lo, hi: hi, loSource: "", hiSource: ""))
            }
            let grace = [Int64(0), hour, 24 * hour].randomElement(using: &rng)!
            let wd = Int.random(in: 0...5, using: &rng)
            func judge(_ now: Int64) throws -> Verdict {
                try Deadlines.judge(rule: "R2", start: start, workingDays: wd, act: act, calendar: calendar, graceMillis: grace, now: now)
            }
            let v = try judge(t())
            let span = v.holds(graceMillis: grace)
            seen.insert("\(v.outcome.rawValue) \(v.basis.rawValue)")
            var inside = [span.lowerBound, span.upperBound - 1]
            if span.lowerBound != .min && span.upperBound != .max { inside.append(Int64.random(in: span, using: &rng)) }
            for now in inside where now != .min && now != .max - 1 {
                let w = try judge(now)
                #expect(w.outcome == v.outcome && w.basis == v.basis, "at \(now) inside \(span)")
            }
            for now in [span.lowerBound == .min ? nil : span.lowerBound - 1, span.upperBound == .max ? nil : span.upperBound].compactMap({ $0 }) {
                #expect(try judge(now).outcome != v.outcome, "at \(now) outside \(span)")
            }
        }
        // Every way of deciding was met, the now-dependent ones among them.
        #expect(seen.isSuperset(of: ["open no_act_yet", "lapsed no_act_by_limit", "awaiting_witness unwitnessed",
                                     "late straddle_late", "on_time proven_on_time", "late proven_late", "on_time straddle_on_time"]), "\(seen)")
    }
}
