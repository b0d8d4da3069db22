import Foundation
import Testing
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanReplica
import ShenguanStore
import ShenguanTestSupport

/// The read side: items named as a clerk names them, limits printed as a
/// clerk reads them, errors with a stable code in both languages.
@Suite struct ReaderTests {
    @Test func itemsAreNamedByIdLicenceNumberCreditCodeOrApplicant() throws {
        let d = try Desk("reader-names"); defer { d.dir.remove() }
        let bureau = try d.clerk(d.bureau, at: "2026-09-30T16:00:00")
        let first = try bureau.approve(d.approval())
        let reader = bureau.reader
        for name in ["JY13715000001", F.codeA, "聊城市鲁西餐饮有限公司", String(first.approval.id.hex.prefix(10)), " JY13715000001 "] {
            let r = try reader.report(name)
            #expect(r.json["licenceNo"]?.stringValue == "JY13715000001", "\(name)")
        }
        #expect(try reader.report("JY13715000001").lines[0].contains("许可 licence JY13715000001"))
        // A second licence of the same applicant: the credit code names two items, the licence numbers one each.
        _ = try bureau.approve(d.approval(licence: "JY13715000002"))
        let two = d.refusal { _ = try reader.report(F.codeA) }
        #expect(two?.code == "item.ambiguous" && two?.chinese.contains("2 个事项") == true)
        #expect(try reader.report("JY13715000002").json["licenceNo"]?.stringValue == "JY13715000002")
        #expect(d.refusal { _ = try reader.report("JY99999999999") }?.code == "item.not_found")
        // The push of a licence, by licence number (evidence, claim).
        #expect(try reader.resolvePush("JY13715000001", addressedTo: "d1").id == first.pushes[0].push.act.id)
        #expect(try reader.evidence("JY13715000001").subject == first.pushes[0].push.act.id.hex)
    }

    @Test func theSubjectsIndexIsPartOfTheReadModelAndItsRebuild() throws {
        let d = try Desk("reader-rebuild"); defer { d.dir.remove() }
        _ = try d.clerk(d.bureau, at: "2026-09-30T16:00:00").approve(d.approval())
        let check = try d.bureau.store.checkReadModel()
        #expect(check.isConsistent, "\(check.missing) \(check.extra)")
        try d.bureau.store.rebuildProjections()
        #expect(try d.bureau.store.items(named: "JY13715000001").count == 1)
    }

    @Test func limitsPrintAsAClerkReadsThem() throws {
        let cal = try WorkingDayCalendar(years: OfficialCalendar.builtInYears)
        // Pushed 09-30 16:00, 2 working days: the holiday (10-01…10-07) is skipped.
        let due = try Deadlines.limit(from: F.ms("2026-09-30T16:00:00"), workingDays: 2, calendar: cal)
        #expect(ClerkTime.limit(due, now: F.ms("2026-09-30T16:00:00")) == "10-09 24:00 周五")
        #expect(ClerkTime.limitLong(due) == "2026年10月9日 24:00（周五）")
        #expect(ClerkTime.limit(due, now: F.ms("2027-01-04T09:00:00")) == "2026-10-09 24:00 周五")
        // Never more working days than the limit has; the last day says so, with minutes near the end.
        #expect(ClerkTime.left(due, now: F.ms("2026-09-30T17:00:00"), calendar: cal).hasPrefix("2 工作日"))
        #expect(ClerkTime.left(due, now: F.ms("2026-10-09T20:40:00"), calendar: cal) == "今日到期 · 剩 3 h 20 min")
        #expect(ClerkTime.left(due, now: F.ms("2026-10-09T23:30:00"), calendar: cal) == "今日到期 · 剩 30 min")
        #expect(ClerkTime.left(due, now: F.ms("2026-10-10T00:00:00"), calendar: cal) == "已逾期 overdue")
        // A fixed day (an R14 visit on Wednesday 10-14): calendar days, not working days.
        let visit = WorkingDayCalendar.Due(eventDay: CivilDate(iso: "2026-10-14")!, workingDays: 0, lastDay: CivilDate(iso: "2026-10-14")!,
                                           deadlineMillis: F.ms("2026-10-15T00:00:00"), countedDays: [])
        #expect(ClerkTime.left(visit, now: F.ms("2026-10-12T13:00:00"), calendar: cal) == "2 天 / 59 h")
        #expect(ClerkTime.leftChinese(visit, now: F.ms("2026-10-12T13:00:00"), calendar: cal) == "剩 2 天（59 小时）")
        #expect(ClerkTime.instant(F.ms("2026-10-08T09:05:00"), now: F.ms("2026-10-08T10:00:00")) == "10-08 09:05")
    }

