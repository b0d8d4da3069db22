// OfficialCalendar: the State Council holiday schedules for 2020-2026 as data
// (rule T1). Each table is transcribed from the General Office's notice
// 国务院办公厅关于XXXX年部分节假日安排的通知; the comment above each entry
// gives the notice's own wording. Holiday periods are entered as the full
// published ranges with the notice's day count ("共N天"), which is checked
// when the data is first used, and adjusted working days (调休上班) as the
// listed weekend days.
//
// Cross-checked day by day against the `chinese_calendar` Python package
// (1.11.0) by Tools/verify-py/calendar_check.py: all 2,557 days of 2020-2026
// agree on working day / day off.
//
// Adding a year: append a table transcribed from that year's notice, cite the
// notice title and document number in `source`, and run the tests and the
// Python cross-check.

/// The built-in official working-day tables (rule T1).
public enum OfficialCalendar {
    /// The State Council holiday schedules for 2020 through 2026, one table
    /// per year, ascending, each citing its notice and document number.
    public static let builtInYears: [CalendarYear] = [
        year2020, year2021, year2022, year2023, year2024, year2025, year2026,
    ]

    /// A calendar over ``builtInYears``. Dates before 2020 or after 2026
    /// throw ``CalendarError/noTableForYear(_:)``.
    public static let calendar: WorkingDayCalendar = {
        do {
            return try WorkingDayCalendar(years: builtInYears)
        } catch {
            // The built-in data is fixed and checked by the test suite.
            preconditionFailure("Built-in official calendar is inconsistent: \(error)")
        }
    }()

    // MARK: - 2020

    /// 2020, as extended: the original notice (国办发明电〔2019〕16号) gave
    /// Spring Festival leave 01-24 ... 01-30 with Saturday 02-01 worked; the
    /// extension notice (国办发明电〔2020〕1号, 2020-01-26) extended the
    /// Spring Festival holiday to Sunday 02-02, with normal work from Monday
    /// 02-03. The extension is official and is included: 01-31 ... 02-02 are
    /// holidays and 02-01 is no longer an adjusted working day.
    static let year2020 = CalendarYear(
        year: 2020,
        holidays: [
            // 一、元旦：2020年1月1日放假，共1天。
            span("2020-01-01", "2020-01-01", days: 1),
            // 二、春节：1月24日至30日放假调休，共7天；
            // 延长2020年春节假期至2月2日（农历正月初九，星期日），2月3日起正常上班。
            span("2020-01-24", "2020-02-02", days: 10),
            // 三、清明节：4月4日至6日放假调休，共3天。
            span("2020-04-04", "2020-04-06", days: 3),
            // 四、劳动节：5月1日至5日放假调休，共5天。
            span("2020-05-01", "2020-05-05", days: 5),
            // 五、端午节：6月25日至27日放假调休，共3天。
            span("2020-06-25", "2020-06-27", days: 3),
            // 六、国庆节、中秋节：10月1日至8日放假调休，共8天。
            span("2020-10-01", "2020-10-08", days: 8),
        ].flatMap { $0 },
        adjustedWorkingDays: dates(
            "2020-01-19",                // 春节：1月19日（星期日）上班（2月1日上班已因延长假期取消）
            "2020-04-26", "2020-05-09",  // 劳动节：4月26日（星期日）、5月9日（星期六）上班
            "2020-06-28",                // 端午节：6月28日（星期日）上班
            "2020-09-27", "2020-10-10"   // 国庆节、中秋节：9月27日（星期日）、10月10日（星期六）上班
        ),
        source: "国务院办公厅关于2020年部分节假日安排的通知（国办发明电〔2019〕16号）；"
            + "国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号）")

    // MARK: - 2021

    static let year2021 = CalendarYear(
        year: 2021,
        holidays: [
            // 一、元旦：2021年1月1日至3日放假，共3天。
            span("2021-01-01", "2021-01-03", days: 3),
            // 二、春节：2月11日至17日放假调休，共7天。
            span("2021-02-11", "2021-02-17", days: 7),
            // 三、清明节：4月3日至5日放假调休，共3天。
            span("2021-04-03", "2021-04-05", days: 3),
            // 四、劳动节：5月1日至5日放假调休，共5天。
            span("2021-05-01", "2021-05-05", days: 5),
            // 五、端午节：6月12日至14日放假，共3天。
            span("2021-06-12", "2021-06-14", days: 3),
            // 六、中秋节：9月19日至21日放假调休，共3天。
            span("2021-09-19", "2021-09-21", days: 3),
            // 七、国庆节：10月1日至7日放假调休，共7天。
            span("2021-10-01", "2021-10-07", days: 7),
        ].flatMap { $0 },
        adjustedWorkingDays: dates(
            "2021-02-07", "2021-02-20",  // 春节：2月7日（星期日）、2月20日（星期六）上班
            "2021-04-25", "2021-05-08",  // 劳动节：4月25日（星期日）、5月8日（星期六）上班
            "2021-09-18",                // 中秋节：9月18日（星期六）上班
            "2021-09-26", "2021-10-09"   // 国庆节：9月26日（星期日）、10月9日（星期六）上班
        ),
        source: "国务院办公厅关于2021年部分节假日安排的通知（国办发明电〔2020〕27号）")

