import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

/// Bodies and a small 审管 network for workflow tests: d0 the approval
/// bureau, d1 market regulation, d2 ecology and environment, d3 a
/// provincial regulator (R5 relays), under the 聊城 policy (R2: 2 working days).
public enum Fixtures {
    /// Valid GB 32100-2015 codes.
    public static let codeA = CreditCode.withCheck("91371500MA3C4XYW1")!
    public static let codeB = CreditCode.withCheck("91371502MA3N8K7P2")!

    /// Milliseconds of a CST wall-clock time, e.g. ms("2026-09-30T16:00:00").
    public static func ms(_ cst: String) -> Int64 { ChinaStandardTime.parseRFC3339(cst + "+08:00")! }
    public static func msCST(_ cst: String) -> Int64? { ChinaStandardTime.parseRFC3339(cst + "+08:00") }

    /// d0 the bureau, d1–d3 regulators (or `roles`), under the 聊城 policy.
    public static func network(seed: UInt64 = 7, roles: [Role] = [.approval, .regulator, .regulator, .regulator]) -> TestNetwork {
        TestNetwork(authors: 4, seed: seed, startMillis: ms("2026-09-01T09:00:00"), roles: roles, policy: .liaocheng)
    }

    public static func approval(code: String = codeA, alerts: [Digest] = [], commitment: Bool = false,
                                extra: [String: JSONValue] = [:]) -> JSONValue {
        var o: [String: JSONValue] = [
            "item": ["code": "370100-001", "name": "食品经营许可"], "powerType": "行政许可",
            "applicant": ["name": "聊城市鲁西餐饮有限公司", "creditCode": .string(code), "contact": "0635-1234567"],
            "licenceNo": "JY13715000001", "decisionDate": "2026-09-30", "validUntil": "2031-09-29",
            "riskPoints": ["冷链储存"], "commitment": .bool(commitment),
        ]
        if !alerts.isEmpty { o["alerts"] = .array(alerts.sorted().map { .string($0.hex) }) }
        for (k, v) in extra { o[k] = v }
        return .object(o)
    }

    public static func push(_ record: Digest, to: String, via: Digest? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["record": .string(record.hex), "to": .string(to)]
        if let via { o["via"] = .string(via.hex) }
        return .object(o)
    }

    public static func claim(_ push: Digest, staff: Digest? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["push": .string(push.hex)]
        if let staff { o["staff"] = .string(staff.hex) }
        return .object(o)
    }

    public static func supervision(category: String = "penalty", code: String? = codeA, approval: Digest? = nil,
                                   published: String = "2026-10-12", listing: String? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["category": .string(category), "decisionDate": .string(published),
                                      "publishedDate": .string(published), "summary": "超范围经营，罚款5000元"]
        if let code { o["subject"] = ["name": "聊城市鲁西餐饮有限公司", "creditCode": .string(code)] }
        if let approval { o["approval"] = .string(approval.hex) }
        if let listing { o["listing"] = .string(listing) }
        return .object(o)
    }
}

