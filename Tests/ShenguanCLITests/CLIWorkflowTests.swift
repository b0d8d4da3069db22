import Foundation
import Testing
import ShenguanTestSupport

/// The 审管 workflow from a clerk's terminal (issue #4): separate processes,
/// real SQLite files and keys, files carried between replicas; every refusal
/// is a stable code and a sentence, and writes nothing.
@Suite struct CLIWorkflowTests {
    static let code = "91371500MA3C4XYW1A"   // valid GB 32100-2015

    struct Departments {
        let net: TestNet
        let bureau: CLI, market: CLI, ecology: CLI
        /// Carries everything `from` holds to `to` by export file; with
        /// `witnessAt` (CST), `to` signs a witness at that time (time evidence).
        func carry(_ from: CLI, _ to: CLI, witnessAt: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let f = net.dir.file("x-\(UUID().uuidString).jsonl")
            try from.export(f, sourceLocation: sourceLocation)
            if let at = witnessAt {
                try to.ok(["import", f, "--witness"], env: ["SHENGUAN_NOW": at + "+08:00"], sourceLocation: sourceLocation)
                return
            }
            let r = try to.importFile(f, sourceLocation: sourceLocation)
            try #require(r.status == 0, "\(r.rejected) \(r.stderr)", sourceLocation: sourceLocation)
        }
    }

    func departments(_ dir: TempDir) throws -> Departments {
        // The network opens on 2026-09-01, before the acts the tests date.
        let env = at("2026-09-01T09:00:00")
        let net = try TestNet(in: dir, env: env)
        try net.addDepartment("bureau", name: "市行政审批服务局", role: "approval", env: env)
        try net.addDepartment("market", name: "市市场监督管理局", role: "regulator", env: env)
        try net.addDepartment("ecology", name: "市生态环境局", role: "regulator", env: env)
        let b = try net.join("B", department: "bureau", env: env), m = try net.join("M", department: "market", env: env)
        let e = try net.join("E", department: "ecology", env: env)
        try net.distributeRoster(to: [b, m, e])
        // Each department registers one clerk, S01, who acts in the tests (R3: a claim records who).
        for (cli, name) in [(b, "李明"), (m, "王芳"), (e, "赵强")] {
            try cli.ok(["staff", "add", "--staff-no", "S01", "--name", name, "--office", "窗口", "--from", "2026-01-01", "--until", "2026-12-31"], env: env)
        }
        return Departments(net: net, bureau: b, market: m, ecology: e)
    }

    /// The clock at a CST wall-clock time, acting as staff S01 of the department.
    func at(_ cst: String) -> [String: String] { ["SHENGUAN_NOW": cst + "+08:00", "SHENGUAN_STAFF": "S01"] }

    func approve(_ d: Departments, code: String = code, licence: String = "JY13715000001", env: [String: String]) throws -> ProcessResult {
        try d.bureau.run(["approve", "--item-code", "370100-001", "--item-name", "食品经营许可", "--applicant", "聊城市鲁西餐饮有限公司",
                          "--credit-code", code, "--contact", "0635-1234567", "--licence", licence,
                          "--push-to", "market", "--push-to", "ecology", "--json"], env: env)
    }

