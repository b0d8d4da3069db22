import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanReplica
import ShenguanStore
import ShenguanSync

/// The 审管互动 scenario of `shenguan demo` (issue #4 item 8): the bureau
/// pushes two approvals before the National Day holiday; market claims on
/// time, ecology (offline) is auto-claimed at the limit; ecology pushes a
/// penalty back and asks for a revocation, which the bureau grants; the
/// bureau's letter of inquiry to market is answered by silence.
struct DemoScenario {
    typealias Replica = Demo.Replica
    let replicas: [Replica]
    var ids: [String: Digest] = [:]
    var digests = Set<String>()

    init(replicas: [Replica]) { self.replicas = replicas }

    /// Milliseconds of a CST wall-clock time.
    static func t(_ cst: String) -> Int64 { ChinaStandardTime.parseRFC3339(cst + "+08:00")! }
    static let code1 = CreditCode.withCheck("91371500MA3C4XYW1")!   // 聊城市鲁西餐饮有限公司
    static let code2 = CreditCode.withCheck("91371502MA3N8K7P2")!   // 聊城市东昌化工有限公司

    func dept(_ id: String) -> Replica { replicas.first { $0.id == id }! }

    /// The clerk of department `who` at a CST wall-clock time: the demo
    /// drives the same application layer as the CLI and the web interface.
    func clerk(_ who: String, at cst: String) throws(ReplicaError) -> Clerk {
        let r = dept(who)
        return try Clerk(home: r.home, store: r.store, key: r.key, now: Self.t(cst))
    }

    static let staffNo = ["bureau": "0007", "market": "0042", "ecology": "0013"]

