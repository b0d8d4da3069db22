import ShenguanCalendar
import ShenguanCrypto

/// R13 (001 附件2 专项审查; 000 第十一条; 002 第九、十条): for a major item
/// the bureau convenes a special review of named departments on a meeting
/// day; each gives its opinion (agree, object with reasons, or absent with
/// a reason) by the end of that day, and a department absent without reason
/// or silent counts as consenting; the bureau issues minutes to every
/// participant (and, when there is no agreement, escalates to the city
/// government), and each acknowledges them.
public struct ReviewConveneBody: Equatable, Sendable {
    /// What makes the item major (001 附件2 一).
    public static let scopes = ["nationalSecurity", "ecology", "workSafety", "majorLayout", "strategicResources", "publicInterest", "other"]
    public static let maxParticipants = 16
    public let topic: String, scope: String, participants: [String], meetingDate: CivilDate, approval: Digest?
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.reviewConvene, json, allowed: ["topic", "scope", "participants", "meetingDate", "approval"])
        topic = try r.string("topic", max: 200); scope = try r.oneOf("scope", Self.scopes)
        participants = try r.departments("participants", max: Self.maxParticipants)
        meetingDate = try r.date("meetingDate")!; approval = try r.id("approval", optional: true)
    }
}

/// R13: a participant's opinion on a special review.
public struct ReviewOpinionBody: Equatable, Sendable {
    public static let positions = ["agree", "object", "absent"]
    public let review: Digest, position: String, text: String?
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.reviewOpinion, json, allowed: ["review", "position", "text"])
        review = try r.id("review")!; position = try r.oneOf("position", Self.positions); text = try r.text("text", optional: true)
        if position != "agree" && text == nil { throw r.bad("text", "is required when objecting (the reasons) or absent (the reason)") }
    }
}

/// R13: the minutes the convening bureau issues: agreed, or escalated to
/// the city government (`escalateTo`) when no agreement was reached.
public struct ReviewMinutesBody: Equatable, Sendable {
    public let review: Digest, outcome: String, text: String, escalateTo: String?
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.reviewMinutes, json, allowed: ["review", "outcome", "text", "escalateTo"])
        review = try r.id("review")!; outcome = try r.oneOf("outcome", ["agreed", "escalated"]); text = try r.string("text")
        escalateTo = json["escalateTo"] == nil ? nil : try r.department("escalateTo")
        if (outcome == "escalated") != (escalateTo != nil) { throw r.bad("escalateTo", "is given exactly when the outcome is escalated") }
    }
}

/// R13: a participant's (or the city government's) acknowledgement of minutes.
public struct ReviewAckBody: Equatable, Sendable {
    public let minutes: Digest
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.reviewAck, json, allowed: ["minutes"])
        minutes = try r.id("minutes")!
    }
}

extension Workflow {
    public struct Review: Sendable {
        public let act: Act
        public let body: ReviewConveneBody
        /// Opinions of the participants (a participant's earliest counts).
        public var opinions: [Act] = []
        public var minutes: [ReviewMinutes] = []
    }
    public struct ReviewMinutes: Sendable {
        public let act: Act
        public let body: ReviewMinutesBody
        /// Acknowledgements by the departments it was issued to.
        public var acks: [Act] = []
        /// Every participant, and the city government when escalated.
        public func recipients(_ r: Review) -> [String] { r.body.participants + (body.escalateTo.map { [$0] } ?? []) }
    }

    /// The end of the meeting day: the opinion limit of every participant.
    public static func meetingEnd(_ b: ReviewConveneBody) -> WorkingDayCalendar.Due { meetingEnd(day: b.meetingDate) }

    /// 24:00 CST of the meeting day.
    public static func meetingEnd(day: CivilDate) -> WorkingDayCalendar.Due {
        WorkingDayCalendar.Due(eventDay: day, workingDays: 0, lastDay: day,
                               deadlineMillis: ChinaStandardTime.startOfDayMillis(day.adding(days: 1)), countedDays: [])
    }

    /// Where one participant stands on a special review.
    public struct ReviewPosition: Sendable {
        public let department: String
        public let verdict: Verdict
        /// agreed, objected, excused (absent with a reason), deemed_consent
        /// (silent, or answering after the meeting day), awaiting_witness, awaiting.
        public let label: String
        /// The opinion that counts: given in time, or dated in time and
        /// awaiting a witness (nil otherwise).
        public let opinion: Act?
        /// An objection held that counts or may still count (dated in time, awaiting a witness).
        public var objects: Bool {
            (label == "objected" || label == "awaiting_witness") && opinion?.op.body?["position"]?.stringValue == "object"
        }
    }