    func object(_ r: ProcessResult) throws -> [String: Any] {
        try #require(r.status == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    @Test func approvalPushClaimAndTheRefusals() throws {
        let dir = TempDir("cli-wf"); defer { dir.remove() }
        let d = try departments(dir)
        let before = try d.bureau.opCount()
        // An invalid credit code is refused before anything is signed (R8).
        let bad = try approve(d, code: "91371500MA3C4XYW10", env: at("2026-09-30T16:00:00"))
        expectError(bad, "workflow.credit_code")
        #expect(bad.stderr.contains("should be A"))
        #expect(try d.bureau.opCount() == before)
        let out = try object(try approve(d, env: at("2026-09-30T16:00:00")))
        let pushes = try #require(out["pushes"] as? [[String: Any]])
        #expect(pushes.count == 2)
        let toMarket = try #require(pushes.first { $0["to"] as? String == "market" })
        let pushID = try #require(toMarket["id"] as? String)
        try d.carry(d.bureau, d.market, witnessAt: "2026-09-30T17:00:00"); try d.carry(d.bureau, d.ecology, witnessAt: "2026-09-30T17:00:00")

        // Market's inbox shows it with the time left (R2).
        let inbox = try #require(try d.market.json(["inbox"], env: at("2026-10-08T10:00:00")) as? [String: Any])
        let items = try #require(inbox["items"] as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == [pushID])
        #expect(items.first?["workingDaysLeft"] as? Int == 2 && items.first?["hoursLeft"] as? Int == 38)

        // Ecology cannot claim the push addressed to market.
        let eBefore = try d.ecology.opCount()
        let wrong = try d.ecology.run(["claim", pushID], env: at("2026-10-08T10:00:00"))
        expectError(wrong, "workflow.not_addressee")
        #expect(wrong.stderr.contains("addressed to market"))
        #expect(try d.ecology.opCount() == eBefore)

        // The window opened when market's replica witnessed the push (T2 example, R2 聊城).
        let inMarket = try #require(try d.market.json(["status", pushID], env: at("2026-10-08T10:00:00")) as? [String: Any])
        #expect((inMarket["claim"] as? [String: Any])?["limit"] as? String == "2026-10-10T00:00:00+08:00")
        // Market claims one second before the limit; until another department witnesses it, it awaits a witness.
        // R3: a claim records who signs for it; without a staff member nothing is written.
        let noStaff = try d.market.run(["claim", pushID, "--json"], env: ["SHENGUAN_NOW": "2026-10-09T23:59:59+08:00", "SHENGUAN_STAFF": ""])
        expectError(noStaff, "staff.required")
        #expect(noStaff.stderr.contains("签收人"))
        let refusal = try #require(try JSONSerialization.jsonObject(with: Data(noStaff.stdout.utf8)) as? [String: Any])
        #expect((refusal["error"] as? [String: Any])?["code"] as? String == "staff.required")
        // R22: on its last working day the push is a reminder (a cron job's `shenguan reminders`).
        #expect(try d.market.ok(["reminders"], env: at("2026-10-08T10:00:00")).isEmpty)
        let remind = try d.market.ok(["reminders"], env: at("2026-10-09T09:00:00"))
        #expect(remind.hasPrefix("提醒 reminder") && remind.contains(String(pushID.prefix(12))) && remind.contains("10-09 24:00"), "\(remind)")
        // Named by its licence number: the licence's one push to market.
        let claim = try #require(try d.market.json(["claim", "JY13715000001"], env: at("2026-10-09T23:59:59")) as? [String: Any])
        #expect((claim["push"] as? [String: Any])?["status"] as? String == "claimed_awaiting_witness")
        expectError(try d.market.run(["claim", pushID], env: at("2026-10-09T23:59:59")), "workflow.already_claimed")
        // The bureau witnesses it two hours after the limit, within the 4 h grace: on time (DESIGN.md straddling).
        try d.carry(d.market, d.bureau, witnessAt: "2026-10-10T02:00:00"); try d.carry(d.ecology, d.bureau)
        let approval = try #require(out["approval"] as? String)
        // Ecology never claims: auto-claimed at the limit, ecology responsible (R2).
        let status = try #require(try d.bureau.json(["status", approval], env: at("2026-10-10T02:00:00")) as? [String: Any])
        let byDept = Dictionary(uniqueKeysWithValues: (status["pushes"] as? [[String: Any]] ?? []).map { ($0["to"] as? String ?? "", $0) })
        #expect(byDept["market"]?["status"] as? String == "claimed_on_time")
        #expect((byDept["market"]?["claim"] as? [String: Any])?["basis"] as? String == "straddle_on_time")
        #expect(byDept["ecology"]?["status"] as? String == "auto_claimed")
        #expect(byDept["ecology"]?["responsible"] as? String == "ecology")
        // The text view says it in Chinese, with the rule.
        let text = try d.bureau.ok(["status", approval], env: at("2026-10-10T02:00:00"))
        #expect(text.contains("超时自动认领") && text.contains("responsible: 市生态环境局 (R2, R24)"))
        // Evidence in the clerk's instants and limits; RFC 3339 stays in the JSON (issue 15).
        #expect(!text.contains("+08:00") && text.contains("within the grace period after 10-09 24:00"), "\(text)")
        // R23: the month's timeliness report says the same, as CSV for a spreadsheet.
        let csv = try d.bureau.ok(["report", "2026-09", "--csv"], env: at("2026-10-10T02:00:00"))
        let rows = csv.split(separator: "\n").map(String.init)
        #expect(rows.first == "department,name,received,on_time,late,lapsed,awaiting_witness,open,on_time_rate,pushed_back_on_time,pushed_back_late,credit_push_on_time,credit_push_late")
        #expect(rows.contains("ecology,市生态环境局,1,0,0,1,0,0,0.0000,0,0,0,0") && rows.contains("market,市市场监督管理局,1,1,0,0,0,0,1.0000,0,0,0,0"), "\(rows)")
        expectError(try d.bureau.run(["report", "2026-13"], env: at("2026-10-10T02:00:00")), "report.period")
    }

