import Foundation  // JSONEncoder/JSONDecoder only; no Date, no TimeZone.
import Testing
import ShenguanCalendar

/// Rules under test:
/// - T1 working days: weekends and statutory holidays excluded, adjusted
///   working days (调休) included, per the State Council notices; a year
///   with no table is an explicit error naming the year.
/// - T2 start day not counted (民法典第二百零一条): N working days end at
///   24:00 CST of the Nth working day after the event day.
@Suite("WorkingDayCalendar: rules T1 and T2")
struct WorkingDayCalendarTests {
    let calendar = OfficialCalendar.calendar

    private func date(_ iso: String) throws -> CivilDate {
        try #require(CivilDate(iso: iso))
    }

    private func instant(_ rfc3339: String) throws -> Int64 {
        try #require(ChinaStandardTime.parseRFC3339(rfc3339))
    }

    // MARK: T2 examples (RULES.md)

    @Test("T2 example 1: push 2026-09-30 16:00 +08:00, 2 working days -> ends 2026-10-09 24:00")
    func t2ExampleAcrossNationalDay() throws {
        let due = try calendar.due(fromMillis: instant("2026-09-30T16:00:00+08:00"), workingDays: 2)
        #expect(due.eventDay == (try date("2026-09-30")))
        #expect(due.countedDays == [try date("2026-10-08"), try date("2026-10-09")])
        #expect(due.lastDay == (try date("2026-10-09")))
        #expect(due.deadlineMillis == (try instant("2026-10-10T00:00:00+08:00")))
        #expect(ChinaStandardTime.rfc3339CST(millis: due.deadlineMillis) == "2026-10-10T00:00:00+08:00")
        #expect(due.deadlineRFC3339 == "2026-10-10T00:00:00+08:00")
    }

    @Test("T2 example 2: push 2026-10-09 10:00 +08:00, 1 working day -> ends Saturday 2026-10-10 24:00")
    func t2ExampleAdjustedSaturday() throws {
        let due = try calendar.due(fromMillis: instant("2026-10-09T10:00:00+08:00"), workingDays: 1)
        #expect(due.countedDays == [try date("2026-10-10")])
        #expect(due.lastDay == (try date("2026-10-10")))
        #expect(due.lastDay.weekday == 6)
        #expect(due.deadlineMillis == (try instant("2026-10-11T00:00:00+08:00")))
        #expect(due.deadlineRFC3339 == "2026-10-11T00:00:00+08:00")
    }

    @Test("T2: one second before the deadline is within the limit, the deadline instant is not")
    func deadlineIsExclusive() throws {
        for (push, n) in [("2026-09-30T16:00:00+08:00", 2), ("2026-10-09T10:00:00+08:00", 1)] {
            let due = try calendar.due(fromMillis: instant(push), workingDays: n)
            #expect(due.isWithinLimit(atMillis: due.deadlineMillis - 1_000))
            #expect(due.isWithinLimit(atMillis: due.deadlineMillis - 1))
            #expect(!due.isWithinLimit(atMillis: due.deadlineMillis))
            #expect(!due.isWithinLimit(atMillis: due.deadlineMillis + 1_000))
            // The second before the deadline is still on the last day, in CST.
            #expect(ChinaStandardTime.civilDate(atMillis: due.deadlineMillis - 1_000) == due.lastDay)
            #expect(ChinaStandardTime.civilDate(atMillis: due.deadlineMillis) == due.lastDay.adding(days: 1))
        }
        let due = try calendar.due(fromMillis: instant("2026-09-30T16:00:00+08:00"), workingDays: 2)
        #expect(ChinaStandardTime.rfc3339CST(millis: due.deadlineMillis - 1_000) == "2026-10-09T23:59:59+08:00")
    }

    @Test("T2: the event day is the CST day, whatever offset the instant is written in")
    func timeZoneIndependence() throws {
        // One instant, written four ways: 2026-09-30 16:00 CST.
        let forms = ["2026-09-30T16:00:00+08:00", "2026-09-30T08:00:00Z",
                     "2026-09-30T03:00:00-05:00", "2026-09-30T17:00:00+09:00"]
        let dues = try forms.map { try calendar.due(fromMillis: instant($0), workingDays: 2) }
        #expect(Set(dues).count == 1)
        // 2026-09-30 23:30 CST is 15:30Z; 2026-10-01 00:30 CST is 16:30Z the
        // same UTC day. The UTC date is the same, the CST event day is not.
        let late = try calendar.due(fromMillis: instant("2026-09-30T15:30:00Z"), workingDays: 1)
        let afterMidnight = try calendar.due(fromMillis: instant("2026-09-30T16:30:00Z"), workingDays: 1)
        #expect(late.eventDay == (try date("2026-09-30")))
        #expect(afterMidnight.eventDay == (try date("2026-10-01")))
        #expect(late.lastDay == (try date("2026-10-08")))
        #expect(afterMidnight.lastDay == (try date("2026-10-08")))
        // Friday 2026-10-09 23:59:59 CST vs Saturday 00:00:00 CST (a worked Saturday).
        let fri = try calendar.due(fromMillis: instant("2026-10-09T23:59:59+08:00"), workingDays: 1)
        let sat = try calendar.due(fromMillis: instant("2026-10-10T00:00:00+08:00"), workingDays: 1)
        #expect(fri.lastDay == (try date("2026-10-10")))
        #expect(sat.lastDay == (try date("2026-10-12")))
    }

