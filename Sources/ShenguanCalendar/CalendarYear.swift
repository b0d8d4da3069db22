// CalendarYear: one year's official holiday schedule, as published by the
// General Office of the State Council (rule T1).

/// The official holiday schedule of one year: which days are statutory
/// holidays (放假) and which weekend days are worked instead (调休上班), as
/// announced in the State Council General Office's notice
/// "国务院办公厅关于XXXX年部分节假日安排的通知" (rule T1).
///
/// A `CalendarYear` is plain data. It is `Codable` with the keys `year`,
/// `holidays`, `adjustedWorkingDays` and `source`, dates as `"YYYY-MM-DD"`
/// strings, e.g.
///
/// ```json
/// {"year":2026,"holidays":["2026-01-01",...],
///  "adjustedWorkingDays":["2026-01-04",...],
///  "source":"国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）"}
/// ```
///
/// The lists keep the order in which the notice states them. Consistency
/// (no duplicate year, no day both off and worked, adjusted working days
/// only on weekends, dates within a year of `year`) is checked when a
/// ``WorkingDayCalendar`` is built from tables, not here.
public struct CalendarYear: Sendable, Codable, Equatable, Hashable {
    /// The year the notice is for, e.g. 2026. A ``WorkingDayCalendar`` that
    /// holds this table counts every civil date of this year as covered.
    public var year: Int

    /// Every day off of the notice's holiday periods (放假), i.e. the full
    /// official ranges such as 2026-10-01 ... 2026-10-07, including the days
    /// of a range that fall on a weekend. A notice may start a range in the
    /// previous year (the 2023 notice puts New Year's Day leave at
    /// 2022-12-31 ... 2023-01-02); such a date is listed here as published.
    public var holidays: [CivilDate]

    /// The weekend days that are working days by the notice (调休上班),
    /// e.g. 2026-10-10 (a Saturday).
    public var adjustedWorkingDays: [CivilDate]

    /// Where the table comes from: the notice title and, where known, its
    /// document number, e.g.
    /// "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）".
    public var source: String

    /// Creates a table from the notice's lists.
    public init(year: Int, holidays: [CivilDate], adjustedWorkingDays: [CivilDate], source: String) {
        self.year = year
        self.holidays = holidays
        self.adjustedWorkingDays = adjustedWorkingDays
        self.source = source
    }
}