extension Fixtures {
    /// A random but valid 审管 history: each department acts on what its own
    /// replica holds (approvals, pushes, claims, feedback, relays, supervision,
    /// listings, revocation requests and decisions, inquiries and replies,
    /// corrections), with random syncs between departments.
    ///
    /// With `witnesses`, a department that received operations sometimes
    /// signs a witness of every chain it holds, recording the head the
    /// sender declared (PROTOCOL.md §7.5), as `serve` and `sync` do.
    ///
    /// With `rosterChanges`, the oversight office changes the policy (临淄:
    /// other limits) half way, and a regulator forks its chain once. The
    /// change reaches the regulators d2 and d3 at once and the others only
    /// by sync, so the bureau goes on pushing after it without citing it:
    /// those pushes are judged on the new policy (in force at their time,
    /// PROTOCOL.md §4.2), and a replica may receive the change after them.
    ///
    /// With `laterRules`, the steps also announce and report joint
    /// inspections and countersign them (R14), ask for and name liaison
    /// officers (R15), ask for certificates and issue them (R17), and issue
    /// 告知承诺 approvals and verify them, kept or broken (R11), convene
    /// special reviews (R13), keep an expert pool and draw from it by
    /// commit and reveal (R16), keep the boundary list (R18), and send and
    /// acknowledge notices (R19).
    public static func randomHistory(seed: UInt64, steps: Int = 60, witnesses: Bool = false, rosterChanges: Bool = false,
                                     laterRules: Bool = false) -> TestNetwork {
        var net = network(seed: seed)
        var rng = SeededRNG(seed: seed &* 31 &+ 5)
        // One department (by seed) writes headers without skip links, as before them (PROTOCOL.md §2.1).
        net.legacyAuthors = [Int(seed % 5)]
        var t = ms("2026-09-28T09:00:00")
        // R3: each department registers its clerk; approvals name the bureau's, every other claim its clerk.
        var staff = [Digest]()
        for d in 0..<4 {
            staff.append(net.write(d, kind: RosterOps.staff, body: ["department": .string("d\(d)"), "name": "李明", "office": "窗口",
                                                                     "staffNo": "S01", "validFrom": "2026-01-01", "validUntil": "2026-12-31"], at: t).id)
            t += 1000
        }
        // R15: an officer of d1 and d2 registered long enough to serve as liaison; R11: a commitment letter.
        var officers = [Int: Digest](), letter: JSONValue = .null
        if laterRules {
            for d in 1...2 {
                officers[d] = net.write(d, kind: RosterOps.staff, body: ["department": .string("d\(d)"), "name": "孙伟", "office": "执法科",
                                                                         "staffNo": "L01", "validFrom": "2019-01-01", "validUntil": "2027-12-31"], at: t).id
                t += 1000
            }
            let bytes = Array("告知承诺书".utf8), sha = SHA256.hash(bytes)
            let att = net.write(0, kind: WorkflowKinds.attachment, body: ["name": "承诺书.txt", "type": "text/plain", "sha256": .string(sha.hex),
                                                                          "data": .string(Base64URL.encode(bytes))], at: t)
            letter = ["name": "承诺书.txt", "op": .string(att.id.hex), "sha256": .string(sha.hex)]
            t += 1000
        }
        // R13 steps draw from their own generator, so the other steps stay as they were for each seed.
        var reviewRng = SeededRNG(seed: seed &* 131 &+ 13)
        // R16 steps too.
        var drawRng = SeededRNG(seed: seed &* 151 &+ 17)
        // R18 steps too.
        var boundaryRng = SeededRNG(seed: seed &* 171 &+ 19)
        // R19 steps too.
        var noticeRng = SeededRNG(seed: seed &* 191 &+ 23)
        for step in 0..<steps {
            t += Int64.random(in: 600_000...40_000_000, using: &rng)
            if laterRules, Int.random(in: 0..<2, using: &rng) == 0 {
                laterRuleStep(&net, &rng, step: step, at: t, staff: staff, officers: officers, letter: letter)
                t += 5000
            }
            if laterRules, Int.random(in: 0..<2, using: &reviewRng) == 0 {
                reviewStep(&net, &reviewRng, step: step, at: t + 2500)
            }
            if laterRules, Int.random(in: 0..<2, using: &drawRng) == 0 {
                drawStep(&net, &drawRng, step: step, at: t + 3500)
            }
            if laterRules, Int.random(in: 0..<5, using: &boundaryRng) == 0 {
                boundaryStep(&net, &boundaryRng, at: t + 4500)
            }
            if laterRules, Int.random(in: 0..<3, using: &noticeRng) == 0 {
                noticeStep(&net, &noticeRng, step: step, at: t + 5500)
            }
            if rosterChanges && step == steps / 2 {
                net.rootOp(RosterOps.policy, ["policy": Policy.linzi.json], at: t, seenBy: [2, 3])
                t += 1000
            }
            if rosterChanges && step == steps / 3 {
                net.fork(2, at: t)
                t += 1000
            }
            if Int.random(in: 0..<3, using: &rng) == 0 {
                let a = Int.random(in: 0..<4, using: &rng), b = (a + Int.random(in: 1..<4, using: &rng)) % 4
                net.sync(from: a, to: b)
                if witnesses, Int.random(in: 0..<2, using: &rng) == 0 {
                    t += 1000
                    net.witness(b, declarationBy: a, at: t)
                }
            }
            let wf0 = net.replica(0).workflow
            let choice = Int.random(in: 0..<10, using: &rng)
            if choice < 2 || wf0.approvals.isEmpty {
                let a = net.write(0, kind: WorkflowKinds.approval, body: approval(extra: ["licenceNo": .string("JY\(step)"), "staff": .string(staff[0].hex)]), at: t)
                for d in ["d1", "d2"] where Bool.random(using: &rng) || d == "d1" {
                    t += 1000
                    net.write(0, kind: WorkflowKinds.push, body: push(a.id, to: d), at: t)
                }
                continue
            }
            let r = Int.random(in: 1...3, using: &rng)
            let mine = net.replica(r).workflow
            let inbound = mine.pushes.values.filter { $0.body.to == "d\(r)" }.sorted { $0.act.id < $1.act.id }
            let approvals = mine.approvals.keys.sorted()
            switch choice {
            case 2, 3:
                if let p = inbound.randomElement(using: &rng), p.claims.isEmpty {
                    net.write(r, kind: WorkflowKinds.claim, body: claim(p.act.id, staff: step % 2 == 0 ? staff[r] : nil), at: t)
                }
            case 4:
                if let p = inbound.randomElement(using: &rng) {
                    if r == 1 { net.write(r, kind: WorkflowKinds.push, body: push(p.body.record, to: "d3", via: p.act.id), at: t) }
                    else { net.write(r, kind: WorkflowKinds.feedback, body: ["push": .string(p.act.id.hex), "text": "请核实"], at: t) }
                }
            case 5:
                if r < 3, let a = approvals.randomElement(using: &rng) {
                    let rec = net.write(r, kind: WorkflowKinds.supervision, body: supervision(approval: a, published: ChinaStandardTime.civilDate(atMillis: t).iso,
                                                                                          listing: Bool.random(using: &rng) ? "strict" : nil), at: t)
                    net.write(r, kind: WorkflowKinds.push, body: push(rec.id, to: "d0"), at: t + 1000)
                }
            case 6:
                if r < 3, let a = approvals.randomElement(using: &rng) {
                    net.write(r, kind: WorkflowKinds.revocationRequest, body: ["approval": .string(a.hex), "action": "revoke", "basis": "违法经营"], at: t)
                }
            case 7:
                if let q = wf0.requests.values.filter({ $0.decisions.isEmpty }).min(by: { $0.act.id < $1.act.id }) {
                    net.write(0, kind: WorkflowKinds.revocationDecision, body: ["request": .string(q.act.id.hex), "grant": .bool(Bool.random(using: &rng)), "reason": "已核实"], at: t)
                } else if let p = wf0.pushes.values.filter({ $0.body.to == "d0" && $0.claims.isEmpty }).min(by: { $0.act.id < $1.act.id }) {
                    net.write(0, kind: WorkflowKinds.claim, body: claim(p.act.id), at: t)
                }
            case 8:
                net.write(0, kind: WorkflowKinds.inquiry, body: ["to": .string("d\(r)"), "subject": "函询", "question": "是否同意？",
                                                                  "workingDays": .int(Int64.random(in: 1...3, using: &rng))], at: t)
            default:
                if let q = mine.inquiries.values.filter({ $0.body.to == "d\(r)" && $0.replies.isEmpty }).min(by: { $0.act.id < $1.act.id }) {
                    net.write(r, kind: WorkflowKinds.reply, body: ["inquiry": .string(q.act.id.hex), "consent": .bool(Bool.random(using: &rng)), "text": "意见"], at: t)
                } else if let a = wf0.approvals.keys.sorted().first {
                    let seen = wf0.fieldValues(a, field: "contact").compactMap(\.by).sorted()
                    var body: [String: JSONValue] = ["approval": .string(a.hex), "field": "contact", "value": .string("0635-\(step)")]
                    if !seen.isEmpty, Bool.random(using: &rng) { body["supersedes"] = .array(seen.map { .string($0.hex) }) }
                    net.write(0, kind: WorkflowKinds.correction, body: .object(body), at: t)
                }
            }
        }
        // A draw requested last stays open: its participants have it on their lists.
        if laterRules { drawStep(&net, &drawRng, step: steps, at: t + 60_000, request: true) }
        return net
    }
}

