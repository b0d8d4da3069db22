import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
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
    var staff: [String: Digest] = [:]
    var ids: [String: Digest] = [:]
    var digests = Set<String>()

    init(replicas: [Replica]) { self.replicas = replicas }

    /// Milliseconds of a CST wall-clock time.
    static func t(_ cst: String) -> Int64 { ChinaStandardTime.parseRFC3339(cst + "+08:00")! }
    static let code1 = CreditCode.withCheck("91371500MA3C4XYW1")!   // 聊城市鲁西餐饮有限公司
    static let code2 = CreditCode.withCheck("91371502MA3N8K7P2")!   // 聊城市东昌化工有限公司

    func dept(_ id: String) -> Replica { replicas.first { $0.id == id }! }

    @discardableResult
    mutating func act(_ who: String, _ kind: String, _ body: [String: JSONValue], at: String, name: String? = nil) throws -> VerifiedOp {
        let r = dept(who)
        var body = body
        if let s = staff[who] { body["staff"] = .string(s.hex) }
        let op = try r.home.append(store: r.store, key: r.key, kind: kind, body: .object(body), now: Self.t(at))
        if let name { ids[name] = op.id }
        return op
    }

    mutating func play(dir: String) async throws {
        for (who, no, name, office) in [("bureau", "0007", "李明", "综合窗口"), ("market", "0042", "王芳", "食品经营许可科"), ("ecology", "0013", "赵强", "环评科")] {
            let op = try act(who, RosterOps.staff, ["department": .string(who), "staffNo": .string(no), "name": .string(name), "office": .string(office),
                                                    "validFrom": "2026-01-01", "validUntil": "2026-12-31"], at: "2026-09-28T09:30:00")
            staff[who] = op.id
            print("   \(pad(dept(who).cn, 18)) staff.register \(name) (\(no)) (R3)")
        }
        // R1: two approvals, pushed on 09-30 at 16:00; limits run past the holiday (T2 example).
        let food = try act("bureau", WorkflowKinds.approval, approval("370100-001", "食品经营许可", "聊城市鲁西餐饮有限公司", Self.code1, "JY13715020000123"),
                           at: "2026-09-30T15:50:00", name: "food")
        let permit = try act("bureau", WorkflowKinds.approval, approval("370100-117", "排污许可", "聊城市东昌化工有限公司", Self.code2, "91371502MA3N8K7P2001P"),
                             at: "2026-09-30T15:55:00", name: "permit")
        try act("bureau", WorkflowKinds.push, ["record": .string(food.id.hex), "to": "market"], at: "2026-09-30T16:00:00", name: "pushFood")
        try act("bureau", WorkflowKinds.push, ["record": .string(permit.id.hex), "to": "ecology"], at: "2026-09-30T16:00:00", name: "pushPermit")
        print("   2026-09-30 16:00  市行政审批服务局 (李明) issues 食品经营许可 and 排污许可 and pushes them (R1); claim limit 2 working days (R2, 聊城)")
        try await sync(at: "2026-09-30T17:00:00", dir: dir, label: "after the pushes")

        // R2, R3: market claims on the first working day after the holiday.
        try act("market", WorkflowKinds.claim, ["push": .string(ids["pushFood"]!.hex)], at: "2026-10-08T09:30:00")
        print("   2026-10-08 09:30  市市场监督管理局 (王芳) claims the 食品经营许可 push (R2, R3)")
        try await sync(at: "2026-10-08T10:00:00", dir: dir, label: "so that the bureau witnesses the claim", only: ["bureau", "market"])
        print("   市生态环境局 stays offline through the limit 2026-10-10 24:00 (an adjusted working Saturday)")
        // R6, R7, R8, R9: ecology's penalty, pushed back the day it is published; R10 request.
        let penalty = try act("ecology", WorkflowKinds.supervision, [
            "category": "penalty", "subject": ["name": "聊城市东昌化工有限公司", "creditCode": .string(Self.code2)],
            "approval": .string(permit.id.hex), "decisionDate": "2026-10-12", "publishedDate": "2026-10-12",
            "summary": "超标排放，罚款10万元（聊环罚〔2026〕12号）", "listing": "strict"], at: "2026-10-12T10:00:00", name: "penalty")
        try act("ecology", WorkflowKinds.push, ["record": .string(penalty.id.hex), "to": "bureau"], at: "2026-10-12T10:05:00", name: "pushPenalty")
        try act("ecology", WorkflowKinds.revocationRequest, ["approval": .string(permit.id.hex), "action": "revoke",
                                                             "basis": "《排污许可管理条例》第三十四条：拒不改正"], at: "2026-10-12T10:10:00", name: "request")
        print("   2026-10-12 10:00  市生态环境局 (赵强) records a penalty (R6, R8), pushes it back (R7), asks to revoke the 排污许可 (R10)")
        // R12: the bureau's letter of inquiry to market.
        try act("bureau", WorkflowKinds.inquiry, ["to": "market", "subject": "关于鲁西餐饮扩大经营范围的函询", "question": "是否同意增加冷食类食品制售？",
                                                  "workingDays": 1], at: "2026-10-12T11:00:00", name: "inquiry")
        print("   2026-10-12 11:00  市行政审批服务局 sends market a letter of inquiry, 1 working day (R12)")
        try await sync(at: "2026-10-12T12:00:00", dir: dir, label: "after ecology comes back online")
        try printInboxes(at: "2026-10-12T12:30:00")

        try act("bureau", WorkflowKinds.claim, ["push": .string(ids["pushPenalty"]!.hex)], at: "2026-10-12T14:00:00")
        try act("bureau", WorkflowKinds.revocationDecision, ["request": .string(ids["request"]!.hex), "grant": true,
                                                             "reason": "经核查，企业拒不改正超标排放，依法撤销排污许可"], at: "2026-10-13T10:00:00")
        print("   2026-10-12 14:00  市行政审批服务局 claims the penalty (R7); 10-13 10:00 grants the revocation (R10)")
        print("   市市场监督管理局 never answers the inquiry: at 2026-10-13 24:00 silence counts as consent (R12)")
        try await sync(at: "2026-10-14T09:00:00", dir: dir, label: "after the decision")

        let now = Self.t("2026-10-16T09:00:00")
        let bureau = dept("bureau").store
        print("\n   Statuses as the bureau's replica judges them (shenguan status ID), 中文 with rule ids:")
        for key in ["food", "permit", "penalty", "inquiry"] {
            let v = try bureau.itemView(ids[key]!, now: now)
            for line in try StatusReport(wf: v.workflow, ctx: v.context, id: ids[key]!).lines { print("   " + line) }
            print("")
        }
        print("   warning list (R9): " + (try bureau.warningsView(now: now)).workflow.activeWarnings(for: CreditCode(Self.code2)!).map { "\($0.name) \($0.creditCode) \($0.level == "strict" ? "从严审批" : "限制准入") ← \($0.reason)" }.joined(separator: "; "))

        print("\n   Evidence (shenguan evidence ID; shenguan verify / shenguan-verify / verify-py bundle), each verdict rechecked offline:")
        try FileManager.default.createDirectory(atPath: "\(dir)/evidence", withIntermediateDirectories: true)
        for key in ["pushFood", "pushPermit", "pushPenalty", "inquiry"] {
            let store = dept("bureau").store
            let bundle = try makeBundle(store: store, target: try store.op(ids[key]!.hex), now: now)
            let file = "\(dir)/evidence/\(key).json"
            try Data(try CanonicalJSON.encode(bundle.json)).write(to: URL(fileURLWithPath: file))
            let report = EvidenceVerifier.verify(bundle)
            print("   \(pad(key, 12)) \(bundle.envelopes.count) ops → \(report.passed ? "PASSED" : "FAILED")  \(report.verdict["status"]?.stringValue ?? "?") (\(report.verdict["basis"]?.stringValue ?? "?"))  \(file)")
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
            let v = try r.store.inboxView(department: r.id, now: now)
            let ctx = v.context
            let items = try v.workflow.inbox(for: r.id, ctx)
            if items.isEmpty { print("   \(pad(r.cn, 18)) nothing to act on") }
            for i in items {
                let left = i.due.map { "limit \($0.deadlineRFC3339), \(Words.left($0, ctx)) left" } ?? "no limit"
                print("   \(pad(r.cn, 18)) \(pad(Words.action(i.action), 12)) \(i.rule)  \(i.title)  (\(left))")
            }
        }
        print("")
    }

    /// What the replicas refuse in the scenario, each with its stable code.
    mutating func refusals(now: Int64) throws -> [String] {
        var out = [String]()
        func attempt(_ label: String, _ who: String, _ kind: String, _ body: [String: JSONValue]) {
            let r = dept(who)
            do { _ = try r.home.append(store: r.store, key: r.key, kind: kind, body: .object(body), now: now) ; out.append("\(label) → accepted?!") }
            catch let why as OpRejection { out.append("\(label) → \(why.code.rawValue): \(why.reason)") }
            catch { out.append("\(label) → \(error)") }
        }
        attempt("ecology claims the push addressed to market", "ecology", WorkflowKinds.claim, ["push": .string(ids["pushFood"]!.hex)])
        attempt("market decides the revocation request", "market", WorkflowKinds.revocationDecision,
                ["request": .string(ids["request"]!.hex), "grant": false, "reason": "x"])
        attempt("an approval with a mistyped credit code", "bureau", WorkflowKinds.approval,
                approval("1", "x", "y", String(Self.code1.dropLast()) + "0", "L"))
        return out
    }

    func approval(_ code: String, _ item: String, _ applicant: String, _ credit: String, _ licence: String) -> [String: JSONValue] {
        ["item": ["code": .string(code), "name": .string(item)], "powerType": "行政许可",
         "applicant": ["name": .string(applicant), "creditCode": .string(credit), "contact": "0635-8888888"],
         "licenceNo": .string(licence), "decisionDate": "2026-09-30", "validUntil": "2031-09-29", "riskPoints": ["日常监管重点：原料储存"],
         "commitment": false]
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