    // MARK: - 2022

    static let year2022 = CalendarYear(
        year: 2022,
        holidays: [
            // 一、元旦：2022年1月1日至3日放假，共3天。
            span("2022-01-01", "2022-01-03", days: 3),
            // 二、春节：1月31日至2月6日放假调休，共7天。
            span("2022-01-31", "2022-02-06", days: 7),
            // 三、清明节：4月3日至5日放假调休，共3天。
            span("2022-04-03", "2022-04-05", days: 3),
            // 四、劳动节：4月30日至5月4日放假调休，共5天。
            span("2022-04-30", "2022-05-04", days: 5),
            // 五、端午节：6月3日至5日放假，共3天。
            span("2022-06-03", "2022-06-05", days: 3),
            // 六、中秋节：9月10日至12日放假，共3天。
            span("2022-09-10", "2022-09-12", days: 3),
            // 七、国庆节：10月1日至7日放假调休，共7天。
            span("2022-10-01", "2022-10-07", days: 7),
        ].flatMap { $0 },
        adjustedWorkingDays: dates(
            "2022-01-29", "2022-01-30",  // 春节：1月29日（星期六）、1月30日（星期日）上班
            "2022-04-02",                // 清明节：4月2日（星期六）上班
            "2022-04-24", "2022-05-07",  // 劳动节：4月24日（星期日）、5月7日（星期六）上班
            "2022-10-08", "2022-10-09"   // 国庆节：10月8日（星期六）、10月9日（星期日）上班
        ),
        source: "国务院办公厅关于2022年部分节假日安排的通知（国办发明电〔2021〕11号）")

    // MARK: - 2023

    /// 2023. The New Year's Day range starts on 2022-12-31 (a Saturday), as
    /// the notice states; that date is listed here, in the 2023 table.
    static let year2023 = CalendarYear(
        year: 2023,
        holidays: [
            // 一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。
            span("2022-12-31", "2023-01-02", days: 3),
            // 二、春节：1月21日至27日放假调休，共7天。
            span("2023-01-21", "2023-01-27", days: 7),
            // 三、清明节：4月5日放假，共1天。
            span("2023-04-05", "2023-04-05", days: 1),
            // 四、劳动节：4月29日至5月3日放假调休，共5天。
            span("2023-04-29", "2023-05-03", days: 5),
            // 五、端午节：6月22日至24日放假调休，共3天。
            span("2023-06-22", "2023-06-24", days: 3),
            // 六、中秋节、国庆节：9月29日至10月6日放假调休，共8天。
            span("2023-09-29", "2023-10-06", days: 8),
        ].flatMap { $0 },
        adjustedWorkingDays: dates(
            "2023-01-28", "2023-01-29",  // 春节：1月28日（星期六）、1月29日（星期日）上班
            "2023-04-23", "2023-05-06",  // 劳动节：4月23日（星期日）、5月6日（星期六）上班
            "2023-06-25",                // 端午节：6月25日（星期日）上班
            "2023-10-07", "2023-10-08"   // 中秋节、国庆节：10月7日（星期六）、10月8日（星期日）上班
        ),
        source: "国务院办公厅关于2023年部分节假日安排的通知（国办发明电〔2022〕16号）")

    // MARK: - 2024

