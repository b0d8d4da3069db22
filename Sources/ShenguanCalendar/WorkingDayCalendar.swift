// WorkingDayCalendar: classifies civil dates as working days or days off
// from the official holiday tables (rule T1), refusing years with no table.

/// The official Chinese working-day calendar built from per-year holiday
/// tables (rule T1).
///
/// **T1 working days.** A time limit in 工作日 excludes weekends and
/// statutory holidays and includes the adjusted working days (调休) announced
/// each year by the State Council General Office
/// (国务院办公厅关于XXXX年部分节假日安排的通知). A day is therefore
/// - a working day if a table lists it as an adjusted working day,
/// - a day off if a table lists it as a holiday,
/// - otherwise a working day exactly when it is Monday to Friday.
///
/// A date whose year has no table is never guessed from weekends: every
/// query touching it throws ``CalendarError/noTableForYear(_:)`` naming that
/// year. (A table may list a date of the neighbouring year, as the 2023
/// notice does for 2022-12-31; that date still counts as covered only when
/// its own year has a table.)
///
/// The value is immutable and `Sendable`; build it once and share it. For the
/// built-in 2020-2026 tables use ``OfficialCalendar/calendar``.
public struct WorkingDayCalendar: Sendable, Equatable {
    /// How a covered date is classified under rule T1.
    public enum DayKind: String, Sendable, Codable, Equatable, Hashable, CaseIterable {
        /// Monday to Friday, not a holiday: a working day.
        case workday
        /// Saturday or Sunday, not an adjusted working day: a day off.
        case weekend
        /// A statutory holiday day of an official holiday period: a day off.
        case holiday
        /// A weekend day worked by the notice (调休上班): a working day.
        case adjustedWorkingDay

        /// Whether this kind of day counts toward a limit in 工作日.
        public var isWorkingDay: Bool { self == .workday || self == .adjustedWorkingDay }
    }

    /// The tables this calendar was built from, sorted by year.
    public let years: [CalendarYear]

    private let coveredYearSet: Set<Int>
    private let holidayDayNumbers: Set<Int>
    private let adjustedDayNumbers: Set<Int>

    /// Builds a calendar from per-year tables, checking that they are
    /// consistent.
    ///
    /// - Throws: ``CalendarError/invalidTable(year:detail:)`` if a year is
    ///   outside 1...9999 or has two tables, if a listed date lies more than
    ///   a year away from its table's year, if an adjusted working day is not
    ///   a Saturday or Sunday, or if a date is listed both as a holiday and as
    ///   an adjusted working day (in the same or different tables).
    public init(years: [CalendarYear]) throws(CalendarError) {
        let sorted = years.sorted { $0.year < $1.year }
        var covered = Set<Int>()
        var holidays = Set<Int>()
        var adjusted = Set<Int>()
        for table in sorted {
            let y = table.year
            guard (1...9999).contains(y) else {
                throw .invalidTable(year: y, detail: "the year is outside 1...9999")
            }
            guard covered.insert(y).inserted else {
                throw .invalidTable(year: y, detail: "two tables are given for the same year")
            }
            for date in table.holidays + table.adjustedWorkingDays where abs(date.year - y) > 1 {
                throw .invalidTable(year: y, detail: "\(date) is not within a year of \(y)")
            }
            for date in table.adjustedWorkingDays where !date.isWeekend {
                throw .invalidTable(
                    year: y,
                    detail: "\(date) is listed as an adjusted working day but is a "
                        + "\(WorkingDayCalendar.weekdayName(date.weekday)), already a working day")
            }
            holidays.formUnion(table.holidays.map(\.dayNumber))
            adjusted.formUnion(table.adjustedWorkingDays.map(\.dayNumber))
        }
        if let clash = holidays.intersection(adjusted).min() {
            let date = CivilDate(dayNumber: clash)
            let owner = sorted.first { $0.holidays.contains(date) || $0.adjustedWorkingDays.contains(date) }
            throw .invalidTable(
                year: owner?.year ?? date.year,
                detail: "\(date) is listed both as a holiday and as an adjusted working day")
        }
        self.years = sorted
        self.coveredYearSet = covered
        self.holidayDayNumbers = holidays
        self.adjustedDayNumbers = adjusted
    }

    /// The years that have a table, ascending.
    public var coveredYears: [Int] { years.map(\.year) }

    /// Whether a table is loaded for `year`.
    public func covers(year: Int) -> Bool { coveredYearSet.contains(year) }

    /// The table for `year`, if loaded.
    public func table(for year: Int) -> CalendarYear? { years.first { $0.year == year } }

    /// Classifies `date` under rule T1.
    ///
    /// - Throws: ``CalendarError/noTableForYear(_:)`` if no table is loaded
    ///   for `date.year`.
    public func kind(of date: CivilDate) throws(CalendarError) -> DayKind {
        guard coveredYearSet.contains(date.year) else { throw .noTableForYear(date.year) }
        let n = date.dayNumber
        if adjustedDayNumbers.contains(n) { return .adjustedWorkingDay }
        if holidayDayNumbers.contains(n) { return .holiday }
        return date.isWeekend ? .weekend : .workday
    }

    /// Whether `date` is a working day (工作日) under rule T1: an adjusted
    /// working day, or a Monday-to-Friday that is not a holiday.
    ///
    /// - Throws: ``CalendarError/noTableForYear(_:)`` if no table is loaded
    ///   for `date.year`; the calendar never falls back to weekends alone.
    public func isWorkingDay(_ date: CivilDate) throws(CalendarError) -> Bool {
        try kind(of: date).isWorkingDay
    }

    /// The number of working days strictly after `from` up to and including
    /// `through` (rule T2's counting: the start day is not counted), e.g. for
    /// a "working days left" display with `from` = today and `through` = a
    /// limit's last day. Returns 0 when `through` is not after `from`.
    ///
    /// - Throws: ``CalendarError/noTableForYear(_:)`` for the first year in
    ///   `from+1 ... through` that has no table.
    public func workingDays(from: CivilDate, through: CivilDate) throws(CalendarError) -> Int {
        guard from < through else { return 0 }
        var count = 0
        var n = from.dayNumber + 1
        let last = through.dayNumber
        while n <= last {
            if try isWorkingDay(CivilDate(dayNumber: n)) { count += 1 }
            n += 1
        }
        return count
    }

    /// Two calendars are equal when they were built from the same tables.
    public static func == (lhs: WorkingDayCalendar, rhs: WorkingDayCalendar) -> Bool {
        lhs.years == rhs.years
    }

    static func weekdayName(_ weekday: Int) -> String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][weekday - 1]
    }
}