extension Fixtures {
    /// One step of R13, valid for what its author holds: the bureau
    /// convenes a review of some regulators or writes its minutes (agreed,
    /// or escalated to d3); a participant gives its opinion (perhaps after
    /// the meeting day); a recipient acknowledges minutes.
    static func reviewStep(_ net: inout TestNetwork, _ rng: inout SeededRNG, step: Int, at t: Int64) {
        let today = ChinaStandardTime.civilDate(atMillis: t)
        let r = Int.random(in: 1...3, using: &rng)
        let kind = Int.random(in: 0..<4, using: &rng)
        // A participant answers what reached it: the bureau's reviews and minutes reach it first.
        if kind == 1 || kind == 3 { net.sync(from: 0, to: r) }
        let mine = net.replica(r).workflow
        switch kind {
        case 0:
            var who = ["d1", "d2", "d3"].filter { _ in Bool.random(using: &rng) }
            if who.isEmpty { who = ["d\(r)"] }
            net.write(0, kind: WorkflowKinds.reviewConvene, body: ["topic": .string("专项审查 \(step)"), "scope": "publicInterest",
                                                                   "participants": .array(who.map { .string($0) }),
                                                                   "meetingDate": .string(today.adding(days: Int.random(in: 0...3, using: &rng)).iso)], at: t)
        case 1:
            guard let q = mine.reviews.values.filter({ $0.body.participants.contains("d\(r)") && !$0.opinions.contains { $0.department == "d\(r)" } })
                .min(by: { $0.act.id < $1.act.id }) else { return }
            let position = ["agree", "object", "absent"][Int.random(in: 0..<3, using: &rng)]
            var b: [String: JSONValue] = ["review": .string(q.act.id.hex), "position": .string(position)]
            if position != "agree" { b["text"] = "理由" }
            net.write(r, kind: WorkflowKinds.reviewOpinion, body: .object(b), at: t)
        case 2:
            guard let q = net.replica(0).workflow.reviews.values.filter({ $0.minutes.isEmpty }).min(by: { $0.act.id < $1.act.id }) else { return }
            var b: [String: JSONValue] = ["review": .string(q.act.id.hex), "outcome": "agreed", "text": "纪要"]
            if Bool.random(using: &rng) { b["outcome"] = "escalated"; b["escalateTo"] = "d3" }
            net.write(0, kind: WorkflowKinds.reviewMinutes, body: .object(b), at: t)
        default:
            for q in mine.reviews.values.sorted(by: { $0.act.id < $1.act.id }) {
                guard let m = q.minutes.first(where: { $0.recipients(q).contains("d\(r)") && !$0.acks.contains { $0.department == "d\(r)" } }) else { continue }
                net.write(r, kind: WorkflowKinds.reviewAck, body: ["minutes": .string(m.act.id.hex)], at: t)
                break
            }
        }
    }

