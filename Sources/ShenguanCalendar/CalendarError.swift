// CalendarError: the ways counting working days can fail, each with a
// stable machine code and a sentence a clerk can act on.

/// An error of the working-day calendar (rules T1, T2).
///
/// ``code`` is stable and meant for machines (logs, API responses, tests);
/// ``description`` is a sentence for the person who has to fix it.
public enum CalendarError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// No official holiday table is loaded for this year, so no day of it can
    /// be classified (rule T1: never guess from weekends alone).
    case noTableForYear(Int)

    /// A time limit of this many working days was asked for; limits must be
    /// at least 1 working day (rule T2 counts days 1...N after the event).
    case invalidLimit(Int)

    /// A table handed to ``WorkingDayCalendar/init(years:)`` is inconsistent;
    /// `detail` says how.
    case invalidTable(year: Int, detail: String)

    /// Stable machine-readable code: `"calendar.no_table"`,
    /// `"calendar.invalid_limit"` or `"calendar.invalid_table"`.
    public var code: String {
        switch self {
        case .noTableForYear: return "calendar.no_table"
        case .invalidLimit: return "calendar.invalid_limit"
        case .invalidTable: return "calendar.invalid_table"
        }
    }

    /// A sentence saying what is wrong and what to do about it.
    public var description: String {
        switch self {
        case .noTableForYear(let year):
            return "No official working-day calendar is loaded for \(year): publish the State Council "
                + "holiday notice for \(year) (国务院办公厅关于\(year)年部分节假日安排的通知) as a calendar "
                + "roster operation before counting limits into that year."
        case .invalidLimit(let n):
            return "A time limit of \(n) working days is not valid: a limit must be at least 1 working day; "
                + "correct the limit configured for this step."
        case .invalidTable(let year, let detail):
            return "The working-day calendar for \(year) is inconsistent: \(detail). Correct the table "
                + "against the State Council holiday notice and publish it again."
        }
    }
}