    /// 2024. New Year's Day and the Dragon Boat Festival are single days
    /// "与周末连休" (joined to an ordinary weekend); the weekend days are not
    /// holidays of the notice and are not listed. The notice only
    /// *encourages* employers to let staff rest on New Year's Eve (除夕,
    /// 2024-02-09); it is not a holiday, so 02-09 (a Friday) is a working day.
    static let year2024 = CalendarYear(
        year: 2024,
        holidays: [
            // 一、元旦：1月1日放假，与周末连休。
            span("2024-01-01", "2024-01-01", days: 1),
            // 二、春节：2月10日至17日放假调休，共8天。
            span("2024-02-10", "2024-02-17", days: 8),
            // 三、清明节：4月4日至6日放假调休，共3天。
            span("2024-04-04", "2024-04-06", days: 3),
            // 四、劳动节：5月1日至5日放假调休，共5天。
            span("2024-05-01", "2024-05-05", days: 5),
            // 五、端午节：6月10日放假，与周末连休。
            span("2024-06-10", "2024-06-10", days: 1),
            // 六、中秋节：9月15日至17日放假调休，共3天。
            span("2024-09-15", "2024-09-17", days: 3),
            // 七、国庆节：10月1日至7日放假调休，共7天。
            span("2024-10-01", "2024-10-07", days: 7),
        ].flatMap { $0 },
        adjustedWorkingDays: dates(
            "2024-02-04", "2024-02-18",  // 春节：2月4日（星期日）、2月18日（星期日）上班
            "2024-04-07",                // 清明节：4月7日（星期日）上班
            "2024-04-28", "2024-05-11",  // 劳动节：4月28日（星期日）、5月11日（星期六）上班
            "2024-09-14",                // 中秋节：9月14日（星期六）上班
            "2024-09-29", "2024-10-12"   // 国庆节：9月29日（星期日）、10月12日（星期六）上班
        ),
        source: "国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号）")

    // MARK: - 2025

    /// 2025, the first year under the 2024 revision of 全国年节及纪念日放假办法
    /// (Spring Festival and Labour Day one statutory day longer each).
    static let year2025 = CalendarYear(
        year: 2025,
        holidays: [
            // 一、元旦：1月1日（周三）放假1天，不调休。
            span("2025-01-01", "2025-01-01", days: 1),
            // 二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。
            span("2025-01-28", "2025-02-04", days: 8),
            // 三、清明节：4月4日（周五）至6日（周日）放假，共3天。
            span("2025-04-04", "2025-04-06", days: 3),
            // 四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。
            span("2025-05-01", "2025-05-05", days: 5),
            // 五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
            span("2025-05-31", "2025-06-02", days: 3),
            // 六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。
            span("2025-10-01", "2025-10-08", days: 8),
        ].flatMap { $0 },
        adjustedWorkingDays: dates(
            "2025-01-26", "2025-02-08",  // 春节：1月26日（周日）、2月8日（周六）上班
            "2025-04-27",                // 劳动节：4月27日（周日）上班
            "2025-09-28", "2025-10-11"   // 国庆节、中秋节：9月28日（周日）、10月11日（周六）上班
        ),
        source: "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）")

    // MARK: - 2026

    static let year2026 = CalendarYear(
        year: 2026,
        holidays: [
            // 一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。
            span("2026-01-01", "2026-01-03", days: 3),
            // 二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
            span("2026-02-15", "2026-02-23", days: 9),
            // 三、清明节：4月4日（周六）至6日（周一）放假，共3天。
            span("2026-04-04", "2026-04-06", days: 3),
            // 四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。
            span("2026-05-01", "2026-05-05", days: 5),
            // 五、端午节：6月19日（周五）至21日（周日）放假，共3天。
            span("2026-06-19", "2026-06-21", days: 3),
            // 六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
            span("2026-09-25", "2026-09-27", days: 3),
            // 七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。
            span("2026-10-01", "2026-10-07", days: 7),
        ].flatMap { $0 },
        adjustedWorkingDays: dates(
            "2026-01-04",                // 元旦：1月4日（周日）上班
            "2026-02-14", "2026-02-28",  // 春节：2月14日（周六）、2月28日（周六）上班
            "2026-05-09",                // 劳动节：5月9日（周六）上班
            "2026-09-20", "2026-10-10"   // 国庆节：9月20日（周日）、10月10日（周六）上班
        ),
        source: "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）")

    // MARK: - Transcription helpers

    /// The days `first ... last` of a published holiday range; traps unless
    /// both are valid ISO dates and the range has exactly `days` days (the
    /// notice's "共N天"), which catches transcription slips.
    private static func span(_ first: String, _ last: String, days: Int) -> [CivilDate] {
        let a = date(first), b = date(last)
        let count = b.dayNumber - a.dayNumber + 1
        precondition(count == days, "Built-in range \(first)...\(last) has \(count) days, notice says \(days)")
        return (0..<count).map { a.adding(days: $0) }
    }

    /// The listed dates; traps on a malformed one.
    private static func dates(_ isoDates: String...) -> [CivilDate] {
        isoDates.map(date)
    }

    private static func date(_ iso: String) -> CivilDate {
        guard let d = CivilDate(iso: iso) else { preconditionFailure("Malformed built-in date \(iso)") }
        return d
    }
}