    /// One step of R19: a department sends a notice (of any category, dated
    /// around now) to some others, or a recipient acknowledges one that
    /// reached it.
    static func noticeStep(_ net: inout TestNetwork, _ rng: inout SeededRNG, step: Int, at t: Int64) {
        let r = Int.random(in: 0...3, using: &rng)
        if Bool.random(using: &rng) {
            var to = (0...3).filter { $0 != r && Bool.random(using: &rng) }.map { "d\($0)" }
            if to.isEmpty { to = ["d\((r + 1) % 4)"] }
            let category = NoticeBody.categories[Int.random(in: 0..<NoticeBody.categories.count, using: &rng)]
            var body: [String: JSONValue] = ["category": .string(category), "title": .string("通知 \(step)"), "text": "请知悉",
                                             "to": .array(to.map { .string($0) }),
                                             "date": .string(ChinaStandardTime.civilDate(atMillis: t).adding(days: Int.random(in: -1...3, using: &rng)).iso)]
            if category.hasPrefix("item") { body["itemCode"] = "370100-001" }
            net.write(r, kind: WorkflowKinds.noticeIssue, body: .object(body), at: t)
            return
        }
        for from in 0...3 where from != r { net.sync(from: from, to: r) }
        guard let n = net.replica(r).workflow.notices.values.filter({ $0.waiting.contains("d\(r)") }).min(by: { $0.act.id < $1.act.id }) else { return }
        net.write(r, kind: WorkflowKinds.noticeAck, body: ["notice": .string(n.act.id.hex)], at: t)
    }