    mutating func play(dir: String) async throws {
        for (who, name, office) in [("bureau", "李明", "综合窗口"), ("market", "王芳", "食品经营许可科"), ("ecology", "赵强", "环评科")] {
            let no = Self.staffNo[who]!
            _ = try clerk(who, at: "2026-09-28T09:30:00").registerStaff(StaffRegistration(
                staffNo: no, name: name, office: office, validFrom: CivilDate(iso: "2026-01-01")!, validUntil: CivilDate(iso: "2026-12-31")!))
            print("   \(pad(dept(who).cn, 18)) staff.register \(name) (\(no)) (R3)")
        }
        // Market's law-enforcement officer, in the department since 2019: may serve as liaison officer (R15).
        _ = try clerk("market", at: "2026-09-28T09:31:00").registerStaff(StaffRegistration(
            staffNo: "0043", name: "孙伟", office: "执法一科", validFrom: CivilDate(iso: "2019-03-01")!, validUntil: CivilDate(iso: "2027-12-31")!))
        print("   \(pad(dept("market").cn, 18)) staff.register 孙伟 (0043), since 2019 (R3, R15)")
        // R16: the shared expert pool, kept by the bureau and ecology; one expert works for the project's applicant.
        for (who, no, name, employer) in [("bureau", "E01", "刘洋", "聊城大学环境与规划学院"), ("bureau", "E02", "陈静", "聊城市东昌化工有限公司"),
                                          ("bureau", "E03", "马骏", "山东省环境规划研究院"), ("ecology", "E11", "韩雪", "聊城市环境监测中心站"),
                                          ("ecology", "E12", "郑伟", "山东师范大学化学化工学院")] {
            var e = ExpertRegistration(expertNo: no, name: name, field: "环境影响评价", employer: employer); e.staff = Self.staffNo[who]
            _ = try clerk(who, at: "2026-09-28T09:40:00").registerExpert(e)
        }
        print("   市行政审批服务局, 市生态环境局 register five experts in 环境影响评价 in the shared pool (R16)")
        // R18: the bureau publishes the 审管互动 boundary list: which regulator each item goes to.
        for (code, name, to, duties, office) in [("370100-001", "食品经营许可", "market", "食品经营场所日常监督检查", "食品经营许可科"),
                                                 ("370100-045", "食品经营许可（告知承诺）", "market", "承诺事项核查后的日常监管", "食品经营许可科"),
                                                 ("370100-117", "排污许可", "ecology", "排污许可证后监管与执法", "环评科")] {
            var e = BoundaryInput(itemCode: code, itemName: name, approvalDuties: "受理审批，推送审批结果及相关材料", regulatorDuties: duties,
                                  regulators: [to], office: office)
            e.stage = "事中事后监管"; e.staff = Self.staffNo["bureau"]
            _ = try clerk("bureau", at: "2026-09-28T09:45:00").setBoundary(e)
        }
        print("   2026-09-28 09:45  市行政审批服务局 publishes the 审管互动 boundary list (R18): 3 items, each with its regulator and duties")
        // R1: two approvals, each pushed with it on 09-30 at 16:00; limits run past the holiday (T2 example).
        let bureau = try clerk("bureau", at: "2026-09-30T16:00:00")
        var foodRequest = approval("370100-001", "食品经营许可", "聊城市鲁西餐饮有限公司", Self.code1, "JY13715020000123", to: "market")
        // R17: market issues the licence's certificate, within 5 working days (a local promise).
        foodRequest.certificateBy = "market"; foodRequest.certificate = CertificateRequest(workingDays: 5, basis: "聊城承诺：证照配发 5 个工作日")
        foodRequest.pushTo = []   // R18: routed by the boundary list
        let food = try bureau.approve(foodRequest)
        let permit = try bureau.approve(approval("370100-117", "排污许可", "聊城市东昌化工有限公司", Self.code2, "91371502MA3N8K7P2001P", to: "ecology"))
        // R11: a 告知承诺 item, approved on the applicant's signed promise to meet the conditions by 10-09.
        var promise = approval("370100-045", "食品经营许可（告知承诺）", "聊城市鲁西餐饮有限公司", Self.code1, "JY13715020000124", to: "market")
        promise.commitmentLetter = FileUpload(name: "告知承诺书.pdf", bytes: Array("%PDF-1.4 本企业承诺于 2026-10-09 前配备冷藏设施".utf8))
        promise.promisedDate = CivilDate(iso: "2026-10-09")
        ids["promise"] = try bureau.approve(promise).approval.id
        ids["food"] = food.approval.id; ids["pushFood"] = food.pushes[0].push.act.id
        ids["permit"] = permit.approval.id; ids["pushPermit"] = permit.pushes[0].push.act.id
        print("   2026-09-30 16:00  市行政审批服务局 (李明) issues 食品经营许可 and 排污许可 and pushes them (R1); claim limit 2 working days (R2, 聊城)")
        print("   …the 食品经营许可 without naming a department: pushed to \(food.pushes.map { bureau.roster.departments[$0.push.body.to]?.name ?? "" }.joined(separator: "、")) as the boundary list says (R18)")
        try await sync(at: "2026-09-30T17:00:00", dir: dir, label: "after the pushes")

        // R2, R3: market claims on the first working day after the holiday, by licence number.
        _ = try clerk("market", at: "2026-10-08T09:30:00").claim("JY13715020000123", staff: Self.staffNo["market"])
        _ = try clerk("market", at: "2026-10-08T09:35:00").claim("JY13715020000124", staff: Self.staffNo["market"])
        print("   2026-10-08 09:30  市市场监督管理局 (王芳) claims the 食品经营许可 push (R2, R3)")
        try await sync(at: "2026-10-08T10:00:00", dir: dir, label: "so that the bureau witnesses the claim", only: ["bureau", "market"])
        print("   市生态环境局 stays offline through its claim limit 10-09 24:00 周五")
        let certified = try clerk("market", at: "2026-10-09T10:00:00").issueCertificate("JY13715020000123", certificateNo: "JY13715020000123",
                                                                                       staff: Self.staffNo["market"])
        print("   2026-10-09 10:00  市市场监督管理局 issues its certificate: R17 limit \(certified.status.certificate.map { ClerkTime.limit($0.due, now: $0.due.deadlineMillis) } ?? "?")")
        // R6, R7, R8, R9: ecology's penalty, pushed back the day it is published; R10 request.
        var penalty = SupervisionRequest(category: "penalty", summary: "超标排放，罚款10万元（聊环罚〔2026〕12号）")
        penalty.subject = "聊城市东昌化工有限公司"; penalty.creditCode = Self.code2; penalty.approval = "91371502MA3N8K7P2001P"
        penalty.decisionDate = CivilDate(iso: "2026-10-12"); penalty.listing = "strict"; penalty.staff = Self.staffNo["ecology"]
        let recorded = try clerk("ecology", at: "2026-10-12T10:00:00").supervise(penalty)
        ids["penalty"] = recorded.record.id; ids["pushPenalty"] = recorded.pushes[0].push.act.id
        ids["request"] = try clerk("ecology", at: "2026-10-12T10:10:00").requestRevocation(
            "91371502MA3N8K7P2001P", action: "revoke", basis: "《排污许可管理条例》第三十四条：拒不改正", evidence: [], staff: Self.staffNo["ecology"]).op.id
        print("   2026-10-12 10:00  市生态环境局 (赵强) records a penalty (R6, R8), pushes it back (R7), asks to revoke the 排污许可 (R10)")
        if let credit = recorded.pushes.first(where: { $0.push.body.to == "credit" })?.pushLimit {
            print("   …and pushes it to 市信用信息平台 by default: \(credit.rule) limit \(ClerkTime.limit(credit.due, now: credit.due.deadlineMillis)) (7 working days from the decision), \(ClerkWords.pushLimit(credit))")
        }
        // R12: the bureau's letter of inquiry to market.
        ids["inquiry"] = try clerk("bureau", at: "2026-10-12T11:00:00").inquire(
            to: "market", workingDays: 1, subject: "关于鲁西餐饮扩大经营范围的函询", question: "是否同意增加冷食类食品制售？", staff: Self.staffNo["bureau"]).op.id
        print("   2026-10-12 11:00  市行政审批服务局 sends market a letter of inquiry, 1 working day (R12)")
        // R14: a joint site inspection of the food licence, announced two days ahead.
        var visit = InspectionRequest(to: "market", visitDate: CivilDate(iso: "2026-10-14")!, place: "东昌府区古楼街道鲁西餐饮经营场所",
                                      subject: "食品经营许可现场核查")
        visit.approval = "JY13715020000123"; visit.staff = Self.staffNo["bureau"]
        ids["inspection"] = try clerk("bureau", at: "2026-10-12T11:30:00").noticeInspection(visit).op.id
        print("   2026-10-12 11:30  市行政审批服务局 announces a joint site inspection with market on 10-14 (R14: due by 10-13 24:00)")
        ids["liaison"] = try clerk("bureau", at: "2026-10-12T11:35:00").requestLiaison(to: "market", neededOn: CivilDate(iso: "2026-10-14")!,
                                                                                      purpose: "联合勘验现场核查", notice: ids["inspection"]!.hex,
                                                                                      staff: Self.staffNo["bureau"]).op.id
        print("   2026-10-12 11:35  …and asks market for a liaison officer for that day (R15: a day ahead)")
        // R13: a special review of a major project, meeting this afternoon; opinions by 24:00, silence is consent.
        var review = ReviewRequest(topic: "聊城化工园区扩建项目专项审查", scope: "majorLayout", participants: ["ecology", "market"],
                                   meetingDate: CivilDate(iso: "2026-10-12")!)
        review.staff = Self.staffNo["bureau"]
        ids["review"] = try clerk("bureau", at: "2026-10-12T11:40:00").conveneReview(review).op.id
        print("   2026-10-12 11:40  市行政审批服务局 convenes a special review (R13) with ecology and market, meeting 14:00 today: opinions by 24:00, silence counts as consent")
        // R16: two experts for the review, drawn by the secrets of the bureau and ecology; the applicant's employee is excluded (回避).
        var draw = DrawInput(topic: "聊城化工园区扩建项目专项审查专家", field: "环境影响评价", count: 2, participants: ["bureau", "ecology"])
        draw.excluded = [("E02", "受聘于项目申请单位")]; draw.review = ids["review"]!.hex; draw.staff = Self.staffNo["bureau"]
        ids["draw"] = try clerk("bureau", at: "2026-10-12T11:45:00").requestDraw(draw).op.id
        _ = try clerk("bureau", at: "2026-10-12T11:46:00").commitDraw(ids["draw"]!.hex, staff: Self.staffNo["bureau"])
        print("   2026-10-12 11:45  市行政审批服务局 requests a draw of 2 experts for the review (R16), 陈静 excluded (受聘于项目申请单位), and commits to its secret")
        try await sync(at: "2026-10-12T12:00:00", dir: dir, label: "after ecology comes back online")
        try printInboxes(at: "2026-10-12T12:30:00")
        let named = try clerk("market", at: "2026-10-12T13:00:00").appointLiaison(ids["liaison"]!.hex, officer: "0043", phone: "0635-8888888",
                                                                                 staff: Self.staffNo["market"])
        print("   2026-10-12 13:00  市市场监督管理局: \(named.text)")

        // R19: market invites the bureau to its training on the new food-safety rules, beforehand.
        var training = NoticeInput(category: "training", title: "食品经营许可审查新规培训", text: "请派窗口审批人员参加，学习新修订的食品经营许可审查细则",
                                   to: ["bureau"], date: CivilDate(iso: "2026-10-15")!)
        training.place = "聊城市民中心三楼会议室"; training.staff = Self.staffNo["market"]
        let invited = try clerk("market", at: "2026-10-12T13:05:00").sendNotice(training)
        ids["notice"] = invited.op.id
        print("   2026-10-12 13:05  市市场监督管理局 invites the bureau to its training on 10-15 (R19: beforehand)")
        _ = try clerk("bureau", at: "2026-10-12T14:00:00").claim(ids["pushPenalty"]!.hex, staff: Self.staffNo["bureau"])
        _ = try clerk("ecology", at: "2026-10-12T14:30:00").giveOpinion(ids["review"]!.hex, position: "object", text: "园区选址距徒骇河饮用水源保护区不足1公里",
                                                                         staff: Self.staffNo["ecology"])
        print("   2026-10-12 14:30  市生态环境局 objects at the review, with its reasons (R13); 市市场监督管理局 says nothing")
        _ = try clerk("ecology", at: "2026-10-12T14:35:00").commitDraw(ids["draw"]!.hex, staff: Self.staffNo["ecology"])
        print("   2026-10-12 14:35  市生态环境局 commits to its secret for the draw (R16)")
        try await sync(at: "2026-10-12T15:00:00", dir: dir, label: "after the review meeting", only: ["bureau", "ecology"])
        _ = try clerk("bureau", at: "2026-10-12T15:10:00").revealDraw(ids["draw"]!.hex, staff: Self.staffNo["bureau"])
        print("   2026-10-12 15:10  with both commitments held, 市行政审批服务局 reveals its secret (R16)")
        _ = try clerk("bureau", at: "2026-10-13T10:00:00").decideRevocation(ids["request"]!.hex, grant: true,
                                                                            reason: "经核查，企业拒不改正超标排放，依法撤销排污许可", staff: Self.staffNo["bureau"])
        print("   2026-10-12 14:00  市行政审批服务局 claims the penalty (R7); 10-13 10:00 grants the revocation (R10)")
        let checked = try clerk("bureau", at: "2026-10-13T11:00:00").verifyPromise("JY13715020000124", kept: true, findings: "现场核查：冷藏设施已配备，与承诺一致",
                                                                                cureBy: nil, staff: Self.staffNo["bureau"])
        print("   2026-10-13 11:00  市行政审批服务局 verifies the 告知承诺 item: \(checked.text)")
        let minutes = try clerk("bureau", at: "2026-10-13T11:30:00").issueMinutes(ids["review"]!.hex, outcome: "escalated",
                                                                                 text: "市生态环境局反对，无法达成一致，形成建议报市政府决定", escalateTo: "oversight",
                                                                                 staff: Self.staffNo["bureau"])
        ids["minutes"] = minutes.op.id
        print("   2026-10-13 11:30  no agreement: the bureau's minutes escalate the review to 市人民政府办公室 (R13)")
        print("   市市场监督管理局 never answers the inquiry: at 2026-10-13 24:00 silence counts as consent (R12)")
        try await sync(at: "2026-10-14T09:00:00", dir: dir, label: "after the decision")
        _ = try clerk("bureau", at: "2026-10-14T09:40:00").acknowledgeNotice(ids["notice"]!.hex, staff: Self.staffNo["bureau"])
        print("   2026-10-14 09:40  市行政审批服务局 acknowledges the training notice (R19)")
        let drawn = try clerk("ecology", at: "2026-10-14T09:30:00").revealDraw(ids["draw"]!.hex, staff: Self.staffNo["ecology"])
        print("   2026-10-14 09:30  市生态环境局 reveals the last secret: \(drawn.text.split(separator: " · ").dropFirst().joined(separator: " · "))")
        let report = try clerk("bureau", at: "2026-10-14T15:00:00").reportInspection(ids["inspection"]!.hex, findings: "经营场所、设施与申请材料一致",
                                                                                   result: "符合许可条件", staff: Self.staffNo["bureau"])
        print("   2026-10-14 15:00  after the site visit, 市行政审批服务局 writes the joint report (R14)")
        try await sync(at: "2026-10-14T15:30:00", dir: dir, label: "so that market receives the report", only: ["bureau", "market"])
        _ = try clerk("market", at: "2026-10-14T16:00:00").countersignInspection(report.op.id.hex, agree: true, text: "同意", staff: "0043")
        print("   2026-10-14 16:00  市市场监督管理局's liaison officer 孙伟 countersigns it: the joint report carries both departments' signatures (R14, R15)")
        _ = try clerk("market", at: "2026-10-14T16:05:00").acknowledgeMinutes(ids["minutes"]!.hex, staff: Self.staffNo["market"])
        print("   2026-10-14 16:05  市市场监督管理局 acknowledges the review's minutes (R13)")
        try await sync(at: "2026-10-14T16:30:00", dir: dir, label: "after the countersignature")

        let now = Self.t("2026-10-16T09:00:00")
        let reader = try clerk("bureau", at: "2026-10-16T09:00:00").reader
        print("\n   Statuses as the bureau's replica judges them (shenguan status ID or licence number), 中文 with rule ids:")
        for key in ["food", "promise", "permit", "penalty", "inquiry", "inspection", "review", "draw", "notice"] {
            for line in try reader.report(ids[key]!.hex).lines { print("   " + line) }
            print("")
        }
        print("   warning list (R9): " + (try reader.warnings().entries.filter { $0.creditCode.value == Self.code2 }).map { "\($0.name) \($0.creditCode) \($0.level == "strict" ? "从严审批" : "限制准入") ← \($0.reason)" }.joined(separator: "; "))

        print("\n   Evidence (shenguan evidence ID; shenguan verify / shenguan-verify / verify-py bundle), each verdict rechecked offline:")
        try FileManager.default.createDirectory(atPath: "\(dir)/evidence", withIntermediateDirectories: true)
        for key in ["pushFood", "pushPermit", "pushPenalty", "inquiry", "draw"] {
            let bundle = try reader.evidence(ids[key]!.hex)
            let file = "\(dir)/evidence/\(key).json"
            try Data(try CanonicalJSON.encode(bundle.json)).write(to: URL(fileURLWithPath: file))
            let report = EvidenceVerifier.verify(bundle)
            print("   \(pad(key, 12)) \(bundle.envelopes.count) ops → \(report.passed ? "PASSED" : "FAILED")  \(report.verdict["status"]?.stringValue ?? "?") (\(report.verdict["basis"]?.stringValue ?? report.verdict["selected"]?.arrayValue.map { "\($0.count) experts recomputed" } ?? "?"))  \(file)")
        }

        // R23: the year's timeliness report, every number recomputable from its report bundle.
        let year = try ReportPeriod("2026")
        let (lines, _) = try reader.timeliness(year, settle: .max)
        print("\n   Timeliness report 2026 (shenguan report 2026; each department's line as a report bundle, shenguan report 2026 --bundle-for D --out F):")
        for l in lines where l.received > 0 {
            let bundle = try reader.reportBundle(year, department: l.department)
            let file = "\(dir)/evidence/report-\(l.department).json"
            try Data(try CanonicalJSON.encode(bundle.json)).write(to: URL(fileURLWithPath: file))
            let checked = EvidenceVerifier.verify(bundle)
            let counts = TimelinessLine.outcomes.map { "\(l.claims[$0] ?? 0)" }.joined(separator: "/")
            print("   \(pad(l.name, 18)) received \(l.received), on time/late/auto/awaiting/open \(counts) → bundle \(bundle.envelopes.count) ops \(checked.passed ? "PASSED" : "FAILED")  \(file)")
        }

        print("\n4. State digests (equal: the same operations give the same state, whatever the order):")
        for r in replicas {
            let d = try r.store.state().digest.hex
            digests.insert(d)
            print("   \(pad(r.cn, 18)) \(try r.store.count()) ops  digest \(d.prefix(16))…")
        }
        print("   converged: \(digests.count == 1 ? "yes" : "NO")")
    }

