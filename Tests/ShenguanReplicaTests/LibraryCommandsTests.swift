import Foundation
import Synchronization
import Testing
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanReplica
import ShenguanStore
import ShenguanSync
import ShenguanTestSupport

/// Issue 15, "done when": every `shenguan` command driven through the
/// libraries alone (the application layer, and for the network commands
/// `ShenguanSync`), on real replicas in one network set up as the README
/// says: the oversight office, the bureau and market regulation. Each step
/// asserts what the command is for; the steps cover `CLICommands.names`,
/// which the CLI's help test checks against the binary. The CLI only
/// parses, calls these and prints.
@Suite struct LibraryCommandsTests {
    final class Ran: @unchecked Sendable { var names = Set<String>() }

    @Test func everyCommandRunsThroughTheLibraryAlone() async throws {
        let dir = TempDir("library-commands"); defer { dir.remove() }
        let ran = Ran()
        func step(_ name: String, _ body: () throws -> Void) rethrows { try body(); ran.names.insert(name) }
        var now = F.ms("2026-09-01T09:00:00")
        func tick(_ ms: Int64 = 60_000) -> Int64 { now += ms; return now }

        // network: the oversight office opens the network and adds the departments.
        let ovHome = ReplicaHome(path: dir.file("oversight"))
        var office: Oversight!
        try step("network") { () throws in
            _ = try Oversight.createNetwork(home: ovHome, name: "聊城审管互动", policy: .liaocheng, departmentID: "oversight",
                                            departmentName: "市政府办公室", passphrase: nil, rootPassphrase: "root only", now: tick())
            office = try Oversight.open(home: ovHome, now: tick()) { "root only" }
            _ = try office.addDepartment(id: "bureau", name: "行政审批服务局", role: .approval)
            _ = try office.at(tick()).addDepartment(id: "market", name: "市场监管局", role: .regulator)
            _ = try office.at(tick()).addDepartment(id: "province", name: "省市场监管局", role: .regulator)
        }
        // init: each department joins from the roster the office exports
        // (its departments included); the office admits it.
        var homes = [String: ReplicaHome](), keys = [String: SigningKey](), stores = [String: ReplicaStore]()
        let rosterFile = dir.file("roster.jsonl")
        try step("export") { () throws in #expect(try ReplicaFiles.export(office.store, to: rosterFile) == 4) }
        try step("init") { () throws in
            for d in ["bureau", "market", "province"] {
                let home = ReplicaHome(path: dir.file(d))
                let (store, key, request) = try home.join(genesisFile: rosterFile, department: d, passphrase: nil, now: tick())
                _ = try office.at(tick()).admit(request)
                homes[d] = home; keys[d] = key; stores[d] = store
            }
        }
        // export / import: the roster reaches each replica as an offline file.
        func carry(_ from: ReplicaStore, _ to: String, witness: Bool = false) throws -> ImportOutcome {
            let file = dir.file("carry-\(UUID().uuidString).jsonl")
            _ = try ReplicaFiles.export(from, to: file)
            return try ReplicaFiles.importFile(file, into: stores[to]!, now: tick(), witness: witness ? (homes[to]!, keys[to]!) : nil)
        }
        for d in ["bureau", "market", "province"] { _ = try carry(office.store, d) }
        func clerk(_ d: String) throws -> Clerk { try Clerk(home: homes[d]!, store: stores[d]!, key: keys[d]!, now: tick()) }
        func reader(_ d: String, at t: Int64? = nil) -> ReplicaReader { ReplicaReader(store: stores[d]!, now: t ?? tick(), department: d) }
        try step("roster") { () throws in #expect(try reader("market").roster().departments.keys.sorted() == ["bureau", "market", "oversight", "province"]) }
        try step("policy") { () throws in #expect(try reader("market").roster().policy.claim.workingDays == 2) }
        // staff: registered, one ended early, a default and a web password.
        try step("staff") { () throws in
            for (d, name) in [("bureau", "李明"), ("market", "王芳"), ("province", "周强")] {
                _ = try clerk(d).registerStaff(StaffRegistration(staffNo: "S01", name: name, office: "窗口", validFrom: CivilDate(iso: "2026-01-01")!,
                                                                 validUntil: CivilDate(iso: "2026-12-31")!))
            }
            _ = try clerk("market").registerStaff(StaffRegistration(staffNo: "S02", name: "赵磊", office: "窗口", validFrom: CivilDate(iso: "2026-01-01")!,
                                                                    validUntil: CivilDate(iso: "2026-12-31")!))
            _ = try clerk("market").endStaff("S02", lastDay: CivilDate(iso: "2026-09-01")!, reason: "调离")
            try clerk("market").setDefaultStaff("S01", user: "clerk")
            #expect(try reader("market").actingStaff(nil, environment: nil, user: "clerk") == "S01")
            try clerk("market").setWebPassword(staffNo: "S01", password: "a long web password")
        }
        try step("calendar") { () throws in
            let due = try OfficialCalendar.calendar.due(fromMillis: F.ms("2026-09-30T16:00:00"), workingDays: 2)
            #expect(due.lastDay == CivilDate(iso: "2026-10-09")!)   // across the National Day holiday (T1, T2)
        }
        // boundary: the bureau lists the item's regulator (R18); approve then routes by it.
        try step("boundary") { () throws in
            var e = BoundaryInput(itemCode: "370100-001", itemName: "食品经营许可", approvalDuties: "审批并推送结果",
                                  regulatorDuties: "认领并开展日常监管", regulators: ["province"], office: "食品经营许可科")
            e.staff = "S01"
            _ = try clerk("bureau").setBoundary(e)
            e.regulators = ["market"]
            let v2 = try clerk("bureau").setBoundary(e)
            #expect(v2.json["version"] == 2 && v2.json["supersedes"]?.arrayValue?.count == 1)
            e.regulators = ["nobody"]
            let bad = #expect(throws: ReplicaError.self) { _ = try clerk("bureau").setBoundary(e) }
            #expect(bad?.code == "workflow.unknown_department")
            let listed = try reader("bureau").boundaryList()
            #expect(listed.items.map(\.itemCode) == ["370100-001"] && listed.items[0].entries.map(\.body.regulators) == [["market"]])
            let none = #expect(throws: ReplicaError.self) { _ = try clerk("bureau").withdrawBoundary(itemCode: "370100-999", reason: "x", staff: "S01") }
            #expect(none?.code == "boundary.not_listed")
        }
        // approve → the push reaches market (import with a witness: time evidence).
        now = F.ms("2026-09-30T16:00:00")
        try step("approve") { () throws in
            var r = ApprovalRequest(itemCode: "370100-001", itemName: "食品经营许可", applicant: "聊城市鲁西餐饮有限公司",
                                    creditCode: F.codeA, contact: "0635-1234567", licence: "JY13715000001", pushTo: [])
            r.certificateBy = "market"; r.certificate = CertificateRequest(workingDays: 10, basis: "法定时限")
            let res = try clerk("bureau").approve(r)
            #expect(res.pushes.map(\.push.body.to) == ["market"] && res.routed && res.boundary?.matches == true)
            var unlisted = r; unlisted.itemCode = "370100-999"; unlisted.licence = "JY13715000999"
            let refused = #expect(throws: ReplicaError.self) { _ = try clerk("bureau").approve(unlisted) }
            #expect(refused?.code == "workflow.no_regulator" && refused?.message.contains("boundary list") == true)
            #expect(try reader("bureau").report("JY13715000001").lines.contains { $0.contains("第2版") && $0.contains("市场监管局") })
        }
        try step("import") { () throws in #expect(try carry(stores["bureau"]!, "market", witness: true).witness != nil) }
        try step("inbox") { () throws in #expect(try reader("market").inbox().items.count == 1) }
        try step("reminders") { () throws in
            let due = try #require(try reader("market").inbox().items.first?.due)
            #expect(try reader("market", at: F.ms("2026-09-30T17:00:00")).inbox().reminders.isEmpty)
            #expect(try reader("market", at: due.deadlineMillis - 3_600_000).inbox().reminders.count == 1)
        }
        now = F.ms("2026-10-08T09:30:00")
        try step("claim") { () throws in #expect(try clerk("market").claim("JY13715000001", staff: "S01").status.push.claims.count == 1) }
        try step("certify") { () throws in
            #expect(try clerk("market").issueCertificate("JY13715000001", certificateNo: "JY13715020000123", staff: "S01").status.push.certificates.count == 1)
        }
        try step("query") { () throws in
            // R22: the pushes of an approval item, of a subject, by period and status.
            var q = PushQuery(); q.itemCode = "370100-001"
            let all = try reader("market").query(q).map(\.status)
            #expect(all == ["claimed_awaiting_witness"], "\(all)")
            q.period = try ReportPeriod("2026-Q3"); q.status = "claimed_awaiting_witness"
            #expect(try reader("market").query(q).count == 1)
            q.period = try ReportPeriod("2026-Q4")
            #expect(try reader("market").query(q).isEmpty)
            var bySubject = PushQuery(); bySubject.subject = F.codeA; bySubject.to = "market"
            #expect(try reader("bureau").query(bySubject).count == 1)
            bySubject.itemCode = "370100-999"
            #expect(try reader("bureau").query(bySubject).isEmpty)
            let scope = #expect(throws: ReplicaError.self) { _ = try reader("bureau").query(PushQuery()) }
            #expect(scope?.code == "query.scope")
        }
        try step("status") { () throws in #expect(try reader("market").report("JY13715000001").lines.contains { $0.contains("王芳 (S01)") }) }
        try step("feedback") { () throws in _ = try clerk("market").feedback("JY13715000001", text: "许可有效期与系统记录不一致", staff: "S01") }
        try step("relay") { () throws in #expect(try clerk("market").relay("JY13715000001", to: "province", staff: "S01").status.push.body.to == "province") }
        try step("supervise") { () throws in
            var r = SupervisionRequest(category: "penalty", summary: "罚款 5000 元")
            r.subject = "聊城市鲁西餐饮有限公司"; r.creditCode = F.codeA; r.approval = "JY13715000001"; r.staff = "S01"
            #expect(try clerk("market").supervise(r).pushes.map(\.push.body.to) == ["bureau"])
        }
        try step("warnings") { () throws in
            // The bureau keeps the warning list (R9).
            let entry = try clerk("bureau").listWarning(creditCode: F.codeB, name: "聊城市东昌饮品店", level: "strict", reason: "多次违规", staff: "S01")
            #expect(try reader("bureau").warnings().entries.count == 1)
            _ = try clerk("bureau").delistWarning(entry.id.hex, reason: "整改完毕", staff: "S01")
            #expect(try reader("bureau").warnings().entries.isEmpty)
        }
        try step("revoke") { () throws in
            let req = try clerk("market").requestRevocation("JY13715000001", action: "revoke", basis: "以欺骗手段取得许可", evidence: [], staff: "S01")
            _ = try carry(stores["market"]!, "bureau")
            _ = try clerk("bureau").decideRevocation(req.op.id.hex, grant: false, reason: "证据不足", staff: "S01")
        }
        try step("inquire") { () throws in
            let q = try clerk("bureau").inquire(to: "market", workingDays: 1, subject: "食品经营许可", question: "是否同意变更经营场所？", staff: "S01")
            _ = try carry(stores["bureau"]!, "market")
            try step("reply") { () throws in _ = try clerk("market").reply(q.op.id.hex, consent: true, text: "同意", staff: "S01") }
        }
        try step("inspect") { () throws in
            var r = InspectionRequest(to: "market", visitDate: CivilDate(iso: "2026-10-12")!, place: "东昌府区古楼街道", subject: "食品经营场所现场核查")
            r.approval = "JY13715000001"; r.staff = "S01"
            _ = try clerk("bureau").noticeInspection(r)
            _ = try carry(stores["bureau"]!, "market")
            #expect(try reader("market").inbox().items.contains { $0.action == "inspect" && $0.rule == "R14" })
        }
        try step("liaison") { () throws in
            let q = try clerk("bureau").requestLiaison(to: "market", neededOn: CivilDate(iso: "2026-10-12")!, purpose: "联合勘验", notice: nil, staff: "S01")
            _ = try carry(stores["bureau"]!, "market")
            #expect(try reader("market").report(q.op.id.hex).lines.contains { $0.contains("awaiting") })
        }
        try step("review") { () throws in
            // R13: market and province review; province says nothing by the meeting day's end.
            var r = ReviewRequest(topic: "化工项目安全条件审查", scope: "workSafety", participants: ["province", "market"], meetingDate: CivilDate(iso: "2026-10-13")!)
            r.staff = "S01"
            let q = try clerk("bureau").conveneReview(r)
            _ = try carry(stores["bureau"]!, "market")
            #expect(try reader("market").inbox().items.contains { $0.action == "opine" && $0.rule == "R13" })
            _ = try clerk("market").giveOpinion(q.op.id.hex, position: "agree", text: nil, staff: "S01")
            _ = try carry(stores["market"]!, "bureau")
            let m = try clerk("bureau").issueMinutes(q.op.id.hex, outcome: "escalated", text: "报市政府决定", escalateTo: "oversight", staff: "S01")
            _ = try carry(stores["bureau"]!, "market")
            _ = try clerk("market").acknowledgeMinutes(m.op.id.hex, staff: "S01")
            #expect(try reader("market").report(q.op.id.hex).lines.contains { $0.contains("acknowledges the minutes") })
        }
        try step("expert") { () throws in
            // R16: the pool, kept by the bureau and market together.
            for (d, no, name, employer) in [("bureau", "E01", "刘洋", "聊城大学"), ("bureau", "E02", "陈静", "东昌化工有限公司"), ("market", "E01", "高峰", "省食品研究院")] {
                var e = ExpertRegistration(expertNo: no, name: name, field: "食品安全", employer: employer); e.staff = "S01"
                _ = try clerk(d).registerExpert(e)
            }
            let dup = #expect(throws: ReplicaError.self) { _ = try clerk("bureau").registerExpert(ExpertRegistration(expertNo: "E01", name: "x", field: "食品安全", employer: "y")) }
            #expect(dup?.code == "expert.duplicate")
            _ = try carry(stores["market"]!, "bureau")
            #expect(try reader("bureau").experts(field: "食品安全").count == 3)
        }
        try step("draw") { () throws in
            // R16: drawn by the secrets of the bureau and market, one expert excluded; both verifiers' rule recomputes it.
            var d = DrawInput(topic: "食品经营许可专家评审", field: "食品安全", count: 1, participants: ["bureau", "market"])
            d.excluded = [("E02", "受聘于申请单位")]; d.staff = "S01"
            let one = #expect(throws: ReplicaError.self) { var x = d; x.participants = ["bureau"]; _ = try clerk("bureau").requestDraw(x) }
            #expect(one?.code == "draw.participants")
            let q = try clerk("bureau").requestDraw(d)
            _ = try carry(stores["bureau"]!, "market")
            #expect(try reader("market").inbox().items.contains { $0.action == "commit" && $0.rule == "R16" })
            _ = try clerk("bureau").commitDraw(q.op.id.hex, staff: "S01")
            let early = #expect(throws: ReplicaError.self) { _ = try clerk("bureau").revealDraw(q.op.id.hex, staff: "S01") }
            #expect(early?.code == "draw.awaiting_commits")
            _ = try clerk("market").commitDraw(q.op.id.hex, staff: "S01")
            #expect(throws: ReplicaError.self) { _ = try clerk("market").commitDraw(q.op.id.hex, staff: "S01") }
            _ = try carry(stores["market"]!, "bureau")
            _ = try clerk("bureau").revealDraw(q.op.id.hex, staff: "S01")
            _ = try carry(stores["bureau"]!, "market")
            let done = try clerk("market").revealDraw(q.op.id.hex, staff: "S01")
            #expect(done.json["draw"]?["status"] == "drawn" && done.json["draw"]?["selected"]?.arrayValue?.count == 1, "\(done.json)")
            _ = try carry(stores["market"]!, "bureau")
            let bundle = try reader("bureau").evidence(q.op.id.hex)
            let report = EvidenceVerifier.verify(bundle)
            #expect(bundle.kind == "draw" && report.passed && report.verdict["selected"] == done.json["draw"]?["selected"], "\(report.lines.map(\.en))")
            // The excluded expert is never drawn; both replicas see the same result.
            let lines = try reader("market").report(q.op.id.hex).lines
            #expect(lines.contains { $0.contains("回避 excluded: 陈静") } && lines.contains { $0.contains("抽取结果 drawn") }, "\(lines)")
            #expect(try reader("bureau").report(q.op.id.hex).lines == lines)
            for s in ["bureau", "market"] { #expect(try stores[s]!.checkReadModel().isConsistent) }
        }
        try step("notice") { () throws in
            // R19: market invites the bureau to a training; the bureau acknowledges, once.
            var n = NoticeInput(category: "training", title: "食品安全监管业务培训", text: "请派员参加", to: ["bureau"], date: CivilDate(iso: "2026-12-15")!)
            n.place = "市民中心三楼"; n.staff = "S01"
            let noItem = #expect(throws: ReplicaError.self) { var x = n; x.category = "itemRemoved"; _ = try clerk("market").sendNotice(x) }
            #expect(noItem?.code == "notice.item_code")
            let sent = try clerk("market").sendNotice(n)
            #expect(sent.text.contains("按时发送 sent in time") || sent.text.contains("待见证"), "\(sent.text)")
            _ = try carry(stores["market"]!, "bureau")
            #expect(try reader("bureau").inbox().items.contains { $0.action == "acknowledge" && $0.rule == "R19" && $0.id == sent.op.id })
            _ = try clerk("bureau").acknowledgeNotice(sent.op.id.hex, staff: "S01")
            let again = #expect(throws: ReplicaError.self) { _ = try clerk("bureau").acknowledgeNotice(sent.op.id.hex, staff: "S01") }
            #expect(again?.code == "notice.already_acknowledged")
            #expect(!(try reader("bureau").inbox().items.contains { $0.id == sent.op.id }))
            #expect(try reader("bureau").report(sent.op.id.hex).lines.contains { $0.contains("acknowledges it") })
            #expect(try reader("bureau").history().contains { $0.id == sent.op.id && $0.status == "acknowledged" })
        }
        try step("promise-check") { () throws in
            // The approval above is no 告知承诺 item: nothing to verify, and the refusal says so.
            let none = #expect(throws: ReplicaError.self) { _ = try clerk("bureau").verifyPromise("JY13715000001", kept: true, findings: "x", cureBy: nil, staff: "S01") }
            #expect(none?.code == "verification.no_promise")
        }
        try step("correct") { () throws in _ = try clerk("bureau").correct("JY13715000001", field: "contact", value: "0635-7654321", staff: "S01") }
        try step("note") { () throws in
            _ = try clerk("market").note("已电话通知申请人", staff: "S01")
            let ended = #expect(throws: ReplicaError.self) { _ = try clerk("market").note("离岗后", staff: "S02") }
            #expect(ended?.code == "staff.ended")
        }
        try step("log") { () throws in #expect(try reader("market").log(limit: 3).first?.kind == OpKinds.note) }
        try step("show") { () throws in #expect(try reader("market").resolveOp(try reader("market").log(limit: 1)[0].id.prefix(12).description).header.kind == OpKinds.note) }
        try step("erase") { () throws in
            // The note held a phone call's details: market erases its body; the bureau cannot.
            let note = try reader("market").log(limit: 1)[0].id
            let other = #expect(throws: ReplicaError.self) { _ = try clerk("bureau").erase(note, reason: "x", staff: "S01") }
            #expect(other?.code == "item.not_found" || other?.code == "workflow.not_addressee")
            _ = try clerk("market").erase(note, reason: "个人信息", staff: "S01")
            #expect(try reader("market").resolveOp(note).body == nil)
            let again = #expect(throws: ReplicaError.self) { _ = try clerk("market").erase(note, reason: "x", staff: "S01") }
            #expect(again?.code == "erase.already")
        }
        try step("conflicts") { () throws in #expect(try reader("market").conflicts().equivocations.isEmpty) }
        try step("report") { () throws in
            let (lines, _) = try reader("bureau").timeliness(try ReportPeriod("2026-09"), settle: .max)
            #expect(lines.contains { $0.department == "market" && $0.received == 1 })
        }
        // evidence → verify: the bundle of the push passes the offline verifier.
        try step("evidence") { () throws in
            let bundle = try reader("market").evidence("JY13715000001")
            try step("verify") { () throws in #expect(EvidenceVerifier.verify(bundle).passed) }
        }
        try step("state") { () throws in #expect(try reader("market").checkReadModel().refusal == nil) }
        try step("key") { () throws in
            try ReplicaFiles.changePassphrase(keyFile: homes["province"]!.keyPath, current: nil, new: "a new passphrase")
            let wrong = #expect(throws: ReplicaError.self) { try ReplicaFiles.checkPassphrase(keyFile: homes["province"]!.keyPath, current: "wrong") }
            #expect(wrong?.code == "key.wrong_passphrase")
            try ReplicaFiles.checkPassphrase(keyFile: homes["province"]!.keyPath, current: "a new passphrase")
        }
        try step("backup") { () throws in
            let summary = try homes["market"]!.backup(store: stores["market"]!, to: dir.file("market-backup"))
            try step("restore") { () throws in
                let r = try ReplicaHome(path: dir.file("market-restored")).restore(from: summary.path, replace: false, now: tick())
                #expect(r.ops == (try stores["market"]!.count()))
            }
        }
        // serve / peers / sync: market serves over loopback HTTP in this
        // process; the bureau adds it as a peer and syncs until both hold
        // the same operations.
        let clock: @Sendable () -> Int64 = { [now] in now + 600_000 }
        let (ports, portIn) = AsyncStream.makeStream(of: Int.self)
        let (home, store, key) = (homes["market"]!, stores["market"]!, keys["market"]!)
        let server = Task {
            try await SyncServe.run(home: home, store: store, key: key, config: SyncServerConfig(), syncEverySeconds: nil, clock: clock) { portIn.yield($0) }
        }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        ran.names.insert("serve")
        let url = "http://127.0.0.1:\(port)"
        try step("peers") { () throws in try stores["bureau"]!.addPeer(url, now: tick()); #expect(try stores["bureau"]!.peers().map(\.url) == [url]) }
        let report = try await SyncClient(store: stores["bureau"]!, home: homes["bureau"]!, key: keys["bureau"]!, clock: clock).sync(with: url)
        #expect(report.pulled > 0 && report.pushed > 0)
        #expect(try stores["bureau"]!.stateDigest() == stores["market"]!.stateDigest())
        ran.names.insert("sync")
        server.cancel()
        _ = await server.result
        // demo: a scenario script over these same calls (Command+Demo.swift,
        // Demo+Scenario.swift); the CLI test runs it end to end.
        ran.names.insert("demo")
        #expect(ran.names == Set(CLICommands.names), "not driven: \(Set(CLICommands.names).subtracting(ran.names).sorted())")
    }
}
