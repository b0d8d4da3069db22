import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// A special review to convene (R13 专项审查).
public struct ReviewRequest: Sendable {
    public var topic: String
    /// One of `ReviewConveneBody.scopes`.
    public var scope: String
    /// The departments reviewing (any order; repeats are dropped).
    public var participants: [String]
    public var meetingDate: CivilDate
    /// The licence concerned: id, prefix or licence number.
    public var approval: String?
    public var staff: String?
    public init(topic: String, scope: String, participants: [String], meetingDate: CivilDate) {
        self.topic = topic; self.scope = scope; self.participants = participants; self.meetingDate = meetingDate
    }
}

extension Clerk {
    /// Convenes a special review of named departments on a meeting day
    /// (bureau only, R13): each gives its opinion by the end of that day;
    /// silence counts as consent.
    public func conveneReview(_ r: ReviewRequest) throws(ReplicaError) -> ActResult {
        let approval = try r.approval.map { a throws(ReplicaError) in try resolve(a, kind: WorkflowKinds.approval, what: "an approval", zh: "审批（许可）") }
        return try run {
            guard ReviewConveneBody.scopes.contains(r.scope) else {
                throw ReplicaError("review.scope", "--scope must be one of \(ReviewConveneBody.scopes.joined(separator: ", ")). Nothing was written.",
                                   zh: "--scope 须为 \(ReviewConveneBody.scopes.joined(separator: "、")) 之一。未写入任何内容。")
            }
            let participants = Array(Set(r.participants)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            guard (1...ReviewConveneBody.maxParticipants).contains(participants.count) else {
                throw ReplicaError("review.participants", "A special review names 1 to \(ReviewConveneBody.maxParticipants) participating departments (--participant). Nothing was written.",
                                   zh: "专项审查须列明 1 至 \(ReviewConveneBody.maxParticipants) 个参审部门（--participant）。未写入任何内容。")
            }
            for p in participants {
                try checkDepartment(p)
                guard Permissions.refusal(kind: WorkflowKinds.reviewOpinion, role: roster.departments[p]?.role, isRoot: false) == nil else {
                    throw ReplicaError("review.not_participant", "\(roster.departments[p]?.name ?? p) cannot take part: participants are the departments that give opinions (regulators, enforcement, credit), not the convening bureau (R13). Nothing was written.",
                                       zh: "\(roster.departments[p]?.name ?? p) 不能作为参审部门：参审部门须为发表意见的行业主管部门，不含召集的审批局（R13）。未写入任何内容。")
                }
            }
            let end = Workflow.meetingEnd(day: r.meetingDate)
            guard now < end.deadlineMillis else {
                throw ReplicaError("review.meeting_past", "The meeting day \(r.meetingDate.iso) is over: convene the review for today or a later day. Nothing was written.",
                                   zh: "会议日期 \(r.meetingDate.iso) 已过：请定于今日或之后召开。未写入任何内容。")
            }
            var body: [String: JSONValue] = ["topic": .string(r.topic), "scope": .string(r.scope),
                                             "participants": .array(participants.map { .string($0) }), "meetingDate": .string(r.meetingDate.iso)]
            if let approval { body["approval"] = .string(approval.id.hex) }
            _ = try ReviewConveneBody(json: .object(body))
            let op = try append(WorkflowKinds.reviewConvene, body, staff: try staffID(r.staff))
            let names = participants.map { roster.departments[$0]?.name ?? $0 }.joined(separator: "、")
            return ActResult(op: op, json: .object(["review": .string(op.id.hex), "participants": .array(participants.map { .string($0) }),
                                                    "opinionLimit": .string(ChinaStandardTime.rfc3339CST(millis: end.deadlineMillis))]),
                             text: "review \(op.id.hex)  \(names) give their opinions by \(ClerkTime.limit(end, now: now)); silence counts as consent (R13)")
        }
    }

    /// Gives this department's opinion on a special review it takes part in
    /// (R13): agree, object (with reasons) or absent (with the reason).
    /// Once. Given after the meeting day it is recorded but does not count.
    public func giveOpinion(_ review: String, position: String, text: String?, staff: String?) throws(ReplicaError) -> ActResult {
        let q = try resolve(review, kind: WorkflowKinds.reviewConvene, what: "a special review", zh: "专项审查")
        return try run {
            guard ReviewOpinionBody.positions.contains(position) else {
                throw ReplicaError("review.position", "The position is agree, object or absent. Nothing was written.", zh: "意见须为 agree（同意）、object（反对）或 absent（缺席）。未写入任何内容。")
            }
            guard position == "agree" || !(text ?? "").isEmpty else {
                throw ReplicaError("review.reasons", "Objecting needs your reasons, and an absence its reason (--text): an absence without reason counts as consent. Nothing was written.",
                                   zh: "反对须写明理由，缺席须说明原因（--text）：无故缺席视为同意。未写入任何内容。")
            }
            let (dept, now) = (department, self.now)
            var body: [String: JSONValue] = ["review": .string(q.id.hex), "position": .string(position)]
            if let text, !text.isEmpty { body["text"] = .string(text) }
            _ = try ReviewOpinionBody(json: .object(body))
            let late = q.body.flatMap { try? ReviewConveneBody(json: $0) }.map { now >= Workflow.meetingEnd($0).deadlineMillis } ?? false
            let op = try append(WorkflowKinds.reviewOpinion, body, staff: try staffID(staff), checking: (q.id, { wf, _ in
                guard let r = wf.reviews[q.id] else { return }
                guard r.body.participants.contains(dept) else {
                    throw ReplicaError("workflow.not_addressee", "\(wf.name(of: dept)) is not a participant of this review (\(r.body.participants.map { wf.name(of: $0) }.joined(separator: ", "))) (R13). Nothing was written.",
                                       zh: "\(wf.name(of: dept)) 不是该专项审查的参审部门（R13）。未写入任何内容。")
                }
                if let o = r.opinions.first(where: { $0.department == dept }) {
                    throw ReplicaError("review.already_opined", "This department already gave its opinion (\(ItemReport.who(wf, o, now: now))). Nothing was written.",
                                       zh: "本部门已发表意见（\(ItemReport.who(wf, o, now: now))）。未写入任何内容。")
                }
            }))
            let words = ["agree": "agrees", "object": "objects", "absent": "is absent"][position] ?? position
            return ActResult(op: op, json: .object(["opinion": .string(op.id.hex), "review": .string(q.id.hex), "position": .string(position), "afterMeetingDay": .bool(late)]),
                             text: "opinion \(op.id.hex)  \(department) \(words)" + (late ? " · after the meeting day: it does not count, and the department is deemed to have consented (R13)" : " (R13)"))
        }
    }

    /// Issues the minutes of a review this bureau convened (R13): agreed,
    /// or escalated to the city government when an opinion objects. Once.
    public func issueMinutes(_ review: String, outcome: String, text: String, escalateTo: String?, staff: String?) throws(ReplicaError) -> ActResult {
        let q = try resolve(review, kind: WorkflowKinds.reviewConvene, what: "a special review", zh: "专项审查")
        return try run {
            guard (outcome == "escalated") == (escalateTo != nil), ["agreed", "escalated"].contains(outcome) else {
                throw ReplicaError("review.outcome", "The outcome is agreed, or escalated with --escalate-to (the city government's department). Nothing was written.",
                                   zh: "结论须为 agreed（一致同意），或 escalated 并以 --escalate-to 指明报请决定的市政府部门。未写入任何内容。")
            }
            if let to = escalateTo {
                try checkDepartment(to)
                guard Permissions.refusal(kind: WorkflowKinds.reviewAck, role: roster.departments[to]?.role, isRoot: false) == nil else {
                    throw ReplicaError("review.escalate_to", "\(roster.departments[to]?.name ?? to) cannot receive an escalation (R13). Nothing was written.",
                                       zh: "\(roster.departments[to]?.name ?? to) 不能接收报请决定（R13）。未写入任何内容。")
                }
            }
            let (dept, now) = (department, self.now)
            var body: [String: JSONValue] = ["review": .string(q.id.hex), "outcome": .string(outcome), "text": .string(text)]
            if let escalateTo { body["escalateTo"] = .string(escalateTo) }
            _ = try ReviewMinutesBody(json: .object(body))
            let op = try append(WorkflowKinds.reviewMinutes, body, staff: try staffID(staff), checking: (q.id, { wf, ctx in
                guard let r = wf.reviews[q.id] else { return }
                guard r.act.department == dept else {
                    throw ReplicaError("workflow.not_addressee", "The review was convened by \(wf.name(of: r.act.department)); only that bureau issues its minutes (R13). Nothing was written.",
                                       zh: "该专项审查由 \(wf.name(of: r.act.department)) 召集，只有该部门可以印发纪要（R13）。未写入任何内容。")
                }
                if let m = r.minutes.first {
                    throw ReplicaError("review.already_concluded", "This review already has its minutes (\(ItemReport.who(wf, m.act, now: now))). Nothing was written.",
                                       zh: "该专项审查已印发纪要（\(ItemReport.who(wf, m.act, now: now))）。未写入任何内容。")
                }
                guard outcome == "agreed" else { return }
                let s = wf.status(of: r, ctx)
                if let o = s.positions.first(where: { $0.objects }) {
                    throw ReplicaError("review.objection", "\(wf.name(of: o.department)) objects: without agreement the review is escalated to the city government (--outcome escalated --escalate-to …) (R13). Nothing was written.",
                                       zh: "\(wf.name(of: o.department)) 持反对意见：无法达成一致的，须报市政府决定（--outcome escalated --escalate-to …）（R13）。未写入任何内容。")
                }
                if let o = s.positions.first(where: { $0.label == "awaiting" }) {
                    throw ReplicaError("review.open", "\(wf.name(of: o.department)) has not given its opinion and the meeting day is not over: agreement is recorded after \(ClerkTime.limit(o.verdict.due, now: now)) or once every participant has answered (R13). Nothing was written.",
                                       zh: "\(wf.name(of: o.department)) 尚未发表意见且会议日未结束：须在 \(ClerkTime.limit(o.verdict.due, now: now)) 之后或各部门均已发表意见后方可记录一致意见（R13）。未写入任何内容。")
                }
            }))
            return ActResult(op: op, json: .object(["minutes": .string(op.id.hex), "review": .string(q.id.hex), "outcome": .string(outcome)]),
                             text: "minutes \(op.id.hex)  \(outcome == "agreed" ? "agreed" : "escalated to \(roster.departments[escalateTo!]?.name ?? escalateTo!)"), issued to every participant (R13)")
        }
    }

    /// Acknowledges minutes issued to this department (R13). Once.
    public func acknowledgeMinutes(_ minutes: String, staff: String?) throws(ReplicaError) -> ActResult {
        let m = try resolve(minutes, kind: WorkflowKinds.reviewMinutes, what: "review minutes", zh: "专项审查纪要")
        return try run {
            let (dept, now) = (department, self.now)
            let body: [String: JSONValue] = ["minutes": .string(m.id.hex)]
            let op = try append(WorkflowKinds.reviewAck, body, staff: try staffID(staff), checking: (m.id, { wf, _ in
                guard let n = wf.reviewOf[m.id], let r = wf.reviews[n], let mm = r.minutes.first(where: { $0.act.id == m.id }) else { return }
                guard mm.recipients(r).contains(dept) else {
                    throw ReplicaError("workflow.not_addressee", "These minutes were not issued to \(wf.name(of: dept)) (R13). Nothing was written.",
                                       zh: "该纪要未印发给 \(wf.name(of: dept))（R13）。未写入任何内容。")
                }
                if let a = mm.acks.first(where: { $0.department == dept }) {
                    throw ReplicaError("review.already_acknowledged", "This department already acknowledged them (\(ItemReport.who(wf, a, now: now))). Nothing was written.",
                                       zh: "本部门已签收该纪要（\(ItemReport.who(wf, a, now: now))）。未写入任何内容。")
                }
            }))
            return ActResult(op: op, json: .object(["ack": .string(op.id.hex), "minutes": .string(m.id.hex)]),
                             text: "acknowledged \(op.id.hex)  the minutes (R13)")
        }
    }
}