    @Test func supervisionRevocationWarningsAndInquiries() throws {
        let dir = TempDir("cli-wf2"); defer { dir.remove() }
        let d = try departments(dir)
        let out = try object(try approve(d, env: at("2026-09-30T16:00:00")))
        let approval = try #require(out["approval"] as? String)
        try d.carry(d.bureau, d.market, witnessAt: "2026-09-30T17:00:00"); try d.carry(d.bureau, d.ecology, witnessAt: "2026-09-30T17:00:00")

        // R6/R7: a penalty pushed back to the issuing bureau, with a listing (R9).
        let sup = try #require(try d.market.json(["supervise", "--category", "penalty", "--subject", "聊城市鲁西餐饮有限公司",
                                                  "--credit-code", Self.code, "--approval", approval, "--summary", "超范围经营，罚款5000元",
                                                  "--decision-date", "2026-10-12", "--listing", "strict"], env: at("2026-10-13T09:00:00")) as? [String: Any])
        let supPush = try #require((sup["pushes"] as? [[String: Any]])?.first)
        #expect(supPush["to"] as? String == "bureau")
        // Until the bureau witnesses the push, its timeliness awaits a witness.
        #expect((supPush["pushLimit"] as? [String: Any])?["outcome"] as? String == "awaiting_witness")
        // R10: a revocation request becomes the bureau's to-do.
        let req = try #require(try d.market.json(["revoke", "request", approval, "--basis", "《食品安全法》第一百二十二条"], env: at("2026-10-13T10:00:00")) as? [String: Any])
        let reqID = try #require(req["request"] as? String)
        expectError(try d.market.run(["revoke", "decide", reqID, "--grant", "--reason", "x"], env: at("2026-10-13T10:00:00")), "auth.forbidden_kind")
        try d.carry(d.market, d.bureau, witnessAt: "2026-10-13T10:30:00")
        let supID = try #require(sup["record"] as? String)
        let supStatus = try #require(try d.bureau.json(["status", supID], env: at("2026-10-13T11:00:00")) as? [String: Any])
        #expect(((supStatus["pushes"] as? [[String: Any]])?.first?["pushLimit"] as? [String: Any])?["outcome"] as? String == "on_time")
        let inbox = try #require(try d.bureau.json(["inbox"], env: at("2026-10-13T11:00:00")) as? [String: Any])
        #expect(Set((inbox["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }) == ["claim", "decide"])
        try d.bureau.ok(["revoke", "decide", reqID, "--grant", "--reason", "查证属实"], env: at("2026-10-13T15:00:00"))
        try d.carry(d.bureau, d.market, witnessAt: "2026-10-13T16:00:00")
        let st = try #require(try d.market.json(["status", approval], env: at("2026-10-14T09:00:00")) as? [String: Any])
        #expect(st["status"] as? String == "revoked")

        // R9: the subject is listed; the next approval carries the alert.
        let warnings = try #require(try d.bureau.json(["warnings"]) as? [[String: Any]])
        #expect(warnings.map { $0["creditCode"] as? String } == [Self.code])
        let again = try object(try approve(d, licence: "JY13715000002", env: at("2026-10-14T09:00:00")))
        #expect((again["alerts"] as? [[String: Any]])?.count == 1)
        let text = try d.bureau.ok(["status", try #require(again["approval"] as? String)])
        #expect(text.contains("warning-list alert (R9)"))

        // R12: an inquiry answered by silence; a reply after the limit is refused.
        let q = try #require(try d.bureau.json(["inquire", "--to", "ecology", "--working-days", "1", "--subject", "环评意见",
                                                "--question", "是否同意？"], env: at("2026-10-14T10:00:00")) as? [String: Any])
        let qID = try #require(q["id"] as? String)
        try d.carry(d.bureau, d.ecology, witnessAt: "2026-10-14T10:30:00")
        let closed = try d.ecology.run(["reply", qID, "--object", "--text", "不同意"], env: at("2026-10-16T09:00:00"))
        expectError(closed, "workflow.closed")
        #expect(closed.stderr.contains("counts as consent (R12)"))
        let qs = try #require(try d.ecology.json(["status", qID], env: at("2026-10-16T09:00:00")) as? [String: Any])
        #expect(qs["status"] as? String == "deemed_consent" && qs["responsible"] as? String == "ecology")
        // Final only once ecology's chain is seen by another department past the limit plus grace.
        #expect(qs["final"] as? Bool == false)
        try d.carry(d.ecology, d.bureau, witnessAt: "2026-10-16T10:00:00")
        let fin = try #require(try d.bureau.json(["status", qID], env: at("2026-10-16T11:00:00")) as? [String: Any])
        #expect(fin["status"] as? String == "deemed_consent" && fin["final"] as? Bool == true)

        // The independent Python verifier accepts every workflow operation (§4.1 schemas, credit codes).
        let file = dir.file("bureau-all.jsonl")
        let n = try d.bureau.export(file)
        let py = try PyReport(file)
        #expect(py.rejected.isEmpty && py.ok == n, "\(py.summary)")
    }

    /// Two clerks of the bureau, on two replicas, correct the same contact
    /// while apart: both values are kept and shown until one supersedes both.
    @Test func concurrentCorrectionsAreAConflictUntilResolved() throws {
        let dir = TempDir("cli-wf4"); defer { dir.remove() }
        let d = try departments(dir)
        let second = try d.net.join("B2", department: "bureau", env: at("2026-09-01T10:00:00"))
        try d.net.distributeRoster(to: [d.bureau, second, d.market])
        let out = try object(try approve(d, env: at("2026-09-30T16:00:00")))
        let approval = try #require(out["approval"] as? String)
        try d.carry(d.bureau, second)
        try d.bureau.ok(["correct", approval, "--field", "contact", "--value", "0635-7654321"], env: at("2026-10-08T09:00:00"))
        try second.ok(["correct", approval, "--field", "contact", "--value", "13800000000"], env: at("2026-10-08T09:05:00"))
        try d.carry(d.bureau, second); try d.carry(second, d.bureau)
        let c = try #require(try d.bureau.json(["conflicts"]) as? [String: Any])
        let fields = try #require(c["fields"] as? [[String: Any]])
        #expect(fields.count == 1)
        #expect(Set((fields.first?["values"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? String }) == ["0635-7654321", "13800000000"])
        #expect(try d.bureau.ok(["status", approval]).contains("contact has 2 concurrent values"))
        // Both replicas hold the same state while the conflict stands.
        #expect(try d.bureau.digest() == second.digest())
        let resolved = try d.bureau.ok(["correct", approval, "--field", "contact", "--value", "13800000000"], env: at("2026-10-08T10:00:00"))
        #expect(resolved.contains("resolves a conflict of 2 values"))
        try d.carry(d.bureau, second)
        #expect((try #require(try second.json(["conflicts"]) as? [String: Any])["fields"] as? [Any])?.isEmpty == true)
        #expect(try second.ok(["conflicts"]).contains("(no conflicts)"))
    }

    @Test func inboxTableAlignsChineseNames() throws {
        let dir = TempDir("cli-wf3"); defer { dir.remove() }
        let d = try departments(dir)
        _ = try object(try approve(d, env: at("2026-09-30T16:00:00")))
        try d.carry(d.bureau, d.market)
        let lines = try d.market.ok(["inbox"], env: at("2026-10-08T10:00:00")).split(separator: "\n").map(String.init)
        try #require(lines.count == 3)
        // The "limit" column starts at the same display column in the header and the row.
        func column(_ line: String, of needle: String) -> Int? {
            guard let r = line.range(of: needle) else { return nil }
            return line[..<r.lowerBound].unicodeScalars.reduce(0) { $0 + ((0x2E80...0xFFE6).contains($1.value) ? 2 : 1) }
        }
        #expect(column(lines[1], of: "时限 limit") == column(lines[2], of: "10-09 24:00 周五"))
        #expect(column(lines[1], of: "what") == column(lines[2], of: "食品经营许可"))
    }

    /// A claim limit that reaches 2027 (no official table yet) never blocks
    /// the approval: it is judged on the provisional rule and marked so in
    /// the push's verdict and in the regulator's inbox (issue 15 item 3).
    @Test func aYearWithoutAnOfficialCalendarNeverBlocksAnApproval() throws {
        let dir = TempDir("cli-wf-cal"); defer { dir.remove() }
        let d = try departments(dir)
        let out = try object(try approve(d, env: at("2026-12-30T10:00:00")))
        let pushes = try #require(out["pushes"] as? [[String: Any]])
        #expect(pushes.count == 2)
        let claim = try #require(pushes.first?["claim"] as? [String: Any])
        #expect(claim["provisionalCalendar"] as? Bool == true && claim["lastDay"] as? String == "2027-01-01", "\(claim)")
        try d.carry(d.bureau, d.market, witnessAt: "2026-12-30T11:00:00")
        let inbox = try d.market.ok(["inbox"], env: at("2026-12-31T09:00:00"))
        #expect(inbox.contains("2027-01-01 24:00 周五 (暂定)"), "\(inbox)")
    }
}
