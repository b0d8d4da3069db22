// CivilDate: a calendar day with no time and no time zone, and the
// proleptic Gregorian day-number arithmetic behind it.
//
// Pure: no Foundation, no clock, no time zone. Day numbers count days since
// 1970-01-01 (day 0), negative before it; the conversion is Howard Hinnant's
// `days_from_civil` / `civil_from_days`, exact for every year handled here.

/// A civil (calendar) date in the proleptic Gregorian calendar: a year, a
/// month and a day, with no time of day and no time zone attached.
///
/// Working-day rules (T1) are decided per civil date, and the start-day rule
/// (T2) counts whole civil dates after the event day, so the calendar works
/// on this type and converts instants to it only in China Standard Time
/// (see ``ChinaStandardTime``).
///
/// Ordering is chronological. The ISO 8601 form `YYYY-MM-DD` is used for
/// printing (``description``), parsing (``init(iso:)``) and `Codable`.
public struct CivilDate: Comparable, Hashable, Sendable {
    /// The Gregorian year, e.g. 2026 (year 0 is 1 BC; proleptic before 1582).
    public let year: Int
    /// The month, 1 = January ... 12 = December.
    public let month: Int
    /// The day of the month, 1 ... 28/29/30/31.
    public let day: Int

    /// The largest absolute year accepted by ``init(year:month:day:)``.
    ///
    /// The bound keeps every derived instant (milliseconds since the Unix
    /// epoch) inside `Int64`.
    public static let maxAbsoluteYear = 100_000_000

    /// Creates a date from its parts, or returns `nil` when the parts do not
    /// name a real day (month outside 1...12, day outside the month, or a
    /// year beyond ±``maxAbsoluteYear``).
    public init?(year: Int, month: Int, day: Int) {
        guard abs(year) <= CivilDate.maxAbsoluteYear,
              (1...12).contains(month),
              day >= 1, day <= CivilDate.daysInMonth(year: year, month: month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Creates the date that is `dayNumber` days after 1970-01-01 (negative
    /// numbers are before it). Inverse of ``dayNumber``.
    public init(dayNumber: Int) {
        // civil_from_days (H. Hinnant), with floor division for negative eras.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097                                   // [0, 146096]
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365  // [0, 399]
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)             // [0, 365]
        let mp = (5 * doy + 2) / 153                                  // [0, 11], March = 0
        let d = doy - (153 * mp + 2) / 5 + 1                          // [1, 31]
        let m = mp < 10 ? mp + 3 : mp - 9                             // [1, 12]
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Days since 1970-01-01 (which is day 0); negative before it.
    public var dayNumber: Int {
        // days_from_civil (H. Hinnant): years start on 1 March so that the
        // leap day is the last day of the shifted year.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400                                        // [0, 399]
        let mp = month > 2 ? month - 3 : month + 9                     // March = 0
        let doy = (153 * mp + 2) / 5 + day - 1                         // [0, 365]
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy                // [0, 146096]
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` days later (earlier when negative).
    public func adding(days: Int) -> CivilDate {
        CivilDate(dayNumber: dayNumber + days)
    }

    /// The ISO 8601 day of the week: 1 = Monday ... 6 = Saturday, 7 = Sunday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday (4).
        let r = (dayNumber + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    /// `true` on Saturday and Sunday, the ordinary rest days before any
    /// holiday or adjusted-working-day table is applied (rule T1).
    public var isWeekend: Bool { weekday >= 6 }

    /// Whether `year` is a leap year in the proleptic Gregorian calendar.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in `month` of `year` (0 for a month outside 1...12).
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    /// Chronological order.
    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
