import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

/// The history and verdicts of one item (`status`): a licence, push,
/// supervision record, revocation request or inquiry, as JSON (RFC 3339
/// instants) and as the lines a clerk reads (limits as `10-09 24:00 周五`).
public struct ItemReport: Sendable {
    public private(set) var json: JSONValue = .null
    public private(set) var lines: [String] = []
    /// The projection and judging context the report was read from (the
    /// web interface renders its own page from them).
    public let workflow: Workflow
    public let context: JudgeContext
    public let id: Digest

    public init(wf: Workflow, ctx: JudgeContext, id: Digest) throws {
        workflow = wf; context = ctx; self.id = id
        let now = ctx.now
        func who(_ a: Workflow.Act) -> String { ItemReport.who(wf, a, now: now) }
        if let a = wf.approvals[id] {
            let pushes = try wf.pushStatuses(of: id, ctx)
            let reqs = wf.requests.values.filter { $0.body.approval == id }.sorted { $0.act.id < $1.act.id }
            let sup = wf.supervision.values.filter { $0.body.approval == id }.sorted { $0.act.id < $1.act.id }
            let contact = wf.fieldValues(id, field: "contact").map(\.value)
            json = .object(["kind": "licence", "approval": wf.actJSON(a.act), "licenceNo": .string(a.body.licenceNo),
                            "item": .string(a.body.itemName), "applicant": .string(a.body.applicantName),
                            "creditCode": .string(a.body.creditCode.value), "status": .string(wf.licenceStatus(id)),
                            "contact": .array(contact.map { .string($0) }),
                            "alerts": .array(a.body.alerts.map { .string($0.hex) }),
                            "pushes": .array(pushes.map { wf.json($0) }),
                            "requests": .array(reqs.map { r in .object(["request": wf.actJSON(r.act), "decisions": .array(r.decisions.map { wf.actJSON($0) })]) }),
                            "supervision": .array(sup.map { wf.actJSON($0.act) })])
            lines.append("许可 licence \(a.body.licenceNo) · \(a.body.itemName) · \(a.body.applicantName) (\(a.body.creditCode.value)) · status \(wf.licenceStatus(id))")
            lines.append("  \(who(a.act))  issued (R1)\(a.body.alerts.isEmpty ? "" : "  ⚠ warning-list alert (R9)")")
            if contact.count > 1 { lines.append("  ⚠ contact has \(contact.count) concurrent values: \(contact.joined(separator: " | "))") }
            if let v = try wf.verificationStatus(of: a, ctx) {
                lines += Self.verificationLines(wf, a, v, now: now)
                if var o = json.objectValue { o["verification"] = Workflow.json(v.verdict); o["revocationDue"] = .bool(v.revocationDue); json = .object(o) }
            }
            if let c = wf.boundaryCheck(of: id) {
                lines += Self.boundaryLines(wf, c)
                if var o = json.objectValue { o["boundary"] = wf.json(c); json = .object(o) }
            }
            for p in pushes { lines += Self.pushLines(wf, p, now: now) }
            for s in sup { lines.append("  \(who(s.act))  supervision \(s.body.category): \(s.body.summary) (R6)") }
            for r in reqs {
                lines.append("  \(who(r.act))  requests \(r.body.action): \(r.body.basis) (R10)")
                for d in r.decisions { lines.append("  \(who(d))  \(Self.decisionText(d))") }
            }
        } else if let p = wf.pushes[id] {
            let st = try wf.status(of: p, ctx)
            json = wf.json(st)
            lines = Self.pushLines(wf, st, now: now)
        } else if let r = wf.requests[id] {
            json = .object(["kind": "revocation.request", "request": wf.actJSON(r.act), "approval": .string(r.body.approval.hex),
                            "action": .string(r.body.action), "basis": .string(r.body.basis),
                            "decisions": .array(r.decisions.map { wf.actJSON($0) }),
                            "licenceStatus": .string(wf.licenceStatus(r.body.approval))])
            lines.append("revocation request (R10): \(r.body.action) · \(wf.title(ofRecord: r.body.approval))")
            lines.append("  \(who(r.act))  asks: \(r.body.basis)")
            if r.decisions.isEmpty { lines.append("  awaiting the bureau's decision") }
            for d in r.decisions { lines.append("  \(who(d))  \(Self.decisionText(d))") }
            lines.append("  licence status: \(wf.licenceStatus(r.body.approval))")
        } else if let q = wf.inquiries[id] {
            let st = try wf.status(of: q, ctx)
            json = wf.json(st)
            lines.append("函询 inquiry (R12): \(q.body.subject) → \(wf.name(of: q.body.to))")
            lines.append("  \(who(q.act))  asks: \(q.body.question)")
            for r in q.replies { lines.append("  \(who(r))  replies: \(r.op.body?["text"]?.stringValue ?? "")") }
            lines.append("  \(ClerkWords.status(st.label)) · limit \(ClerkTime.limit(st.verdict.due, now: now))\(ClerkWords.provisional(st.verdict)) · \(ClerkWords.evidence(st.verdict, now: now))")
            if st.verdict.outcome == .lapsed {
                lines.append(st.isFinal ? "  final: \(wf.name(of: q.body.to))'s chain was seen by another department at \(st.finalBy.map { ClerkTime.instant($0.time, now: now) } ?? "?"), past the limit plus grace, with no reply"
                                        : "  provisional: final once \(wf.name(of: q.body.to))'s chain is witnessed past the limit plus grace with no reply in it")
            }
            if let resp = st.responsible { lines.append("  responsible: \(wf.name(of: resp)) (R12)") }
        } else if let l = wf.liaisons[id] ?? wf.liaisons.values.first(where: { $0.appointments.contains { $0.id == id } }) {
            (json, lines) = Self.liaison(wf, l, ctx)
        } else if let n = wf.inspections[id].map({ _ in id }) ?? wf.inspectionOf[id], let i = wf.inspections[n] {
            (json, lines) = Self.inspection(wf, i, ctx)
        } else if let n = wf.reviews[id].map({ _ in id }) ?? wf.reviewOf[id], let r = wf.reviews[n] {
            (json, lines) = Self.review(wf, r, ctx)
        } else if let d = wf.draws[id] {
            (json, lines) = Self.draw(wf, d, ctx)
        } else if let n = wf.notices[id] ?? wf.notices.values.first(where: { $0.acks.contains { $0.id == id } }) {
            (json, lines) = Self.notice(wf, n, ctx)
        } else if let s = wf.supervision[id] {
            let pushes = try wf.pushStatuses(of: id, ctx)
            json = .object(["kind": "supervision.record", "record": wf.actJSON(s.act), "category": .string(s.body.category),
                            "pushes": .array(pushes.map { wf.json($0) })])
            lines.append("supervision \(s.body.category) · \(s.body.subjectName ?? "") \(s.body.creditCode?.value ?? "") · \(s.body.summary) (R6, R8)")
            lines.append("  \(who(s.act))  recorded; published \(s.body.publishedDate.iso)")
            for p in pushes { lines += Self.pushLines(wf, p, now: now) }
        } else {
            throw ReplicaError("status.not_an_item", "\(id.hex.prefix(12))… is not a licence, push, supervision record, revocation request or inquiry.",
                               zh: "\(id.hex.prefix(12))… 不是许可、推送、监管记录、撤销申请或函询。")
        }
    }