    /// One step of R18 by the bureau d0: a new version of the approvals'
    /// item's entry (naming some of d1–d3), usually superseding what it
    /// holds in force, sometimes not (concurrent versions), or a withdrawal.
    static func boundaryStep(_ net: inout TestNetwork, _ rng: inout SeededRNG, at t: Int64) {
        let held = net.replica(0).workflow.boundaryEntries(itemCode: "370100-001")
        if !held.isEmpty, Int.random(in: 0..<5, using: &rng) == 0 {
            net.write(0, kind: WorkflowKinds.boundaryWithdraw, body: ["entry": .string(held[0].act.id.hex), "reason": "调整"], at: t)
            return
        }
        var regulators = ["d1", "d2", "d3"].filter { _ in Bool.random(using: &rng) }
        if regulators.isEmpty { regulators = ["d1"] }
        var body: [String: JSONValue] = ["itemCode": "370100-001", "itemName": "食品经营许可", "powerType": "行政许可", "approvalDuties": "审批",
                                         "regulatorDuties": "监管", "regulators": .array(regulators.map { .string($0) }), "pushMethod": "平台推送", "office": "科"]
        if !held.isEmpty, Int.random(in: 0..<4, using: &rng) > 0 { body["supersedes"] = .array(held.map(\.act.id).sorted().map { .string($0.hex) }) }
        net.write(0, kind: WorkflowKinds.boundaryEntry, body: .object(body), at: t)
    }