    /// Each department's inbox as its own replica sees it (`shenguan inbox`).
    func printInboxes(at cst: String) throws {
        let now = Self.t(cst)
        print("\n   Inboxes at \(ChinaStandardTime.rfc3339CST(millis: now)) (shenguan inbox), oldest limit first:")
        for r in replicas {
            let v = try ReplicaReader(store: r.store, now: now, department: r.id).inbox()
            let ctx = v.context
            if v.items.isEmpty { print("   \(pad(r.cn, 18)) nothing to act on") }
            for i in v.items {
                let left = i.due.map { "时限 \(ClerkTime.limit($0, now: now)), 剩 \(ClerkTime.left($0, now: now, calendar: ctx.calendar))" } ?? "no limit"
                print("   \(pad(r.cn, 18)) \(pad(ClerkWords.action(i.action), 12)) \(i.rule)  \(i.title)  (\(left))")
            }
        }
        print("")
    }

    /// What the replicas refuse in the scenario, each with its stable code.
    func refusals(now: Int64) throws -> [String] {
        var out = [String]()
        let cst = ChinaStandardTime.rfc3339CST(millis: now).replacingOccurrences(of: "+08:00", with: "")
        func attempt(_ label: String, _ body: () throws(ReplicaError) -> Void) {
            do { try body(); out.append("\(label) → accepted?!") } catch { out.append("\(label) → \(error.code): \(error.message)") }
        }
        attempt("ecology claims the push addressed to market") { () throws(ReplicaError) in
            _ = try clerk("ecology", at: cst).claim(ids["pushFood"]!.hex, staff: Self.staffNo["ecology"])
        }
        attempt("market decides the revocation request") { () throws(ReplicaError) in
            _ = try clerk("market", at: cst).decideRevocation(ids["request"]!.hex, grant: false, reason: "x", staff: Self.staffNo["market"])
        }
        attempt("the bureau issues the special review's minutes again, as agreed") { () throws(ReplicaError) in
            _ = try clerk("bureau", at: cst).issueMinutes(ids["review"]!.hex, outcome: "agreed", text: "一致同意", escalateTo: nil, staff: Self.staffNo["bureau"])
        }
        attempt("an approval with a mistyped credit code") { () throws(ReplicaError) in
            _ = try clerk("bureau", at: cst).approve(approval("1", "x", "y", String(Self.code1.dropLast()) + "0", "L", to: "market"))
        }
        return out
    }