    @Test("T2: due(afterEventDay:) counts from a known civil day")
    func dueFromCivilDay() throws {
        let due = try calendar.due(afterEventDay: date("2026-09-30"), workingDays: 3)
        #expect(due.countedDays.map(\.description) == ["2026-10-08", "2026-10-09", "2026-10-10"])
        #expect(due.deadlineRFC3339 == "2026-10-11T00:00:00+08:00")
    }

    // MARK: T1 data

    @Test("T1: every adjusted working day of 2020-2026 is a working day, every holiday is not")
    func tablesAreApplied() throws {
        #expect(OfficialCalendar.builtInYears.map(\.year) == Array(2020...2026))
        for table in OfficialCalendar.builtInYears {
            #expect(!table.adjustedWorkingDays.isEmpty)
            for d in table.adjustedWorkingDays {
                #expect(try calendar.isWorkingDay(d), "\(d) (\(table.year)) should be worked")
                #expect(try calendar.kind(of: d) == .adjustedWorkingDay)
                #expect(d.isWeekend)
            }
            for d in table.holidays {
                #expect(try !calendar.isWorkingDay(d), "\(d) (\(table.year)) should be a day off")
                #expect(try calendar.kind(of: d) == .holiday)
            }
        }
    }

    @Test("T1: each table cites its State Council notice and document number",
          arguments: [
            (2020, "国办发明电〔2019〕16号"), (2021, "国办发明电〔2020〕27号"), (2022, "国办发明电〔2021〕11号"),
            (2023, "国办发明电〔2022〕16号"), (2024, "国办发明电〔2023〕7号"), (2025, "国办发明电〔2024〕12号"),
            (2026, "国办发明电〔2025〕7号"),
          ])
    func sources(year: Int, documentNumber: String) throws {
        let table = try #require(calendar.table(for: year))
        #expect(table.source.contains("国务院办公厅关于\(year)年部分节假日安排的通知"))
        #expect(table.source.contains(documentNumber))
    }

    @Test("T1: working days per year match the official schedules",
          arguments: [(2020, 249), (2021, 250), (2022, 249), (2023, 249), (2024, 251), (2025, 248), (2026, 248)])
    func workingDaysPerYear(year: Int, expected: Int) throws {
        let dec31 = try #require(CivilDate(year: year - 1, month: 12, day: 31))
        let end = try #require(CivilDate(year: year, month: 12, day: 31))
        // from = Dec 31 of the year before (not counted, needs no table).
        #expect(try calendar.workingDays(from: dec31, through: end) == expected)
    }