    /// A notice (R19): what was sent to whom, its limit, who acknowledged.
    static func notice(_ wf: Workflow, _ n: Workflow.Notice, _ ctx: JudgeContext) -> (JSONValue, [String]) {
        let now = ctx.now, v = wf.noticeVerdict(of: n, ctx)
        var lines = ["通知 notice (R19): \(ClerkWords.noticeCategory(n.body.category)) · \(n.body.title) · \(n.body.date.iso)\(n.body.place.map { " · \($0)" } ?? "")\(n.body.itemCode.map { " · 事项 \($0)" } ?? "")"]
        lines.append("  \(who(wf, n.act, now: now))  sends it to \(n.body.to.map { wf.name(of: $0) }.joined(separator: "、"))")
        lines.append("    R19 limit \(ClerkTime.limit(v.due, now: now)) (\(n.body.isSameDay ? "同时发 with the document" : "提前 beforehand")): \(ClerkWords.sentLimit(v))\(ClerkWords.provisional(v))")
        for a in n.acks { lines.append("  \(who(wf, a, now: now))  acknowledges it") }
        if !n.waiting.isEmpty { lines.append("    awaiting acknowledgement: \(n.waiting.map { wf.name(of: $0) }.joined(separator: "、"))") }
        var o: [String: JSONValue] = ["kind": "notice", "notice": wf.actJSON(n.act), "category": .string(n.body.category), "title": .string(n.body.title),
                                      "date": .string(n.body.date.iso), "to": .array(n.body.to.map { .string($0) }), "limit": Workflow.json(v),
                                      "acks": .array(n.acks.map { wf.actJSON($0) }), "waiting": .array(n.waiting.map { .string($0) })]
        if let c = n.body.itemCode { o["itemCode"] = .string(c) }
        return (.object(o), lines)
    }