    func approval(_ code: String, _ item: String, _ applicant: String, _ credit: String, _ licence: String, to: String) -> ApprovalRequest {
        var r = ApprovalRequest(itemCode: code, itemName: item, applicant: applicant, creditCode: credit, contact: "0635-8888888",
                                licence: licence, pushTo: [to])
        r.decisionDate = CivilDate(iso: "2026-09-30"); r.validUntil = CivilDate(iso: "2031-09-29")
        r.risks = ["日常监管重点：原料储存"]; r.staff = Self.staffNo["bureau"]
        return r
    }

    /// Every department serves its replica on loopback HTTP and syncs in a ring until converged.
    func sync(at cst: String, dir: String, label: String, only: [String]? = nil) async throws {
        let clock: @Sendable () -> Int64 = { Self.t(cst) }
        let peers = replicas.filter { only?.contains($0.id) ?? true }
        let serving = peers.map { (home: $0.home, store: $0.store, key: $0.key) }
        let lines: [String] = try await LocalServers.with(serving, clock: clock) { urls in
            var out = [String]()
            for round in 1...4 {
                var moved = 0
                for i in 0..<peers.count {
                    let to = (i + 1) % peers.count
                    if peers.count == 2 && i == 1 { break }
                    let r = try await SyncClient(store: peers[i].store, home: peers[i].home, key: peers[i].key, clock: clock).sync(with: urls[to])
                    moved += r.pulled + r.pushed
                    if round == 1 { out.append("\(peers[i].id)⇄\(peers[to].id) \(urls[to]) pulled \(r.pulled) pushed \(r.pushed)") }
                }
                if Set(try peers.map { try $0.store.state().digest }).count == 1 {
                    out.append("\(peers.count == 2 ? "in step" : "converged") after \(round) round\(round == 1 ? "" : "s")"); break
                }
                _ = moved
            }
            return out
        }
        print("   ⇄ \(cst) sync over HTTP \(label): " + lines.joined(separator: "; "))
        for r in replicas { try r.store.export(to: "\(dir)/\(r.id)-after-sync.jsonl") }
    }
}