    @Test("T1: notable days")
    func notableDays() throws {
        // 2026 National Day: 10-01...10-07 off, 09-20 (Sun) and 10-10 (Sat) worked.
        for day in 1...7 { #expect(try !calendar.isWorkingDay(date("2026-10-0\(day)"))) }
        #expect(try calendar.isWorkingDay(date("2026-09-20")))
        #expect(try calendar.isWorkingDay(date("2026-10-10")))
        #expect(try calendar.kind(of: date("2026-10-11")) == .weekend)
        #expect(try calendar.kind(of: date("2026-10-09")) == .workday)
        // 2020 Spring Festival extension (国办发明电〔2020〕1号): 01-31 (Fri) off,
        // 02-01 (Sat) no longer worked, back to work Monday 02-03.
        #expect(try !calendar.isWorkingDay(date("2020-01-31")))
        #expect(try !calendar.isWorkingDay(date("2020-02-01")))
        #expect(try !calendar.isWorkingDay(date("2020-02-02")))
        #expect(try calendar.isWorkingDay(date("2020-02-03")))
        #expect(try calendar.isWorkingDay(date("2020-01-19")))
        // 2024 New Year's Eve (除夕) was only "encouraged" as rest: a working day.
        #expect(try calendar.isWorkingDay(date("2024-02-09")))
        // 2025 new rules: 除夕 01-28 (Tue) off.
        #expect(try !calendar.isWorkingDay(date("2025-01-28")))
        // The 2023 notice's New Year range starts 2022-12-31.
        #expect(try calendar.kind(of: date("2022-12-31")) == .holiday)
        #expect(try !calendar.isWorkingDay(date("2023-01-02")))
    }

    // MARK: Errors

    @Test("T1: a date in a year with no table throws noTableForYear naming the year",
          arguments: ["2019-12-31", "2019-06-03", "2027-01-01", "2027-01-04", "1999-01-04"])
    func noTable(_ iso: String) throws {
        let d = try date(iso)
        #expect(throws: CalendarError.noTableForYear(d.year)) { try calendar.isWorkingDay(d) }
        #expect(throws: CalendarError.noTableForYear(d.year)) { try calendar.kind(of: d) }
    }

    @Test("T1/T2: counting into 2027 throws noTableForYear(2027), never a weekend-only guess")
    func countingIntoMissingYear() throws {
        #expect(throws: CalendarError.noTableForYear(2027)) {
            try calendar.due(fromMillis: instant("2026-12-31T09:00:00+08:00"), workingDays: 1)
        }
        #expect(throws: CalendarError.noTableForYear(2027)) {
            try calendar.workingDays(from: date("2026-12-30"), through: date("2027-01-05"))
        }
        // The event day itself is not counted, so 2019-12-31 needs no table.
        let due = try calendar.due(fromMillis: instant("2019-12-31T12:00:00+08:00"), workingDays: 1)
        #expect(due.lastDay == (try date("2020-01-02")))
        #expect(try calendar.workingDays(from: date("2026-12-31"), through: date("2026-12-31")) == 0)
        #expect(try calendar.workingDays(from: date("2027-05-01"), through: date("2026-01-01")) == 0)
    }

    @Test("T2: a limit below 1 working day is rejected", arguments: [0, -1, Int.min])
    func invalidLimit(_ n: Int) throws {
        #expect(throws: CalendarError.invalidLimit(n)) {
            try calendar.due(fromMillis: instant("2026-10-09T10:00:00+08:00"), workingDays: n)
        }
    }

    @Test("error codes and descriptions")
    func errorText() {
        let missing = CalendarError.noTableForYear(2027)
        #expect(missing.code == "calendar.no_table")
        #expect(missing.description == "No official working-day calendar is loaded for 2027: publish the State "
            + "Council holiday notice for 2027 (国务院办公厅关于2027年部分节假日安排的通知) as a calendar roster "
            + "operation before counting limits into that year.")
        #expect(CalendarError.invalidLimit(0).code == "calendar.invalid_limit")
        #expect(CalendarError.invalidLimit(0).description.contains("at least 1 working day"))
        #expect(CalendarError.invalidTable(year: 2026, detail: "x").code == "calendar.invalid_table")
    }

    // MARK: Building calendars

    @Test("inconsistent tables are refused")
    func tableValidation() throws {
        let sat = try date("2026-10-10"), mon = try date("2026-10-12")
        func table(_ year: Int, holidays: [CivilDate] = [], adjusted: [CivilDate] = []) -> CalendarYear {
            CalendarYear(year: year, holidays: holidays, adjustedWorkingDays: adjusted, source: "test")
        }
        #expect(throws: CalendarError.self) { try WorkingDayCalendar(years: [table(2026), table(2026)]) }
        #expect(throws: CalendarError.self) { try WorkingDayCalendar(years: [table(2026, adjusted: [mon])]) }
        #expect(throws: CalendarError.self) {
            try WorkingDayCalendar(years: [table(2026, holidays: [sat], adjusted: [sat])])
        }
        #expect(throws: CalendarError.self) {
            try WorkingDayCalendar(years: [table(2026, holidays: [sat]), table(2027, adjusted: [sat])])
        }
        #expect(throws: CalendarError.self) { try WorkingDayCalendar(years: [table(2024, holidays: [sat])]) }
        #expect(throws: CalendarError.self) { try WorkingDayCalendar(years: [table(0)]) }
        do {
            _ = try WorkingDayCalendar(years: [table(2026, adjusted: [mon])])
        } catch {
            #expect(error.code == "calendar.invalid_table")
            #expect(error.description.contains("2026-10-12 is listed as an adjusted working day but is a Monday"))
        }
        // A weekend-only table (no holidays) is valid: the year is simply covered.
        let plain = try WorkingDayCalendar(years: [table(2030)])
        #expect(plain.coveredYears == [2030])
        #expect(try plain.isWorkingDay(date("2030-01-01")))
        #expect(try !plain.isWorkingDay(date("2030-01-05")))
    }

    @Test("tables round-trip through JSON in the export format")
    func tableJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(OfficialCalendar.builtInYears)
        let decoded = try JSONDecoder().decode([CalendarYear].self, from: data)
        #expect(decoded == OfficialCalendar.builtInYears)
        #expect(try WorkingDayCalendar(years: decoded) == calendar)
        let text = String(decoding: try encoder.encode(calendar.table(for: 2026)), as: UTF8.self)
        #expect(text.hasPrefix("{\"adjustedWorkingDays\":[\"2026-01-04\",\"2026-02-14\""))
        #expect(text.contains("\"year\":2026"))

        let due = try calendar.due(afterEventDay: date("2026-09-30"), workingDays: 2)
        #expect(try JSONDecoder().decode(WorkingDayCalendar.Due.self, from: JSONEncoder().encode(due)) == due)
    }
}
