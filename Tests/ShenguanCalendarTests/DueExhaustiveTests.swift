import Testing
import ShenguanCalendar

/// Exhaustive check of rule T2 over rules T1's built-in tables: for every
/// event day 2020-01-01 ... 2026-12-31 at 12:00 CST and every limit
/// N = 1...10, `WorkingDayCalendar.due` must agree with the straightforward
/// reference below.
///
/// The reference shares nothing with the module's date arithmetic: it walks
/// a year/month/day counter with its own month lengths, tracks the weekday
/// by rotation from a known fact (2020-01-01 was a Wednesday) and the day
/// number from another (2020-01-01 is day 18262 since 1970-01-01, i.e.
/// 1577836800 s), and looks days up in the raw holiday / adjusted lists by a
/// plain integer key y*10000 + m*100 + d.
@Suite("T2 exhaustive: due() agrees with a day-by-day reference walk")
struct DueExhaustiveTests {
    /// One day of the reference timeline 2020-01-01 ... 2026-12-31.
    struct RefDay {
        var year: Int, month: Int, day: Int
        var dayNumber: Int64
        var working: Bool
    }

    /// Builds the timeline from the raw tables (T1: adjusted days worked,
    /// holidays off, otherwise Monday-Friday worked).
    static func referenceTimeline() -> [RefDay] {
        var holidayKeys = Set<Int>(), adjustedKeys = Set<Int>()
        for table in OfficialCalendar.builtInYears {
            for d in table.holidays { holidayKeys.insert(d.year * 10_000 + d.month * 100 + d.day) }
            for d in table.adjustedWorkingDays { adjustedKeys.insert(d.year * 10_000 + d.month * 100 + d.day) }
        }
        var days: [RefDay] = []
        var weekday = 3                 // 2020-01-01: Wednesday (1 = Monday ... 7 = Sunday)
        var dayNumber: Int64 = 18_262   // 2020-01-01
        for y in 2020...2026 {
            let leap = y % 4 == 0       // exact for 2020...2026
            let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            for m in 1...12 {
                for d in 1...lengths[m - 1] {
                    let key = y * 10_000 + m * 100 + d
                    let working = adjustedKeys.contains(key) || (!holidayKeys.contains(key) && weekday <= 5)
                    days.append(RefDay(year: y, month: m, day: d, dayNumber: dayNumber, working: working))
                    weekday = weekday % 7 + 1
                    dayNumber += 1
                }
            }
        }
        return days
    }

    enum Expected: Equatable {
        /// Indices into the timeline of the counted days; the last is the last day.
        case due(counted: [Int])
        /// The walk ran past 2026-12-31.
        case noTable(Int)
    }

    /// The reference: walk forward from the day after the event, counting
    /// working days until n are found or the timeline (2026) ends.
    static func reference(_ timeline: [RefDay], eventIndex: Int, n: Int) -> Expected {
        var counted: [Int] = []
        var i = eventIndex + 1
        while counted.count < n {
            if i >= timeline.count { return .noTable(2027) }
            if timeline[i].working { counted.append(i) }
            i += 1
        }
        return .due(counted: counted)
    }

    @Test("every event day 2020-01-01...2026-12-31 at 12:00 CST, N = 1...10")
    func exhaustive() throws {
        let calendar = OfficialCalendar.calendar
        let timeline = Self.referenceTimeline()
        #expect(timeline.count == 2_557)
        #expect(timeline.filter(\.working).count == 249 + 250 + 249 + 249 + 251 + 248 + 248)

        let msPerDay: Int64 = 86_400_000
        let cstOffset: Int64 = 8 * 3_600_000
        var checked = 0
        var throwsSeen = 0
        var failures: [String] = []

        for (index, event) in timeline.enumerated() {
            // 12:00 CST on the event day = 04:00 UTC.
            let eventMillis = event.dayNumber * msPerDay + 12 * 3_600_000 - cstOffset
            for n in 1...10 {
                checked += 1
                let label = "\(event.year)-\(event.month)-\(event.day) N=\(n)"
                switch Self.reference(timeline, eventIndex: index, n: n) {
                case .noTable(let year):
                    throwsSeen += 1
                    do {
                        let got = try calendar.due(fromMillis: eventMillis, workingDays: n)
                        failures.append("\(label): expected noTableForYear(\(year)), got \(got.lastDay)")
                    } catch {
                        if error != .noTableForYear(year) { failures.append("\(label): threw \(error)") }
                    }
                case .due(let counted):
                    do {
                        let got = try calendar.due(fromMillis: eventMillis, workingDays: n)
                        let last = timeline[counted[counted.count - 1]]
                        let gotCounted = got.countedDays.map { [$0.year, $0.month, $0.day] }
                        let wantCounted = counted.map { [timeline[$0].year, timeline[$0].month, timeline[$0].day] }
                        let wantDeadline = (last.dayNumber + 1) * msPerDay - cstOffset
                        if got.lastDay.year != last.year || got.lastDay.month != last.month
                            || got.lastDay.day != last.day || gotCounted != wantCounted
                            || got.deadlineMillis != wantDeadline || got.workingDays != n
                            || got.eventDay.year != event.year || got.eventDay.month != event.month
                            || got.eventDay.day != event.day {
                            failures.append("\(label): got last day \(got.lastDay), deadline \(got.deadlineMillis); "
                                + "expected \(last.year)-\(last.month)-\(last.day), \(wantDeadline)")
                        }
                    } catch {
                        failures.append("\(label): threw \(error)")
                    }
                }
            }
        }
        #expect(checked == 25_570)
        #expect(throwsSeen > 0)   // the last days of 2026 walk into 2027
        #expect(failures.isEmpty, "\(failures.count) mismatches, first: \(failures.prefix(10))")
    }
}
