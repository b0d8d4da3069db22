import ShenguanCalendar
import ShenguanCore

/// Limits and instants as a clerk reads them (JSON keeps RFC 3339).
///
/// A limit's exclusive end (00:00 CST of the next day) prints as 24:00 of
/// its last day with the weekday: `10-08 24:00 周四`; the year is shown when
/// it is not the year of `now`.
public enum ClerkTime {
    static let weekdays = ["", "周一", "周二", "周三", "周四", "周五", "周六", "周日"]

    /// `10-08 24:00 周四` (or `2027-01-04 24:00 周一` in another year).
    public static func limit(_ due: WorkingDayCalendar.Due, now: Int64) -> String {
        "\(day(due.lastDay, now: now)) 24:00 \(weekdays[due.lastDay.weekday])"
    }

    /// `10-08 09:30` (or `2025-12-30 09:30`), China Standard Time.
    public static func instant(_ ms: Int64, now: Int64) -> String {
        let d = ChinaStandardTime.civilDate(atMillis: ms)
        let minutes = Int((ms - ChinaStandardTime.startOfDayMillis(d)) / 60_000)
        return "\(day(d, now: now)) \(two(minutes / 60)):\(two(minutes % 60))"
    }

    /// `2026年10月8日 24:00（周四）`, the long form of a limit.
    public static func limitLong(_ due: WorkingDayCalendar.Due) -> String {
        let d = due.lastDay
        return "\(d.year)年\(d.month)月\(d.day)日 24:00（\(weekdays[d.weekday])）"
    }

    /// What is left before a limit, in the clerk's words:
    /// `2 工作日 / 38 h`, `今日到期 · 剩 3 h 20 min`, `剩 25 min`, `已逾期`.
    public static func left(_ due: WorkingDayCalendar.Due, now: Int64, calendar: WorkingDayCalendar) -> String {
        let ms = due.deadlineMillis - now
        guard ms > 0 else { return "已逾期 overdue" }
        let hours = ms / 3_600_000, minutes = (ms % 3_600_000) / 60_000
        let span = hours > 0 ? "\(hours) h \(minutes) min" : "\(max(1, minutes)) min"
        if ChinaStandardTime.civilDate(atMillis: now) == due.lastDay { return "今日到期 · 剩 \(span)" }
        // A fixed day (a visit, the day an officer is needed, a rectification's end): calendar days.
        if due.workingDays == 0 { return "\(daysUntil(due.lastDay, now: now)) 天 / \(hours) h" }
        let t = Workflow.timeLeft(due, now: now, calendar: calendar)
        return "\(t.workingDays) 工作日 / \(hours) h"
    }

    /// `2026年10月8日 09:30`, the long form of an instant (CST).
    public static func instantLong(_ ms: Int64) -> String {
        let d = ChinaStandardTime.civilDate(atMillis: ms)
        let minutes = Int((ms - ChinaStandardTime.startOfDayMillis(d)) / 60_000)
        return "\(d.year)年\(d.month)月\(d.day)日 \(two(minutes / 60)):\(two(minutes % 60))"
    }

    /// What is left before a limit, in Chinese only (the web interface):
    /// `剩 2 个工作日（38 小时）`, `今日到期 · 剩 3 小时 20 分`, `已逾期`.
    public static func leftChinese(_ due: WorkingDayCalendar.Due, now: Int64, calendar: WorkingDayCalendar) -> String {
        let ms = due.deadlineMillis - now
        guard ms > 0 else { return "已逾期" }
        let hours = ms / 3_600_000, minutes = (ms % 3_600_000) / 60_000
        if ChinaStandardTime.civilDate(atMillis: now) == due.lastDay {
            return "今日到期 · 剩 " + (hours > 0 ? "\(hours) 小时 \(minutes) 分" : "\(max(1, minutes)) 分钟")
        }
        if due.workingDays == 0 { return "剩 \(daysUntil(due.lastDay, now: now)) 天（\(hours) 小时）" }
        let t = Workflow.timeLeft(due, now: now, calendar: calendar)
        return "剩 \(t.workingDays) 个工作日（\(hours) 小时）"
    }

    /// Calendar days from today (CST) to `day`, today not counted.
    static func daysUntil(_ day: CivilDate, now: Int64) -> Int {
        Int((ChinaStandardTime.startOfDayMillis(day) - ChinaStandardTime.startOfDayMillis(ChinaStandardTime.civilDate(atMillis: now))) / 86_400_000)
    }

    static func day(_ d: CivilDate, now: Int64) -> String {
        d.year == ChinaStandardTime.civilDate(atMillis: now).year ? "\(two(d.month))-\(two(d.day))" : d.iso
    }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
