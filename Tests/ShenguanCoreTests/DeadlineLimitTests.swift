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
}
