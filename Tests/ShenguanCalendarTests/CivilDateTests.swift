import Foundation  // JSONEncoder/JSONDecoder only; no Date, no TimeZone.
import Testing
import ShenguanCalendar

@Suite("CivilDate: day numbers, weekdays, ISO form")
struct CivilDateTests {
    private func date(_ iso: String) throws -> CivilDate {
        try #require(CivilDate(iso: iso))
    }

    @Test("known day numbers and weekdays")
    func knownDayNumbers() throws {
        #expect(try date("1970-01-01").dayNumber == 0)
        #expect(try date("1970-01-01").weekday == 4)          // Thursday
        #expect(try date("1969-12-31").dayNumber == -1)
        #expect(try date("1969-12-31").weekday == 3)          // Wednesday
        #expect(try date("2000-03-01").dayNumber == 11_017)
        #expect(try date("2020-01-01").dayNumber == 18_262)   // 1577836800 s / 86400
        #expect(try date("2020-01-01").weekday == 3)          // Wednesday
        #expect(try date("2026-10-09").weekday == 5)          // Friday
        #expect(try date("2026-10-10").weekday == 6)          // Saturday
        #expect(try date("2026-10-11").weekday == 7)          // Sunday
        #expect(try date("0001-01-01").weekday == 1)          // Monday (proleptic)
        #expect(try date("0001-01-01").dayNumber == -719_162)
    }

    /// An independent check of the closed-form conversion: walk every day
    /// from 1600-01-01 to 2400-12-31 with a plain year/month/day counter.
    @Test("day numbers agree with a day-by-day walk over 1600...2400")
    func dayNumberWalk() throws {
        let start = try date("1600-01-01")
        var n = start.dayNumber
        var weekday = start.weekday
        var mismatches = 0
        for y in 1600...2400 {
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
            let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            for m in 1...12 {
                for d in 1...lengths[m - 1] {
                    let c = CivilDate(dayNumber: n)
                    if c.year != y || c.month != m || c.day != d || c.dayNumber != n || c.weekday != weekday {
                        mismatches += 1
                    }
                    n += 1
                    weekday = weekday == 7 ? 1 : weekday + 1
                }
            }
        }
        #expect(mismatches == 0)
        #expect(start.weekday == 6)   // 1600-01-01 was a Saturday
    }

    @Test("round trip through day numbers far from the epoch")
    func roundTripFar() {
        var failures: [Int] = []
        for n in stride(from: -3_000_000, through: 3_000_000, by: 997) {
            let c = CivilDate(dayNumber: n)
            if c.dayNumber != n || CivilDate(year: c.year, month: c.month, day: c.day) != c {
                failures.append(n)
            }
        }
        #expect(failures.isEmpty)
        #expect(CivilDate(dayNumber: -1).adding(days: 1) == CivilDate(dayNumber: 0))
    }

    @Test("adding days across month, year and leap-day boundaries")
    func adding() throws {
        #expect(try date("2024-02-28").adding(days: 1) == date("2024-02-29"))
        #expect(try date("2024-02-29").adding(days: 1) == date("2024-03-01"))
        #expect(try date("2023-02-28").adding(days: 1) == date("2023-03-01"))
        #expect(try date("2026-12-31").adding(days: 1) == date("2027-01-01"))
        #expect(try date("2027-01-01").adding(days: -1) == date("2026-12-31"))
        #expect(try date("2026-09-30").adding(days: 10) == date("2026-10-10"))
    }

    @Test("validation of parts")
    func validation() {
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2026, month: 13, day: 1) == nil)
        #expect(CivilDate(year: 2026, month: 0, day: 1) == nil)
        #expect(CivilDate(year: 2026, month: 4, day: 31) == nil)
        #expect(CivilDate(year: 2026, month: 4, day: 0) == nil)
    }

    @Test("ISO parsing accepts only YYYY-MM-DD of real days",
          arguments: ["2026-10-9", "26-10-09", "2026/10/09", "2026-10-09T00:00", " 2026-10-09",
                      "2026-02-29", "2026-13-01", "２０２６-10-09", "", "+2026-10-09", "2026-1a-09"])
    func isoRejects(_ text: String) {
        #expect(CivilDate(iso: text) == nil)
    }

    @Test("ISO printing and ordering")
    func isoPrinting() throws {
        let d = try date("2026-10-09")
        #expect(d.description == "2026-10-09")
        #expect("\(d)" == "2026-10-09")
        #expect(try date("0001-02-03").description == "0001-02-03")
        #expect(CivilDate(year: -1, month: 3, day: 1)?.description == "-0001-03-01")
        #expect(CivilDate(year: 10_000, month: 1, day: 1)?.description == "+10000-01-01")
        #expect(try date("2026-10-09") < date("2026-10-10"))
        #expect(try date("2025-12-31") < date("2026-01-01"))
        #expect(try date("2026-01-31") < date("2026-02-01"))
    }

    @Test("Codable as an ISO string")
    func codable() throws {
        let d = try date("2026-10-10")
        let json = try JSONEncoder().encode([d])
        #expect(String(decoding: json, as: UTF8.self) == "[\"2026-10-10\"]")
        #expect(try JSONDecoder().decode([CivilDate].self, from: json) == [d])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CivilDate].self, from: Data("[\"2026-02-30\"]".utf8))
        }
    }
}