    /// R18: the boundary list's entry for the licence's item when it was
    /// issued, and any push it names that was not made or made to a
    /// department it does not name.
    static func boundaryLines(_ wf: Workflow, _ c: Workflow.BoundaryCheck) -> [String] {
        var lines = c.entries.map { e in
            "  边界清单 boundary list (R18): 第\(wf.boundaryVersion(e.act.id))版 · 推送 \(e.body.regulators.map { wf.name(of: $0) }.joined(separator: "、")) · \(e.body.pushMethod) · \(e.body.office)"
        }
        if c.conflict { lines.append("    ⚠ 清单有 \(c.entries.count) 个并存版本 concurrent versions of the entry: the bureau must issue one that supersedes them") }
        if !c.missing.isEmpty { lines.append("    ⚠ 清单列明但未推送 listed but not pushed to: \(c.missing.map { wf.name(of: $0) }.joined(separator: "、")) (R1, R18)") }
        if !c.unlisted.isEmpty { lines.append("    ⚠ 推送对象不在清单中 pushed to a department the list does not name: \(c.unlisted.map { wf.name(of: $0) }.joined(separator: "、")) (R18)") }
        if c.matches { lines.append("    → 与清单一致 pushed as the list says") }
        return lines
    }

    /// A joint inspection (R14): the notice and its R14 verdict, the report
    /// and who countersigned it.
    static func inspection(_ wf: Workflow, _ i: Workflow.Inspection, _ ctx: JudgeContext) -> (JSONValue, [String]) {
        let now = ctx.now
        let v = wf.noticeVerdict(of: i, ctx)
        var lines = ["联合勘验 joint inspection (R14): \(i.body.subject) · \(i.body.place) · visit \(i.body.visitDate.iso) → \(wf.name(of: i.body.to))"]
        lines.append("  \(who(wf, i.act, now: now))  announces it")
        if let v {
            lines.append("    R14 notice limit \(ClerkTime.limit(v.due, now: now)) (one working day ahead): \(ClerkWords.noticeLimit(v))\(ClerkWords.provisional(v))")
        }
        let officer = wf.liaisonOfficer(forNotice: i.act.id)
        if let officer { lines.append("    liaison officer (R15): \(wf.staffMembers[officer].map { "\($0.name) (\($0.staffNo))" } ?? officer.hex.prefix(12) + "…")") }
        for r in i.reports {
            lines.append("  \(who(wf, r.act, now: now))  reports: \(r.body.findings)\(r.body.result.map { " · \($0)" } ?? "") [\(r.act.id.hex.prefix(12))]")
            for c in r.countersigns {
                let agree = c.op.body?["agree"]?.boolValue == true
                let byOfficer = officer != nil && OpKinds.staffRef(c.op.body) == officer ? " (the liaison officer signs the record, R15)" : ""
                lines.append("  \(who(wf, c, now: now))  countersigns: \(agree ? "agrees" : "does not agree")\(c.op.body?["text"]?.stringValue.map { ": \($0)" } ?? "")\(byOfficer)")
            }
            lines.append("    → \(r.isJoint ? "联合报告 joint report signed by both departments" : "awaiting \(wf.name(of: i.body.to))'s countersignature")")
        }
        if i.reports.isEmpty { lines.append("    → awaiting the visit and the bureau's report") }
        var o: [String: JSONValue] = ["kind": "inspection", "notice": wf.actJSON(i.act), "to": .string(i.body.to),
                                      "visitDate": .string(i.body.visitDate.iso), "place": .string(i.body.place), "subject": .string(i.body.subject),
                                      "reports": .array(i.reports.map { r in .object(["report": wf.actJSON(r.act), "joint": .bool(r.isJoint),
                                                                                         "countersigns": .array(r.countersigns.map { wf.actJSON($0) })]) })]
        if let v { o["notice_limit"] = Workflow.json(v) }
        return (.object(o), lines)
    }

    /// A special review (R13): each participant's position, the outcome,
    /// the minutes and who acknowledged them.
    static func review(_ wf: Workflow, _ r: Workflow.Review, _ ctx: JudgeContext) -> (JSONValue, [String]) {
        let now = ctx.now, st = wf.status(of: r, ctx), end = Workflow.meetingEnd(r.body)
        var lines = ["专项审查 special review (R13): \(r.body.topic) · \(r.body.scope) · meeting \(r.body.meetingDate.iso)"]
        lines.append("  \(who(wf, r.act, now: now))  convenes \(r.body.participants.map { wf.name(of: $0) }.joined(separator: "、"))")
        lines.append("    opinions by \(ClerkTime.limit(end, now: now)); absent without reason or silent counts as consent")
        for p in st.positions {
            let said = p.opinion.map { o in " — \(who(wf, o, now: now))\(o.op.body?["text"]?.stringValue.map { ": \($0)" } ?? "")" } ?? ""
            lines.append("    \(wf.name(of: p.department)): \(ClerkWords.reviewPosition(p.label))\(said)")
        }
        lines.append("    → \(ClerkWords.reviewOutcome(st.outcome))")
        for m in r.minutes {
            let to = m.body.escalateTo.map { " → 报市政府决定 escalated to \(wf.name(of: $0))" } ?? ""
            lines.append("  \(who(wf, m.act, now: now))  minutes (\(m.body.outcome))\(to): \(m.body.text) [\(m.act.id.hex.prefix(12))]")
            if st.contradictedMinutes.contains(m.act.id) { lines.append("    ⚠ 纪要称一致同意，但有部门按时提出反对 the minutes say agreed over an objection made in time") }
            let acked = Set(m.acks.map(\.department))
            let waiting = m.recipients(r).filter { !acked.contains($0) }
            for a in m.acks { lines.append("  \(who(wf, a, now: now))  acknowledges the minutes") }
            if !waiting.isEmpty { lines.append("    awaiting acknowledgement: \(waiting.map { wf.name(of: $0) }.joined(separator: "、"))") }
        }
        if r.minutes.isEmpty { lines.append("    → awaiting the bureau's minutes") }
        let o: [String: JSONValue] = [
            "kind": "review", "review": wf.actJSON(r.act), "topic": .string(r.body.topic), "scope": .string(r.body.scope),
            "meetingDate": .string(r.body.meetingDate.iso), "outcome": .string(st.outcome),
            "positions": .array(st.positions.map { p in
                .object(["department": .string(p.department), "position": .string(p.label), "verdict": Workflow.json(p.verdict),
                         "opinion": p.opinion.map { .string($0.id.hex) } ?? .null])
            }),
            "minutes": .array(r.minutes.map { m in
                .object(["minutes": wf.actJSON(m.act), "outcome": .string(m.body.outcome), "escalateTo": m.body.escalateTo.map { .string($0) } ?? .null,
                         "contradicted": .bool(st.contradictedMinutes.contains(m.act.id)),
                         "acks": .array(m.acks.map { wf.actJSON($0) })])
            })]
        return (.object(o), lines)
    }

    /// An expert draw (R16): candidates, exclusions, who committed and
    /// revealed, the seed and whom it drew.
    static func draw(_ wf: Workflow, _ d: Workflow.DrawRequest, _ ctx: JudgeContext) -> (JSONValue, [String]) {
        let now = ctx.now, st = wf.drawStatus(of: d)
        func expert(_ id: Digest) -> String {
            wf.experts[id].map { "\($0.body.name) (\($0.body.expertNo), \($0.body.employer))" } ?? "\(id.hex.prefix(12))…"
        }
        var lines = ["专家抽取 expert draw (R16): \(d.body.topic) · \(d.body.field) · \(d.body.count) of \(d.body.eligible.count) eligible (\(d.body.candidates.count) candidates)"]
        lines.append("  \(who(wf, d.act, now: now))  requests; randomness from \(d.body.participants.map { wf.name(of: $0) }.joined(separator: "、"))")
        for e in d.body.excluded { lines.append("    回避 excluded: \(expert(e.expert)) — \(e.reason)") }
        for c in d.body.candidates where !(wf.experts[c]?.retired.isEmpty ?? true) {
            lines.append("    ⚠ candidate \(expert(c)) has been retired from the pool")
        }
        for c in d.commits { lines.append("  \(who(wf, c, now: now))  commits") }
        for r in d.reveals { lines.append("  \(who(wf, r, now: now))  reveals its secret") }
        switch st.status {
        case "drawn":
            lines.append("    → 抽取结果 drawn, seed \(st.seed?.hex.prefix(16) ?? "")…: " + st.selected.map(expert).joined(separator: "；"))
        case "void": lines.append("    → 抽取作废 void: \(st.reason ?? "")")
        default: lines.append("    → awaiting \(st.status == "awaiting_commits" ? "commitments" : "reveals") from \(st.waitingFor.map { wf.name(of: $0) }.joined(separator: "、"))")
        }
        let o: [String: JSONValue] = [
            "kind": "draw", "request": wf.actJSON(d.act), "topic": .string(d.body.topic), "field": .string(d.body.field), "count": .int(Int64(d.body.count)),
            "candidates": .array(d.body.candidates.map { .string($0.hex) }),
            "excluded": .array(d.body.excluded.map { .object(["expert": .string($0.expert.hex), "reason": .string($0.reason)]) }),
            "participants": .array(d.body.participants.map { .string($0) }),
            "commits": .array(d.commits.map { wf.actJSON($0) }), "reveals": .array(d.reveals.map { wf.actJSON($0) }),
            "draw": Workflow.json(st)]
        return (.object(o), lines)
    }

    /// R11: the promised date, the post-verification verdict, each
    /// verification and the rectification period.
    static func verificationLines(_ wf: Workflow, _ a: Workflow.Approval, _ v: Workflow.VerificationStatus, now: Int64) -> [String] {
        var out = ["  告知承诺 promised by \(a.body.promisedDate?.iso ?? "?") · R11 verification limit \(ClerkTime.limit(v.verdict.due, now: now)): \(ClerkWords.verification(v.verdict))"]
        for x in a.verifications {
            let b = x.op.body.flatMap { try? VerificationBody(json: $0) }
            out.append("  \(who(wf, x, now: now))  verifies: \(b?.kept == true ? "promise kept" : "promise broken, rectify by \(b?.cureBy?.iso ?? "?")") — \(b?.findings ?? "")")
        }
        if v.revocationDue { out.append("    ⚠ 整改期满仍未履行承诺：应依法撤销 the rectification period is over with the promise unmet: revocation due (R11, R10)") }
        else if let l = v.latest, !l.body.kept { out.append("    → rectification until \(l.body.cureBy?.iso ?? "?") 24:00, then verified again") }
        return out
    }

    /// A request for a liaison officer (R15) and who was named.
    static func liaison(_ wf: Workflow, _ l: Workflow.LiaisonRequest, _ ctx: JudgeContext) -> (JSONValue, [String]) {
        let now = ctx.now, v = wf.liaisonVerdict(of: l, ctx)
        var lines = ["联络员 liaison officer request (R15): \(l.body.purpose) · needed \(l.body.neededOn.iso) → \(wf.name(of: l.body.to))"]
        lines.append("  \(who(wf, l.act, now: now))  asks")
        lines.append("    R15 request limit \(ClerkTime.limit(v.due, now: now)) (a day ahead): \(ClerkWords.noticeLimit(v))")
        for a in l.appointments {
            let b = a.op.body.flatMap { try? LiaisonAppointBody(json: $0) }
            let m = b.flatMap { wf.staffMembers[$0.officer] }
            lines.append("  \(who(wf, a, now: now))  names officer \(m.map { "\($0.name) (\($0.staffNo)), in the department since \($0.validFrom.iso)" } ?? "?")\(b?.phone.map { " · \($0)" } ?? "")")
        }
        if l.appointments.isEmpty { lines.append("    → awaiting \(wf.name(of: l.body.to))'s officer") }
        let o: JSONValue = .object(["kind": "liaison.request", "request": wf.actJSON(l.act), "to": .string(l.body.to), "neededOn": .string(l.body.neededOn.iso),
                                    "purpose": .string(l.body.purpose), "limit": Workflow.json(v),
                                    "appointments": .array(l.appointments.map { a in
                                        var j = wf.actJSON(a).objectValue ?? [:]
                                        j["officer"] = a.op.body?["officer"] ?? .null
                                        return .object(j)
                                    })])
        return (o, lines)
    }

    /// "张三 (A001) · 市场监管局 · 10-09 10:00"
    public static func who(_ wf: Workflow, _ a: Workflow.Act, now: Int64) -> String {
        let ended = a.staff.flatMap { m in m.mayAct(atMillis: a.time) ? nil : m.endedOn }.map { " ⚠ 登记已于 \($0.iso) 终止" } ?? ""
        return "\(a.staff.map { "\($0.name) (\($0.staffNo))\(ended) · " } ?? "")\(wf.name(of: a.department)) · \(ClerkTime.instant(a.time, now: now))"
    }

    static func decisionText(_ d: Workflow.Act) -> String {
        let b = d.op.body.flatMap { try? RevocationDecisionBody(json: $0) }
        return "\(b?.grant == true ? "grants" : "declines"): \(b?.reason ?? "") (R10)"
    }

    /// The lines of one push: who pushed and claimed, the verdicts and their evidence.
    public static func pushLines(_ wf: Workflow, _ st: Workflow.PushStatus, now: Int64) -> [String] {
        var out = ["  \(who(wf, st.push.act, now: now))  pushes to \(wf.name(of: st.push.body.to))\(st.push.body.via == nil ? "" : " (relay, R5)") [\(st.push.act.id.hex.prefix(12))]"]
        if let pl = st.pushLimit { out.append("    \(pl.rule) push limit \(ClerkTime.limit(pl.due, now: now)): \(ClerkWords.pushLimit(pl))") }
        for c in st.push.claims { out.append("  \(who(wf, c, now: now))  claims (R3)") }
        for c in st.push.certificates { out.append("  \(who(wf, c, now: now))  issues certificate \(c.op.body?["certificateNo"]?.stringValue ?? "") (R17)") }
        if let c = st.certificate {
            out.append("    R17 certificate limit \(ClerkTime.limit(c.due, now: now)) (\(c.due.workingDays) 工作日, \(st.push.body.certificate?.basis ?? "")): \(ClerkWords.certificate(c))")
        }
        for f in st.push.feedback { out.append("  \(who(wf, f, now: now))  feedback (R4): \(f.op.body?["text"]?.stringValue ?? "")") }
        out.append("    → \(ClerkWords.status(st.label)) · \(st.claim.rule) limit \(ClerkTime.limit(st.claim.due, now: now)) (\(st.claim.due.workingDays) 工作日) · \(st.claim.basis.rawValue)\(ClerkWords.provisional(st.claim))")
        out.append("      window from \(st.claim.start.map { $0.isWitnessed ? "\(ClerkTime.instant($0.hi, now: now)) (\($0.hiSource))" : "the bureau's own clock (not yet witnessed)" } ?? "?")")
        out.append("      evidence: \(ClerkWords.evidence(st.claim, now: now))")
        if let r = st.responsible { out.append("    responsible: \(wf.name(of: r)) (\(st.claim.rule), R24)") }
        return out
    }
}

/// Words for statuses and outcomes, in Chinese and English with the rule id.
public enum ClerkWords {
    /// Department names as a clerk finds them in a list: by pinyin (the
    /// zh_CN collation; presentation only, never part of what is signed or
    /// judged), ties by code points, then by id.
    public static func chineseOrder(_ list: [(id: String, name: String)]) -> [(id: String, name: String)] {
        let zh = Locale(identifier: "zh_CN")
        return list.sorted { a, b in
            switch a.name.compare(b.name, locale: zh) {
            case .orderedAscending: return true
            case .orderedDescending: return false
            case .orderedSame:
                if a.name.unicodeScalars.elementsEqual(b.name.unicodeScalars) { return a.id < b.id }
                return a.name.unicodeScalars.lexicographicallyPrecedes(b.name.unicodeScalars)
            }
        }
    }

    static let statuses: [String: String] = [
        "pending": "待认领 pending", "claimed_on_time": "按时认领 claimed on time", "claimed_late": "逾期认领 claimed late",
        "auto_claimed": "超时自动认领 auto-claimed at the limit", "awaiting_reply": "待回复 awaiting reply", "consented": "同意 consented",
        "objected": "不同意 objected", "deemed_consent": "视为同意 deemed consent",
        "claimed_awaiting_witness": "已认领待见证 claimed, awaiting a witness", "replied_awaiting_witness": "已回复待见证 replied, awaiting a witness",
        "awaiting_decision": "待办理 awaiting decision", "decided": "已办理 decided",
        "awaiting_report": "待出具报告 awaiting the report", "reported": "已出具报告 reported",
        "awaiting_countersign": "待会签 awaiting countersignature", "countersigned": "已会签 countersigned",
        "awaiting_officer": "待指派 awaiting an officer", "appointed": "已指派 appointed",
        "awaiting_verification": "待核查 awaiting verification", "promise_kept": "承诺已履行 promise kept",
        "rectifying": "整改中 rectifying", "revocation_due": "应撤销 revocation due",
        "open": "审查中 under review", "agreed": "意见一致 agreed", "disagreement": "未达成一致 no agreement",
        "minutes_agreed": "已印发纪要 minutes issued", "minutes_escalated": "已报市政府 escalated",
        "awaiting_commits": "待提交承诺值 awaiting commitments", "awaiting_reveals": "待公开随机数 awaiting reveals",
        "drawn": "已抽取 drawn", "void": "已作废 void",
        "awaiting_acknowledgement": "待确认收悉 awaiting acknowledgement", "acknowledged": "已确认收悉 acknowledged",
    ]
    public static func status(_ label: String) -> String { statuses[label] ?? label }

    /// A verdict's evidence as the clerk's lines print it: instants as
    /// `10-09 23:10 周五`, limits as `10-09 24:00 周五` (the JSON keeps the
    /// verdict's own RFC 3339 sentence).
    public static func evidence(_ v: Verdict, now: Int64) -> String {
        func at(_ t: Int64) -> String { ClerkTime.instant(t, now: now) }
        let limit = ClerkTime.limit(v.due, now: now)
        guard let b = v.actBounds else {
            return v.outcome == .lapsed ? "no act held by the limit \(limit)" : "no act yet; the limit ends \(limit)"
        }
        switch v.basis {
        case .provenOnTime: return "existed by \(at(b.hi)) (\(b.hiSource)), before the limit \(limit)"
        case .provenLate: return "created no earlier than \(at(b.lo)) (\(b.loSource)), after the limit \(limit)"
        case .straddleOnTime: return "dated \(at(b.own)) by its author, witnessed \(at(b.hi)) (\(b.hiSource)): within the grace period after \(limit)"
        case .unwitnessed: return "dated \(at(b.own)) by its author, before the limit \(limit); awaiting another department's witness"
        case .straddleLate where b.isWitnessed:
            return "dated \(at(b.own)) by its author, first witnessed \(at(b.hi)) (\(b.hiSource)): beyond the limit \(limit) and its grace period"
        case .straddleLate: return "dated \(at(b.own)) by its author, not witnessed by another department within the grace period after \(limit)"
        case .noActYet, .noActByLimit: return v.evidence
        }
    }

    /// The Chinese words alone (the web interface).
    public static func statusChinese(_ label: String) -> String { statuses[label].map(chinese) ?? label }

    /// The Chinese half of these bilingual words ("按时推送 pushed in time" → "按时推送").
    public static func chinese(_ words: String) -> String { String(words.prefix { $0 != " " }) }

    static let actions = ["claim": "认领 claim", "reply": "回复 reply", "decide": "办理 decide",
                          "inspect": "勘验 inspect", "countersign": "会签 countersign", "certify": "配发证照 certify",
                          "appoint": "指派联络员 appoint", "verify": "核查承诺 verify", "reverify": "复查整改 reverify",
                          "opine": "审查意见 opinion", "conclude": "印发纪要 minutes", "acknowledge": "签收纪要 acknowledge",
                          "commit": "提交承诺值 commit", "reveal": "公开随机数 reveal"]
    public static func action(_ a: String) -> String { actions[a] ?? a }

    /// Said after a limit judged on the provisional rule (§4.2).
    public static func provisional(_ v: Verdict) -> String {
        v.provisional ? " · 暂定：该年度官方日历未发布，按周末推算 provisional (no official calendar for that year yet)" : ""
    }

    /// An R11 post-verification verdict.
    public static func verification(_ v: Verdict) -> String {
        switch v.outcome {
        case .open: "待核查 to be verified"
        case .onTime: "按时核查 verified in time"
        case .late: "逾期核查 verified LATE"
        case .lapsed: "逾期未核查 NOT verified by the limit"
        case .awaitingWitness: "待见证 verified in time, awaiting a witness"
        }
    }

    /// An R17 certificate verdict.
    public static func certificate(_ v: Verdict) -> String {
        switch v.outcome {
        case .open: "待配发 to be issued"
        case .onTime: "按时配发 issued in time"
        case .late: "逾期配发 issued LATE"
        case .lapsed: "逾期未配发 NOT issued by the limit"
        case .awaitingWitness: "待见证 issued in time, awaiting a witness"
        }
    }

    /// Where a participant stands on a special review (R13).
    public static func reviewPosition(_ label: String) -> String {
        ["agreed": "同意 agrees", "objected": "反对 objects", "excused": "请假缺席 absent with a reason",
         "deemed_consent": "视为同意 deemed to consent (absent or silent by the meeting day's end)",
         "awaiting_witness": "已发表意见，待见证 opinion given, awaiting a witness", "awaiting": "待发表意见 awaiting its opinion"][label] ?? label
    }

    /// A special review's outcome (R13).
    public static func reviewOutcome(_ o: String) -> String {
        ["agreed": "意见一致 agreement", "disagreement": "未达成一致：报市政府决定 no agreement: escalate to the city government",
         "open": "审查中 opinions still open"][o] ?? o
    }

    /// An R14 notice verdict: one working day ahead, too late, or not yet witnessed.
    public static func noticeLimit(_ v: Verdict) -> String {
        switch v.outcome {
        case .onTime: "按时通知 notified in time"
        case .late, .lapsed: "通知过迟 notified LATER than one working day ahead"
        case .awaitingWitness, .open: "待见证 dated in time, awaiting a witness"
        }
    }

    /// An R19 notice's limit: sent in time, too late, or awaiting a witness.
    public static func sentLimit(_ v: Verdict) -> String {
        switch v.outcome {
        case .onTime: "按时发送 sent in time"
        case .late, .lapsed: "发送过迟 sent LATE"
        case .awaitingWitness, .open: "待见证 dated in time, awaiting a witness"
        }
    }

    /// What an R19 notice is about.
    public static func noticeCategory(_ c: String) -> String {
        ["document": "文件 document", "meeting": "会议 meeting", "training": "培训 training", "itemAdded": "新增事项 item added",
         "itemRemoved": "删减事项 item removed", "itemChanged": "调整事项 item changed"][c] ?? c
    }

    /// A push-limit verdict (R7, R20): within, after, or not yet settled (no
    /// witness yet: never a false "late").
    public static func pushLimit(_ v: Verdict) -> String {
        switch v.outcome {
        case .onTime: "按时推送 pushed in time"
        case .late, .lapsed: "逾期推送 pushed AFTER the limit"
        case .awaitingWitness: "待见证 dated within the limit, awaiting a witness"
        case .open: "未推送 not pushed yet"
        }
    }
}
