import Testing
import ShenguanCalendar

/// Instants are Int64 milliseconds since the Unix epoch; China Standard Time
/// is a fixed UTC+8. Nothing here (or in the module) consults a time zone
/// database or the machine's zone, so the expectations are written as plain
/// numbers worked out by hand.
@Suite("ChinaStandardTime: civil dates of instants, RFC 3339")
struct ChinaStandardTimeTests {
    /// 2026-10-10T00:00:00+08:00 = 2026-10-09T16:00:00Z.
    /// 2026-10-10 is day 20_736 since 1970-01-01.
    static let oct10Midnight: Int64 = 20_736 * 86_400_000 - 8 * 3_600_000

    @Test("start of a CST day")
    func startOfDay() throws {
        let d = try #require(CivilDate(iso: "2026-10-10"))
        #expect(d.dayNumber == 20_736)
        #expect(ChinaStandardTime.startOfDayMillis(d) == Self.oct10Midnight)
        #expect(ChinaStandardTime.startOfDayMillis(try #require(CivilDate(iso: "1970-01-01"))) == -28_800_000)
    }

    @Test("the CST day changes at 16:00 UTC")
    func dayBoundary() throws {
        let oct9 = try #require(CivilDate(iso: "2026-10-09"))
        let oct10 = try #require(CivilDate(iso: "2026-10-10"))
        #expect(ChinaStandardTime.civilDate(atMillis: Self.oct10Midnight - 1) == oct9)
        #expect(ChinaStandardTime.civilDate(atMillis: Self.oct10Midnight) == oct10)
        #expect(ChinaStandardTime.civilDate(atMillis: Self.oct10Midnight + 86_399_999) == oct10)
        // Before the epoch: floor division, not truncation.
        #expect(ChinaStandardTime.civilDate(atMillis: -28_800_001) == CivilDate(iso: "1969-12-31"))
        #expect(ChinaStandardTime.civilDate(atMillis: -28_800_000) == CivilDate(iso: "1970-01-01"))
        #expect(ChinaStandardTime.civilDate(atMillis: 0) == CivilDate(iso: "1970-01-01"))
        #expect(ChinaStandardTime.civilDate(atMillis: 57_599_999) == CivilDate(iso: "1970-01-01"))
        #expect(ChinaStandardTime.civilDate(atMillis: 57_600_000) == CivilDate(iso: "1970-01-02"))
    }

    @Test("formatting in CST")
    func formatting() {
        #expect(ChinaStandardTime.rfc3339CST(millis: Self.oct10Midnight) == "2026-10-10T00:00:00+08:00")
        #expect(ChinaStandardTime.rfc3339CST(millis: Self.oct10Midnight - 1_000) == "2026-10-09T23:59:59+08:00")
        #expect(ChinaStandardTime.rfc3339CST(millis: Self.oct10Midnight - 1) == "2026-10-09T23:59:59.999+08:00")
        #expect(ChinaStandardTime.rfc3339CST(millis: Self.oct10Midnight + 5) == "2026-10-10T00:00:00.005+08:00")
        #expect(ChinaStandardTime.rfc3339CST(millis: 0) == "1970-01-01T08:00:00+08:00")
        #expect(ChinaStandardTime.rfc3339CST(millis: -1) == "1970-01-01T07:59:59.999+08:00")
        // Extreme instants format without trapping.
        #expect(!ChinaStandardTime.rfc3339CST(millis: .min).isEmpty)
        #expect(!ChinaStandardTime.rfc3339CST(millis: .max).isEmpty)
    }

    @Test("parsing: the same instant under different offsets",
          arguments: ["2026-10-10T00:00:00+08:00", "2026-10-09T16:00:00Z", "2026-10-09T16:00:00z",
                      "2026-10-09t16:00:00Z", "2026-10-09T16:00:00+00:00", "2026-10-09T16:00:00-00:00",
                      "2026-10-09T11:00:00-05:00", "2026-10-10T01:30:00+09:30",
                      "2026-10-09T16:00:00.000Z", "2026-10-09T16:00:00.0Z",
                      "2026-10-09T16:00:00.000999999Z"])
    func parsesSameInstant(_ text: String) {
        #expect(ChinaStandardTime.parseRFC3339(text) == Self.oct10Midnight)
    }

    @Test("parsing fractional seconds to millisecond precision")
    func fractions() {
        #expect(ChinaStandardTime.parseRFC3339("2026-10-09T16:00:00.5Z") == Self.oct10Midnight + 500)
        #expect(ChinaStandardTime.parseRFC3339("2026-10-09T16:00:00.05Z") == Self.oct10Midnight + 50)
        #expect(ChinaStandardTime.parseRFC3339("2026-10-09T16:00:00.123Z") == Self.oct10Midnight + 123)
        #expect(ChinaStandardTime.parseRFC3339("2026-10-09T16:00:00.1239Z") == Self.oct10Midnight + 123)
        #expect(ChinaStandardTime.parseRFC3339("2026-10-09T23:59:59.999+08:00") == Self.oct10Midnight - 1)
        #expect(ChinaStandardTime.parseRFC3339("1969-12-31T23:59:59.999Z") == -1)
        #expect(ChinaStandardTime.parseRFC3339("1970-01-01T00:00:00Z") == 0)
    }

    @Test("parsing rejects malformed text",
          arguments: ["2026-10-10", "2026-10-10T00:00:00", "2026-10-10 00:00:00+08:00",
                      "2026-10-10T00:00+08:00", "2026-10-10T24:00:00+08:00", "2026-10-10T00:60:00Z",
                      "2026-10-10T00:00:60Z", "2026-02-30T00:00:00Z", "2026-10-10T00:00:00.Z",
                      "2026-10-10T00:00:00.1234567890Z", "2026-10-10T00:00:00+0800", "2026-10-10T00:00:00+8:00",
                      "2026-10-10T00:00:00+24:00", "2026-10-10T00:00:00Z ", "2026-10-10T00:00:00ZZ",
                      "2026-10-10T00:00:00UTC", "", "2026-1O-10T00:00:00Z"])
    func rejects(_ text: String) {
        #expect(ChinaStandardTime.parseRFC3339(text) == nil)
    }

    @Test("format then parse round-trips")
    func roundTrip() {
        var failures: [Int64] = []
        var m: Int64 = -86_400_000 * 800
        while m < 86_400_000 * 25_000 {
            if ChinaStandardTime.parseRFC3339(ChinaStandardTime.rfc3339CST(millis: m)) != m { failures.append(m) }
            m += 3_600_000 * 7 + 61_001   // odd step: hits every hour, second and millisecond pattern
        }
        #expect(failures.isEmpty)
    }
}