    /// One step of R16, valid for what its author holds: d0 or d1 adds an
    /// expert to the pool, d0 retires one of its own or requests a draw
    /// (with an exclusion, by two or three of d0–d2); a participant commits
    /// to its secret, or reveals it once it holds every commitment.
    static func drawStep(_ net: inout TestNetwork, _ rng: inout SeededRNG, step: Int, at t: Int64, request: Bool = false) {
        func nonce(_ d: Int, _ request: Digest) -> Digest { SHA256.hash(Array("fixture secret d\(d) \(request.hex)".utf8)) }
        let empty = net.replica(0).workflow.experts.isEmpty
        switch empty ? 0 : request ? 1 : Int.random(in: 0..<6, using: &rng) {
        case 0:
            let by = empty ? 0 : Int.random(in: 0...1, using: &rng)
            net.write(by, kind: WorkflowKinds.expertRegister, body: ["expertNo": .string("E\(step)"), "name": .string("专家\(step)"), "field": "环境影响评价",
                                                                     "employer": "研究院"], at: t)
        case 1, 5:
            let pool = net.replica(0).workflow.experts.values.filter { $0.retired.isEmpty }.map(\.act.id).sorted()
            // Mostly one draw at a time, so that draws run to the end.
            let wf0 = net.replica(0).workflow
            let open = wf0.draws.values.contains { ["awaiting_commits", "awaiting_reveals"].contains(wf0.drawStatus(of: $0).status) }
            guard !pool.isEmpty, request || !open || Int.random(in: 0..<8, using: &rng) == 0 else { return }
            var parts = ["d0", "d1", "d2"].filter { _ in Bool.random(using: &rng) }
            if parts.count < 2 { parts = ["d0", "d\(Int.random(in: 1...2, using: &rng))"] }
            var body: [String: JSONValue] = ["topic": .string("抽取 \(step)"), "field": "环境影响评价", "candidates": .array(pool.map { .string($0.hex) }),
                                             "participants": .array(parts.map { .string($0) })]
            var eligible = pool.count
            if pool.count >= 2, Bool.random(using: &rng) {
                body["excluded"] = [["expert": .string(pool[Int.random(in: 0..<pool.count, using: &rng)].hex), "reason": "利害关系"]]
                eligible -= 1
            }
            body["count"] = .int(Int64(Int.random(in: 1...min(2, eligible), using: &rng)))
            net.write(0, kind: WorkflowKinds.drawRequest, body: .object(body), at: t)
        case 2, 3:
            // A participant of the bureau's oldest unfinished draw acts on what reached it.
            let wf0 = net.replica(0).workflow
            guard let q = wf0.draws.values.filter({ wf0.drawStatus(of: $0).status.hasPrefix("awaiting") }).min(by: { ($0.act.time, $0.act.id) < ($1.act.time, $1.act.id) }),
                  let p = q.body.participants.randomElement(using: &rng), let r = Int(p.dropFirst()) else { return }
            if r > 0 { net.sync(from: 0, to: r) }
            let d = net.replica(r).workflow.draws[q.act.id]!
            if !d.commits.contains(where: { $0.department == p }) {
                net.write(r, kind: WorkflowKinds.drawCommit, body: ["request": .string(d.act.id.hex),
                                                                    "commitment": .string(ExpertDraw.commitment(request: d.act.id, nonce: nonce(r, d.act.id)).hex)], at: t)
                return
            }
            // The other participants' commitments reach the revealer first.
            for o in 0...2 where o != r { net.sync(from: o, to: r) }
            let held = net.replica(r).workflow.draws[q.act.id]!
            guard !held.reveals.contains(where: { $0.department == p }),
                  held.body.participants.allSatisfy({ x in held.commits.filter { $0.department == x }.count == 1 }) else { return }
            net.write(r, kind: WorkflowKinds.drawReveal, body: ["request": .string(d.act.id.hex), "nonce": .string(nonce(r, d.act.id).hex),
                                                                "commits": .array(held.commits.map(\.id).sorted().map { .string($0.hex) })], at: t)
        default:
            guard let e = net.replica(0).workflow.experts.values.filter({ $0.act.department == "d0" && $0.retired.isEmpty }).min(by: { $0.act.id < $1.act.id }),
                  Bool.random(using: &rng) else { return }
            net.write(0, kind: WorkflowKinds.expertRetire, body: ["expert": .string(e.act.id.hex), "reason": "退休"], at: t)
        }
    }

