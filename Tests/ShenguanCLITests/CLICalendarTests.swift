import Foundation
import Testing
import ShenguanTestSupport

/// `shenguan calendar` (RULES.md T1, T2) through the real binary, and the
/// shipped tables cross-checked against the independent `chinese-calendar`
/// PyPI package.
@Suite struct CLICalendarTests {
    func due(_ from: String, _ n: Int) throws -> [String: Any] {
        let r = try Subprocess.run(Subprocess.shenguan, ["calendar", "due", "--from", from, "--working-days", "\(n)", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    }

    @Test func rulesT2ExamplesAcrossTheNationalDayHoliday() throws {
        let a = try due("2026-09-30T16:00:00+08:00", 2)
        #expect(a["lastDay"] as? String == "2026-10-09")
        #expect(a["deadline"] as? String == "2026-10-10T00:00:00+08:00")
        #expect(a["countedDays"] as? [String] == ["2026-10-08", "2026-10-09"])
        let b = try due("2026-10-09T10:00:00+08:00", 1)   // ends on Saturday 10-10, an adjusted working day
        #expect(b["lastDay"] as? String == "2026-10-10")
        #expect(b["deadline"] as? String == "2026-10-11T00:00:00+08:00")
        // The same instant written in UTC gives the same answer (no machine time zone involved).
        let c = try due("2026-09-30T08:00:00Z", 2)
        #expect(c["deadline"] as? String == "2026-10-10T00:00:00+08:00")
    }

    @Test func aYearWithoutATableIsAnExplicitError() throws {
        let r = try Subprocess.run(Subprocess.shenguan, ["calendar", "due", "--from", "2026-12-30T10:00:00+08:00", "--working-days", "5"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("calendar.no_table") && r.stderr.contains("2027"))
    }

    @Test func shippedTablesAgreeWithChineseCalendarPackage() throws {
        let show = try Subprocess.run(Subprocess.shenguan, ["calendar", "show", "--json"])
        #expect(show.status == 0)
        let dir = TempDir("cal"); defer { dir.remove() }
        try show.stdout.write(toFile: dir.file("years.json"), atomically: true, encoding: .utf8)
        let check = try Subprocess.python("calendar_check.py", [dir.file("years.json")])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("calendar_check: 2557 days agree"))
    }
}
