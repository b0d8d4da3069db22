import Foundation
import Testing
import ShenguanCalendar
import ShenguanCore
import ShenguanReplica
import ShenguanStore
import ShenguanTestSupport

/// R14 through the application layer on real replicas: the notice refused
/// when it can no longer be one working day ahead, the regulator's list,
/// the report on or after the visit, one countersignature, and the read
/// model equal to its rebuild throughout.
@Suite struct ClerkInspectionTests {
    @Test func aJointInspectionFromNoticeToJointReport() throws {
        let d = try Desk("clerk-inspection"); defer { d.dir.remove() }
        try d.registerStaff()
        _ = try d.clerk(d.bureau, at: "2026-09-30T16:00:00").approve(d.approval())
        var r = InspectionRequest(to: "d1", visitDate: CivilDate(iso: "2026-10-12")!, place: "东昌府区古楼街道", subject: "食品经营场所现场核查")
        r.approval = "JY13715000001"; r.staff = "S01"
        let before = try d.bureau.store.count()
        // Sunday 10-11 is too late for Monday's visit (due by Saturday 10-10 24:00, a worked day); to itself: refused.
        let late = d.refusal { _ = try d.clerk(d.bureau, at: "2026-10-11T10:00:00").noticeInspection(r) }
        #expect(late?.code == "inspection.notice_late" && late?.chinese.contains("10-10 24:00") == true, "\(String(describing: late))")
        var toSelf = r; toSelf.to = "d0"
        #expect(d.refusal { _ = try d.clerk(d.bureau, at: "2026-10-09T10:00:00").noticeInspection(toSelf) }?.code == "workflow.self")
        #expect(try d.bureau.store.count() == before)
        let notice = try d.clerk(d.bureau, at: "2026-10-09T10:00:00").noticeInspection(r)
        #expect(notice.verdict?.due.lastDay == CivilDate(iso: "2026-10-10")!)
        #expect(notice.verdict?.outcome == .awaitingWitness)   // dated in time; no other department has seen it yet
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-10-09T11:00:00")
        // Market's witness of what it received: the time evidence that the notice existed by then.
        _ = try d.market.store.appendWitness(home: d.market.home, key: d.market.key, now: F.ms("2026-10-09T11:00:00"))
        let list = try ReplicaReader(store: d.market.store, now: F.ms("2026-10-12T08:00:00"), department: "d1").inbox()
        // (The licence's push is there too: its claim window started at the same witness.)
        let r14 = list.items.filter { $0.rule == "R14" }
        #expect(r14.map(\.action) == ["inspect"] && r14.first?.due?.lastDay == CivilDate(iso: "2026-10-12")!, "\(list.items)")
        // The report: by the bureau only, on or after the visit day, once.
        let market = try d.clerk(d.market, at: "2026-10-12T16:00:00")
        #expect(d.refusal { _ = try market.reportInspection(notice.op.id.hex, findings: "x", result: nil, staff: "S01") }?.code == "workflow.not_addressee")
        #expect(d.refusal { _ = try d.clerk(d.bureau, at: "2026-10-11T16:00:00").reportInspection(notice.op.id.hex, findings: "x", result: nil, staff: "S01") }?.code == "inspection.before_visit")
        let bureau = try d.clerk(d.bureau, at: "2026-10-12T16:00:00")
        let report = try bureau.reportInspection(notice.op.id.hex, findings: "经营场所与申请材料一致", result: "符合条件", staff: "S01")
        #expect(d.refusal { _ = try bureau.reportInspection(notice.op.id.hex, findings: "again", result: nil, staff: "S01") }?.code == "inspection.already_reported")
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-10-12T16:30:00")
        let signList = try ReplicaReader(store: d.market.store, now: F.ms("2026-10-12T17:00:00"), department: "d1").inbox()
        #expect(signList.items.filter { $0.rule == "R14" }.map(\.action) == ["countersign"])
        // The countersignature: reasons when not agreeing, once.
        let signer = try d.clerk(d.market, at: "2026-10-12T17:00:00")
        #expect(d.refusal { _ = try signer.countersignInspection(report.op.id.hex, agree: false, text: nil, staff: "S01") }?.code == "inspection.reasons")
        _ = try signer.countersignInspection(report.op.id.hex, agree: true, text: "同意", staff: "S01")
        #expect(d.refusal { _ = try signer.countersignInspection(report.op.id.hex, agree: true, text: nil, staff: "S01") }?.code == "inspection.already_signed")
        let done = try ReplicaReader(store: d.market.store, now: F.ms("2026-10-12T18:00:00"), department: "d1").inbox()
        #expect(!done.items.contains { $0.rule == "R14" }, "\(done.items.map { ($0.action, $0.title) })")
        try d.carry(d.market.store, to: d.bureau.store, at: "2026-10-12T18:00:00")
        // The report as a clerk reads it: the notice in time (market's replica saw it on 10-09), the joint report.
        let lines = try d.clerk(d.bureau, at: "2026-10-12T18:30:00").reader.report(notice.op.id.hex).lines
        #expect(lines.contains { $0.contains("R14 notice limit 10-10 24:00") && $0.contains("按时通知") }, "\(lines)")
        #expect(lines.contains { $0.contains("联合报告 joint report signed by both departments") }, "\(lines)")
        #expect(try d.clerk(d.bureau, at: "2026-10-12T18:30:00").reader.report(report.op.id.hex).lines == lines)   // named by its report too
        // `inbox --all`: the inspection stays listed for market, with where it stands.
        let history = try ReplicaReader(store: d.market.store, now: F.ms("2026-10-12T18:00:00"), department: "d1").history()
        #expect(history.contains { $0.item.action == "inspect" && $0.status == "reported" }, "\(history.map { ($0.item.action, $0.status) })")
        #expect(history.contains { $0.item.action == "countersign" && $0.status == "countersigned" })
        for s in [d.bureau.store, d.market.store] { #expect(try s.checkReadModel().isConsistent) }
    }
}

/// R15 with R14: the bureau asks for a liaison officer for an announced
/// inspection; market names a qualified officer, who signs the record.
@Suite struct ClerkLiaisonTests {
    @Test func theLiaisonOfficerIsQualifiedAndSignsTheInspectionRecord() throws {
        let d = try Desk("clerk-liaison"); defer { d.dir.remove() }
        try d.registerStaff()
        _ = try d.clerk(d.market, at: "2026-09-01T10:00:00").registerStaff(StaffRegistration(
            staffNo: "L01", name: "孙伟", office: "执法一科", validFrom: CivilDate(iso: "2020-03-01")!, validUntil: CivilDate(iso: "2027-12-31")!))
        let bureau = try d.clerk(d.bureau, at: "2026-10-09T10:00:00")
        let notice = try bureau.noticeInspection(InspectionRequest(to: "d1", visitDate: CivilDate(iso: "2026-10-12")!, place: "古楼街道", subject: "现场核查"))
        #expect(d.refusal { _ = try d.clerk(d.bureau, at: "2026-10-12T08:00:00").requestLiaison(to: "d1", neededOn: CivilDate(iso: "2026-10-12")!, purpose: "联合勘验", notice: nil, staff: "S01") }?.code == "liaison.late")
        let req = try bureau.requestLiaison(to: "d1", neededOn: CivilDate(iso: "2026-10-12")!, purpose: "联合勘验现场核查", notice: notice.op.id.hex, staff: "S01")
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-10-09T11:00:00")
        let market = try d.clerk(d.market, at: "2026-10-09T14:00:00")
        #expect(try market.reader.inbox().items.contains { $0.action == "appoint" && $0.rule == "R15" })
        // S01 was registered this year: not two years in the department.
        let short = d.refusal { _ = try market.appointLiaison(req.op.id.hex, officer: "S01", phone: nil, staff: "S01") }
        #expect(short?.code == "liaison.ineligible" && short?.chinese.contains("满 2 年") == true, "\(String(describing: short))")
        _ = try market.appointLiaison(req.op.id.hex, officer: "L01", phone: "0635-8888888", staff: "S01")
        #expect(d.refusal { _ = try market.appointLiaison(req.op.id.hex, officer: "L01", phone: nil, staff: "S01") }?.code == "liaison.already_appointed")
        #expect(try !market.reader.inbox().items.contains { $0.rule == "R15" })
        try d.carry(d.market.store, to: d.bureau.store, at: "2026-10-09T15:00:00")
        let report = try d.clerk(d.bureau, at: "2026-10-12T16:00:00").reportInspection(notice.op.id.hex, findings: "一致", result: nil, staff: "S01")
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-10-12T16:30:00")
        _ = try d.clerk(d.market, at: "2026-10-12T17:00:00").countersignInspection(report.op.id.hex, agree: true, text: nil, staff: "L01")
        let lines = try d.clerk(d.market, at: "2026-10-12T17:30:00").reader.report(notice.op.id.hex).lines
        #expect(lines.contains { $0.contains("liaison officer (R15): 孙伟 (L01)") }, "\(lines)")
        #expect(lines.contains { $0.contains("the liaison officer signs the record, R15") }, "\(lines)")
        let reqLines = try d.clerk(d.market, at: "2026-10-12T17:30:00").reader.report(req.op.id.hex).lines
        #expect(reqLines.contains { $0.contains("names officer 孙伟 (L01), in the department since 2020-03-01") }, "\(reqLines)")
        for s in [d.bureau.store, d.market.store] { #expect(try s.checkReadModel().isConsistent) }
    }
}

/// R17 through the application layer: the bureau asks the regulator for the
/// certificate with its approval; the regulator claims, then certifies,
/// once; the read model keeps the list and equals its rebuild.
@Suite struct ClerkCertificateTests {
    @Test func aCertificateAskedForWithTheApprovalIsIssuedOnce() throws {
        let d = try Desk("clerk-certificate"); defer { d.dir.remove() }
        try d.registerStaff()
        var a = d.approval(to: ["d1", "d2"])
        a.certificateBy = "d3"; a.certificate = CertificateRequest(workingDays: 5, basis: "《食品经营许可管理办法》第十六条")
        let bureau = try d.clerk(d.bureau, at: "2026-09-30T16:00:00")
        #expect(d.refusal { _ = try bureau.approve(a) }?.code == "certificate.not_pushed")
        a.certificateBy = "d1"; a.certificate = CertificateRequest(workingDays: 0, basis: "x")
        #expect(d.refusal { _ = try bureau.approve(a) }?.code == "op.invalid_body")
        a.certificate = CertificateRequest(workingDays: 5, basis: "《食品经营许可管理办法》第十六条")
        let res = try bureau.approve(a)
        #expect(res.pushes.first { $0.push.body.to == "d1" }?.certificate?.due.lastDay == CivilDate(iso: "2026-10-13")!)
        #expect(res.pushes.first { $0.push.body.to == "d2" }?.certificate == nil)
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-09-30T17:00:00")
        _ = try d.market.store.appendWitness(home: d.market.home, key: d.market.key, now: F.ms("2026-09-30T17:00:00"))
        let market = try d.clerk(d.market, at: "2026-10-08T09:00:00")
        #expect(d.refusal { _ = try market.issueCertificate("JY13715000001", certificateNo: "JY1", staff: "S01") }?.code == "certificate.unclaimed")
        _ = try market.claim("JY13715000001", staff: "S01")
        let list = try market.reader.inbox()
        #expect(list.items.map(\.action) == ["certify"] && list.items.first?.due?.lastDay == CivilDate(iso: "2026-10-13")!, "\(list.items)")
        let issued = try market.issueCertificate("JY13715000001", certificateNo: "JY13715020000123", staff: "S01")
        #expect(issued.status.certificate?.outcome == .awaitingWitness || issued.status.certificate?.outcome == .onTime)
        #expect(d.refusal { _ = try market.issueCertificate("JY13715000001", certificateNo: "JY2", staff: "S01") }?.code == "certificate.already_issued")
        #expect(try market.reader.inbox().items.isEmpty)
        let lines = try market.reader.report(issued.status.push.act.id.hex).lines
        #expect(lines.contains { $0.contains("issues certificate JY13715020000123 (R17)") } && lines.contains { $0.contains("R17 certificate limit 10-13 24:00") }, "\(lines)")
        try d.carry(d.market.store, to: d.bureau.store, at: "2026-10-08T10:00:00")
        for s in [d.bureau.store, d.market.store] { #expect(try s.checkReadModel().isConsistent) }
    }
}

/// R11 through the application layer on real replicas: a 告知承诺 licence
/// with its promised date is on the bureau's list to verify; a broken
/// promise puts it back until the rectification period ends; the read
/// model keeps the list in any order and equals its rebuild.
@Suite struct ClerkVerificationTests {
    @Test func aPromiseIsVerifiedAndABrokenOneComesBackToVerifyAgain() throws {
        let d = try Desk("clerk-verification"); defer { d.dir.remove() }
        try d.registerStaff()
        var a = d.approval()
        a.decisionDate = CivilDate(iso: "2026-09-29"); a.promisedDate = CivilDate(iso: "2026-09-30")
        let bureau = try d.clerk(d.bureau, at: "2026-09-29T10:00:00")
        #expect(d.refusal { _ = try bureau.approve(a) }?.code == "workflow.promise_without_commitment")
        a.commitmentLetter = FileUpload(name: "承诺书.pdf", bytes: Array("%PDF-1.4 承诺".utf8))
        _ = try bureau.approve(a)
        let r1 = try ReplicaReader(store: d.bureau.store, now: F.ms("2026-10-08T10:00:00"), department: "d0").inbox()
        #expect(r1.items.map(\.action) == ["verify"] && r1.items.first?.due?.lastDay == CivilDate(iso: "2026-10-20")!, "\(r1.items)")
        let later = try d.clerk(d.bureau, at: "2026-10-15T10:00:00")
        #expect(d.refusal { _ = try later.verifyPromise("JY13715000001", kept: false, findings: "未配备冷藏设施", cureBy: nil, staff: "S01") }?.code == "verification.cure_by")
        _ = try later.verifyPromise("JY13715000001", kept: false, findings: "未配备冷藏设施", cureBy: CivilDate(iso: "2026-11-30")!, staff: "S01")
        let r2 = try ReplicaReader(store: d.bureau.store, now: F.ms("2026-10-16T10:00:00"), department: "d0").inbox()
        #expect(r2.items.map(\.action) == ["reverify"] && r2.items.first?.due?.lastDay == CivilDate(iso: "2026-11-30")!)
        // Market cannot verify the bureau's licence.
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-10-15T11:00:00")
        #expect(d.refusal { _ = try d.clerk(d.market, at: "2026-10-16T10:00:00").verifyPromise("JY13715000001", kept: true, findings: "x", cureBy: nil, staff: "S01") }?.code == "workflow.not_addressee")
        let lines = try d.clerk(d.bureau, at: "2026-12-01T10:00:00").reader.report("JY13715000001").lines
        #expect(lines.contains { $0.contains("R11 verification limit 10-20 24:00") }, "\(lines)")
        #expect(lines.contains { $0.contains("revocation due (R11, R10)") }, "\(lines)")
        _ = try d.clerk(d.bureau, at: "2026-11-20T10:00:00").verifyPromise("JY13715000001", kept: true, findings: "已整改", cureBy: nil, staff: "S01")
        #expect(try ReplicaReader(store: d.bureau.store, now: F.ms("2026-11-21T10:00:00"), department: "d0").inbox().items.isEmpty)
        // The same operations delivered to market in one batch, newest first: the same (empty) list for d0, and the same rows.
        var envs = [Envelope]()
        try d.bureau.store.forEachEnvelope { e, _ in envs.append(e) }
        _ = try d.market.store.ingest(envs.reversed(), now: F.ms("2026-11-21T10:00:00"))
        #expect(try ReplicaReader(store: d.market.store, now: F.ms("2026-11-21T10:00:00"), department: "d0").inbox().items.isEmpty)
        for s in [d.bureau.store, d.market.store] { #expect(try s.checkReadModel().isConsistent) }
    }
}