    public struct ReviewStatus: Sendable {
        public let review: Review
        public let positions: [ReviewPosition]
        /// open, agreed (no objection, every position settled) or disagreement.
        public var outcome: String {
            if positions.contains(where: { $0.label == "objected" }) { return "disagreement" }
            let settled: Set<String> = ["agreed", "excused", "deemed_consent"]
            return positions.allSatisfy { settled.contains($0.label) } ? "agreed" : "open"
        }
        /// Minutes that say "agreed" over an objection made in time (a view's flag, not a refusal).
        public var contradictedMinutes: [Digest] {
            outcome == "disagreement" ? review.minutes.filter { $0.body.outcome == "agreed" }.map(\.act.id) : []
        }
    }

    /// Each participant's position, judged like R12: an opinion dated by the
    /// end of the meeting day counts (§4.3 evidence); none by then is consent.
    public func status(of r: Review, _ ctx: JudgeContext) -> ReviewStatus {
        let due = Self.meetingEnd(r.body)
        let grace = ctx.policyAt(r.act.time).graceMillis
        let positions = r.body.participants.map { d -> ReviewPosition in
            let mine = r.opinions.filter { $0.department == d }
            let first = earliest(mine, ctx)
            let v = Deadlines.decide(rule: "R13", due: due, act: first, graceMillis: grace, now: ctx.now)
            let opinion = mine.first { $0.id == first?.id }
            let label: String
            switch v.outcome {
            case .onTime:
                switch opinion?.op.body?["position"]?.stringValue {
                case "object": label = "objected"
                case "absent": label = "excused"
                default: label = "agreed"
                }
            case .late, .lapsed: label = "deemed_consent"
            case .awaitingWitness: label = "awaiting_witness"
            case .open: label = "awaiting"
            }
            return ReviewPosition(department: d, verdict: v, label: label,
                                  opinion: v.outcome == .onTime || v.outcome == .awaitingWitness ? opinion : nil)
        }
        return ReviewStatus(review: r, positions: positions)
    }

    /// R13 on a department's list: a review it takes part in and has given
    /// no opinion on, until the meeting day is over (`opine`); a review it
    /// convened without minutes (`conclude`, no limit); minutes issued to it
    /// that it has not acknowledged (`acknowledge`, no limit).
    func reviewItems(for department: String, now: Int64) -> [InboxItem] {
        var items = [InboxItem]()
        for r in reviews.values {
            let end = Self.meetingEnd(r.body)
            if r.body.participants.contains(department), !r.opinions.contains(where: { $0.department == department }), now < end.deadlineMillis {
                items.append(InboxItem(id: r.act.id, action: "opine", rule: "R13", title: r.body.topic, from: r.act.department, since: r.act.time, due: end))
            }
            if r.act.department == department && r.minutes.isEmpty {
                items.append(InboxItem(id: r.act.id, action: "conclude", rule: "R13", title: r.body.topic, from: r.act.department, since: r.act.time, due: nil))
            }
            for m in r.minutes where m.recipients(r).contains(department) && !m.acks.contains(where: { $0.department == department }) {
                items.append(InboxItem(id: m.act.id, action: "acknowledge", rule: "R13", title: r.body.topic, from: m.act.department, since: m.act.time, due: nil))
            }
        }
        return items
    }

    mutating func placeReview(_ act: Act, body: JSONValue) {
        if let b = try? ReviewConveneBody(json: body) { reviews[act.id] = Review(act: act, body: b) }
    }

    /// Opinions count only from participants, minutes only from the
    /// convening department, acknowledgements only from recipients (§4.4).
    mutating func linkReview(_ act: Act, body: JSONValue) {
        switch act.op.header.kind {
        case WorkflowKinds.reviewOpinion:
            guard let b = try? ReviewOpinionBody(json: body), reviews[b.review]?.body.participants.contains(act.department) == true else { return }
            reviews[b.review]?.opinions.append(act)
        case WorkflowKinds.reviewMinutes:
            guard let b = try? ReviewMinutesBody(json: body), reviews[b.review]?.act.department == act.department else { return }
            reviews[b.review]?.minutes.append(ReviewMinutes(act: act, body: b))
            reviewOf[act.id] = b.review
        case WorkflowKinds.reviewAck:
            guard let b = try? ReviewAckBody(json: body), let n = reviewOf[b.minutes], let r = reviews[n],
                  let k = r.minutes.firstIndex(where: { $0.act.id == b.minutes }), r.minutes[k].recipients(r).contains(act.department) else { return }
            reviews[n]?.minutes[k].acks.append(act)
        default: break
        }
    }
}