    @Test func lowerLayerErrorsKeepTheirCodeAndGainASentence() {
        let rejection = OpRejection(.notAddressee, "claim of another department's push")
        let e = ReplicaError.wrap(rejection)
        #expect(e.code == "workflow.not_addressee" && e.chinese.contains("其他部门"))
        let again = ReplicaError.wrap(e)
        #expect(again == e)
    }

    /// An auto-claimed push leaves the inbox but stays listed, with its status (issue 15).
    @Test func anAutoClaimedPushStaysInTheHistory() throws {
        let d = try Desk("reader-history"); defer { d.dir.remove() }
        let res = try d.clerk(d.bureau, at: "2026-09-30T16:00:00").approve(d.approval())
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-09-30T17:00:00")
        let before = ReplicaReader(store: d.market.store, now: F.ms("2026-10-09T09:00:00"), department: "d1")
        #expect(try before.inbox().items.map(\.id) == [res.pushes[0].push.act.id])
        let after = ReplicaReader(store: d.market.store, now: F.ms("2026-10-12T09:00:00"), department: "d1")
        #expect(try after.inbox().items.isEmpty)
        let history = try after.history()
        #expect(history.map(\.id) == [res.pushes[0].push.act.id] && history[0].status == "auto_claimed")
        #expect(try after.history(department: "d2").isEmpty)
        #expect(try d.market.store.checkReadModel().isConsistent)
    }

    /// R23: the timeliness report counts a push where its verdict stands at
    /// the reader's instant: 待认领 before the limit, 超时自动认领 after it, in
    /// the month it was pushed and nowhere else.
    @Test func theTimelinessReportFollowsTheVerdicts() throws {
        let d = try Desk("reader-report"); defer { d.dir.remove() }
        _ = try d.clerk(d.bureau, at: "2026-09-30T16:00:00").approve(d.approval())
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-09-30T17:00:00")
        let period = try ReportPeriod("2026-09")
        let before = try ReplicaReader(store: d.market.store, now: F.ms("2026-10-09T09:00:00"), department: "d1").timeliness(period)
        #expect(before.lines.map(\.department) == ["d1"] && before.lines[0].claims == ["open": 1] && before.lines[0].onTimeRate == nil)
        #expect(before.unjudged == 0)
        let after = try ReplicaReader(store: d.market.store, now: F.ms("2026-10-12T09:00:00"), department: "d1").timeliness(period)
        #expect(after.lines[0].claims == ["lapsed": 1] && after.lines[0].onTimeRate == 0)
        #expect(try ReplicaReader(store: d.market.store, now: F.ms("2026-10-12T09:00:00"), department: "d1")
            .timeliness(ReportPeriod("2026-10")).lines.isEmpty)
        #expect(try ReplicaReader(store: d.market.store, now: F.ms("2026-10-12T09:00:00"), department: "d1")
            .timeliness(ReportPeriod("2026-Q3")).lines == after.lines)
    }

    @Test func reportPeriodsAreAYearAQuarterOrAMonth() throws {
        #expect(try ReportPeriod("2026").months == 1...12)
        #expect(try ReportPeriod("2026-Q4").months == 10...12 && ReportPeriod("2026-Q4").monthKeys == ["2026-10", "2026-11", "2026-12"])
        #expect(try ReportPeriod("2026-03").monthKeys == ["2026-03"])
        for bad in ["26", "2026-13", "2026-Q5", "2026-1", "2026-10-01", "", "二〇二六", "2026-Q0", "1999"] {
            #expect(throws: ReplicaError.self, "\(bad)") { try ReportPeriod(bad) }
            do { _ = try ReportPeriod(bad) } catch { #expect(error.code == "report.period" && error.chinese.contains("统计期间")) }
        }
    }

    /// R22: a push with a 2-working-day limit (10-08, 10-09 after the
    /// National Day holiday) is a reminder on its last working day, not before.
    @Test func aPushIsRemindedOnItsLastWorkingDay() throws {
        let d = try Desk("reader-remind"); defer { d.dir.remove() }
        let res = try d.clerk(d.bureau, at: "2026-09-30T16:00:00").approve(d.approval())
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-09-30T17:00:00")
        func reminders(_ at: String) throws -> [Digest] {
            try ReplicaReader(store: d.market.store, now: F.ms(at), department: "d1").inbox().reminders.map(\.id)
        }
        #expect(try reminders("2026-10-05T09:00:00").isEmpty)
        #expect(try reminders("2026-10-08T23:59:59").isEmpty)
        #expect(try reminders("2026-10-09T00:00:00") == [res.pushes[0].push.act.id])
        #expect(try reminders("2026-10-10T01:00:00").isEmpty, "past its limit it has left the inbox")
    }
}
