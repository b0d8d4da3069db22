import Foundation
import Testing
import ShenguanTestSupport

/// R18 from a clerk's terminal: the bureau publishes the boundary list,
/// `approve` without --push-to routes by it, a push to a department it does
/// not name is flagged on the licence at every replica, and an item taken
/// off the list needs --push-to again.
@Suite struct CLIBoundaryTests {
    let wf = CLIWorkflowTests()

    func approve(_ d: CLIWorkflowTests.Departments, licence: String, pushTo: [String], json: Bool = false, env: [String: String]) throws -> ProcessResult {
        try d.bureau.run(["approve", "--item-code", "370100-001", "--item-name", "食品经营许可", "--applicant", "聊城市鲁西餐饮有限公司",
                          "--credit-code", CLIWorkflowTests.code, "--contact", "0635-1234567", "--licence", licence]
                         + pushTo.flatMap { ["--push-to", $0] } + (json ? ["--json"] : []), env: env)
    }

    @Test func theBoundaryListRoutesApprovalsAndFlagsPushesItDoesNotName() throws {
        let dir = TempDir("cli-boundary"); defer { dir.remove() }
        let d = try wf.departments(dir)
        let env = wf.at("2026-09-28T09:00:00")
        // No entry yet: approve without --push-to is refused and writes nothing.
        let before = try d.bureau.opCount()
        let unlisted = try approve(d, licence: "JY0", pushTo: [], env: env)
        expectError(unlisted, "workflow.no_regulator")
        let after = try d.bureau.opCount()
        #expect(unlisted.stderr.contains("boundary list") && after == before)
        // Only the bureau keeps the list; a regulator named must be in the roster.
        expectError(try d.market.run(["boundary", "set", "--item-code", "370100-001", "--item-name", "食品经营许可", "--approval-duties", "审批",
                                      "--regulator-duties", "监管", "--regulator", "bureau", "--office", "科"], env: env), "auth.forbidden_kind")
        let set = ["boundary", "set", "--item-code", "370100-001", "--item-name", "食品经营许可", "--stage", "事中事后监管",
                   "--approval-duties", "审批并推送审批结果", "--regulator-duties", "认领并开展日常监管, 反馈监管结果", "--office", "食品经营许可科"]
        expectError(try d.bureau.run(set + ["--regulator", "nobody"], env: env), "workflow.unknown_department")
        _ = try d.bureau.ok(set + ["--regulator", "market"], env: env)
        let v2 = try d.bureau.ok(set + ["--regulator", "market", "--regulator", "ecology"], env: wf.at("2026-09-28T10:00:00"))
        #expect(v2.contains("第2版") && v2.contains("→ 市生态环境局、市市场监督管理局"), "\(v2)")
        // Published as CSV: one row in force (version 2), the comma inside a duty quoted.
        let csv = try d.bureau.ok(["boundary", "list", "--csv"], env: env).split(separator: "\n")
        #expect(csv.count == 2 && csv[0].hasPrefix("事项编码,事项名称,权力类型,环节") && csv[1].contains("\"认领并开展日常监管, 反馈监管结果\"")
                && csv[1].contains(",2,市行政审批服务局,2026-09-28T10:00:00"), "\(csv)")
        // Routed by the list: pushed to both regulators.
        let routed = try wf.object(try approve(d, licence: "JY1", pushTo: [], json: true, env: wf.at("2026-09-30T16:00:00")))
        #expect((routed["pushes"] as? [[String: Any]])?.compactMap { $0["to"] as? String }.sorted() == ["ecology", "market"])
        #expect(routed["routed"] as? Bool == true && (routed["boundary"] as? [String: Any])?["matches"] as? Bool == true)
        // Named by hand, to market only: ecology is missing, and the licence says so at the bureau and at market.
        let partial = try approve(d, licence: "JY2", pushTo: ["market"], env: wf.at("2026-09-30T16:05:00"))
        #expect(partial.status == 0 && partial.stdout.contains("清单列明但未推送 listed but not pushed to: 市生态环境局"), "\(partial.stdout)")
        try d.carry(d.bureau, d.market)
        for cli in [d.bureau, d.market] {
            let status = try cli.ok(["status", "JY2"], env: wf.at("2026-10-08T09:00:00"))
            #expect(status.contains("边界清单 boundary list (R18): 第2版") && status.contains("listed but not pushed to: 市生态环境局"), "\(status)")
        }
        // Withdrawn: off the list, so approve needs --push-to again; the licences issued under it keep their check.
        _ = try d.bureau.ok(["boundary", "withdraw", "370100-001", "--reason", "事项调整"], env: wf.at("2026-10-09T09:00:00"))
        #expect(try d.bureau.ok(["boundary", "list"], env: env).contains("empty"))
        expectError(try approve(d, licence: "JY3", pushTo: [], env: wf.at("2026-10-09T10:00:00")), "workflow.no_regulator")
        #expect(try d.bureau.ok(["status", "JY1"], env: wf.at("2026-10-09T10:00:00")).contains("与清单一致 pushed as the list says"))
    }
}