    /// One step of R11, R14, R15 or R17, each valid for what its author holds.
    static func laterRuleStep(_ net: inout TestNetwork, _ rng: inout SeededRNG, step: Int, at t: Int64, staff: [Digest],
                              officers: [Int: Digest], letter: JSONValue) {
        let today = ChinaStandardTime.civilDate(atMillis: t)
        let wf0 = net.replica(0).workflow
        let r = Int.random(in: 1...2, using: &rng)
        let mine = net.replica(r).workflow
        switch Int.random(in: 0..<8, using: &rng) {
        case 0:   // R14 notice, a few days ahead
            let visit = today.adding(days: Int.random(in: 2...6, using: &rng))
            net.write(0, kind: WorkflowKinds.inspectionNotice, body: ["to": .string("d\(r)"), "visitDate": .string(visit.iso), "place": "现场",
                                                                      "subject": .string("核查 \(step)")], at: t)
        case 1:   // R14 report, on or after the visit
            if let i = wf0.inspections.values.filter({ $0.reports.isEmpty && $0.body.visitDate <= today }).min(by: { $0.act.id < $1.act.id }) {
                net.write(0, kind: WorkflowKinds.inspectionReport, body: ["notice": .string(i.act.id.hex), "findings": "一致"], at: t)
            }
        case 2:   // R14 countersign by the department notified
            for i in mine.inspections.values.sorted(by: { $0.act.id < $1.act.id }) where i.body.to == "d\(r)" {
                guard let rep = i.reports.first(where: { $0.countersigns.isEmpty }) else { continue }
                net.write(r, kind: WorkflowKinds.inspectionCountersign, body: ["report": .string(rep.act.id.hex), "agree": .bool(Bool.random(using: &rng)),
                                                                               "text": "意见"], at: t)
                break
            }
        case 3:   // R17: an approval whose push asks d1 for the certificate
            let a = net.write(0, kind: WorkflowKinds.approval, body: approval(extra: ["licenceNo": .string("CERT\(step)"), "staff": .string(staff[0].hex)]), at: t)
            net.write(0, kind: WorkflowKinds.push, body: ["record": .string(a.id.hex), "to": "d1",
                                                          "certificate": ["workingDays": .int(Int64.random(in: 1...5, using: &rng)), "basis": "法定时限"]], at: t + 1000)
        case 4:   // R17: d1 issues a certificate it was asked for
            let mine1 = net.replica(1).workflow
            if let p = mine1.pushes.values.filter({ $0.body.to == "d1" && $0.body.certificate != nil && $0.certificates.isEmpty })
                .min(by: { $0.act.id < $1.act.id }) {
                if p.claims.isEmpty { net.write(1, kind: WorkflowKinds.claim, body: ["push": .string(p.act.id.hex)], at: t) }
                if Bool.random(using: &rng) {
                    net.write(1, kind: WorkflowKinds.certificate, body: ["push": .string(p.act.id.hex), "certificateNo": .string("C\(step)")], at: t + 1000)
                }
            }
        case 5:   // R11: a 告知承诺 approval promised a few days out
            var o = approval(commitment: true, extra: ["licenceNo": .string("PROM\(step)"), "commitmentLetter": letter]).objectValue!
            o["decisionDate"] = .string(today.iso); o["promisedDate"] = .string(today.adding(days: Int.random(in: 0...5, using: &rng)).iso)
            net.write(0, kind: WorkflowKinds.approval, body: .object(o), at: t)
        case 6:   // R11: a verification, kept or broken with a rectification period
            if let a = wf0.approvals.values.filter({ $0.body.promisedDate != nil }).randomElement(using: &rng) {
                var b: [String: JSONValue] = ["approval": .string(a.act.id.hex), "findings": "核查"]
                if Bool.random(using: &rng) { b["result"] = "kept" } else {
                    b["result"] = "broken"; b["cureBy"] = .string(today.adding(days: Int.random(in: 1...20, using: &rng)).iso)
                }
                net.write(0, kind: WorkflowKinds.verification, body: .object(b), at: t)
            }
        default:  // R15: a request a few days ahead, or the officer named for one held
            if let q = mine.liaisons.values.filter({ $0.body.to == "d\(r)" && $0.appointments.isEmpty }).min(by: { $0.act.id < $1.act.id }),
               let officer = officers[r], Bool.random(using: &rng) {
                net.write(r, kind: WorkflowKinds.liaisonAppoint, body: ["request": .string(q.act.id.hex), "officer": .string(officer.hex)], at: t)
            } else {
                net.write(0, kind: WorkflowKinds.liaisonRequest, body: ["to": .string("d\(r)"), "neededOn": .string(today.adding(days: Int.random(in: 1...5, using: &rng)).iso),
                                                                        "purpose": "联合勘验"], at: t)
            }
        }
    }
}

extension TestNetwork {
    /// Author `b` signs a witness of the heads it holds, recording a head
    /// declaration that author `a` signed of its own chain at `at` − 500 ms.
    @discardableResult
    public mutating func witness(_ b: Int, declarationBy a: Int, at: Int64) -> VerifiedOp {
        let view = replica(b)
        var heads = [PublicKey: VerifiedOp]()
        for op in view.held.values where (heads[op.header.author].map { ($0.header.seq, $0.id) < (op.header.seq, op.id) } ?? true) {
            heads[op.header.author] = op
        }
        let declarer = keys[a].publicKey
        let own = replica(a).held.values.filter { $0.header.author == declarer }.max { $0.header.seq < $1.header.seq }
        let decl = HeadDeclaration.sign(key: keys[a], seq: own?.header.seq ?? 0, id: own?.id, time: at - 500)
        let body = WitnessOps.body(heads: heads.values.map { ($0.header.author.base64url, $0.header.seq, $0.id.hex) }, declarations: [decl])
        return write(b, kind: WitnessOps.kind, body: body, at: at)
    }
}
