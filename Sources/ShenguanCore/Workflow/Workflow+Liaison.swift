import ShenguanCalendar
import ShenguanCrypto

/// R15 (001 附件3 联络员): the bureau asks a regulator for a liaison officer
/// a day ahead; the regulator names one of its staff who meets the stated
/// condition (at least two years in the department, counted from the
/// officer's registration `validFrom`); the officer signs the inspection
/// records (a countersignature naming the officer as `staff`).
public struct LiaisonRequestBody: Equatable, Sendable {
    public let to: String, neededOn: CivilDate, purpose: String, notice: Digest?
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.liaisonRequest, json, allowed: ["to", "neededOn", "purpose", "notice"])
        to = try r.department("to"); neededOn = try r.date("neededOn")!; purpose = try r.string("purpose", max: 200)
        notice = try r.id("notice", optional: true)
    }
}

/// R15: the officer a regulator names for a request addressed to it.
public struct LiaisonAppointBody: Equatable, Sendable {
    public let request: Digest, officer: Digest, phone: String?
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.liaisonAppoint, json, allowed: ["request", "officer", "phone"])
        request = try r.id("request")!; officer = try r.id("officer")!; phone = try r.text("phone", max: 64, optional: true)
    }
}

extension Workflow {
    /// The years an officer has been in the department by the day needed (R15).
    public static let liaisonYears = 2

    /// Whether a registration meets R15's condition on `day`: valid that
    /// day, and registered since at least two years before it.
    public static func meetsLiaisonCondition(_ m: StaffMember, on day: CivilDate) -> Bool {
        m.validFrom <= day && day <= m.validUntil && m.validFrom <= Self.yearsBefore(day, liaisonYears)
    }

    /// The same day `n` years earlier (02-29 becomes 02-28 in a common year).
    static func yearsBefore(_ d: CivilDate, _ n: Int) -> CivilDate {
        CivilDate(year: d.year - n, month: d.month, day: d.day) ?? CivilDate(year: d.year - n, month: d.month, day: d.day - 1)!
    }

    public struct LiaisonRequest: Sendable {
        public let act: Act
        public let body: LiaisonRequestBody
        /// Appointments by the department asked (the first counts).
        public var appointments: [Act] = []
    }

    /// The R15 limit: the request exists before the day the officer is
    /// needed (by 24:00 CST of the day before), judged on its own bounds.
    public func liaisonVerdict(of l: LiaisonRequest, _ ctx: JudgeContext) -> Verdict {
        let before = l.body.neededOn.adding(days: -1)
        let due = WorkingDayCalendar.Due(eventDay: l.body.neededOn, workingDays: 0, lastDay: before,
                                         deadlineMillis: ChinaStandardTime.startOfDayMillis(l.body.neededOn), countedDays: [])
        var v = Deadlines.decide(rule: "R15", due: due, act: (l.act.id, ctx.evidence.bounds(of: l.act.op)),
                                 graceMillis: ctx.policyAt(l.act.time).graceMillis, now: ctx.now)
        v.actBounds = ctx.evidence.bounds(of: l.act.op)
        return v
    }

    /// R15 on a department's list: a request for an officer not yet
    /// answered, until the day needed is over (`appoint`).
    func liaisonItems(for department: String, now: Int64) -> [InboxItem] {
        liaisons.values.filter { $0.body.to == department && $0.appointments.isEmpty }.compactMap { l in
            let end = WorkingDayCalendar.Due(eventDay: l.body.neededOn, workingDays: 0, lastDay: l.body.neededOn,
                                             deadlineMillis: ChinaStandardTime.startOfDayMillis(l.body.neededOn.adding(days: 1)), countedDays: [])
            guard now < end.deadlineMillis else { return nil }
            return InboxItem(id: l.act.id, action: "appoint", rule: "R15", title: l.body.purpose, from: l.act.department, since: l.act.time, due: end)
        }
    }

    mutating func placeLiaison(_ act: Act, body: JSONValue) {
        if let b = try? LiaisonRequestBody(json: body) { liaisons[act.id] = LiaisonRequest(act: act, body: b) }
    }

    /// Only the department asked appoints (§4.4).
    mutating func linkLiaison(_ act: Act, body: JSONValue) {
        guard let b = try? LiaisonAppointBody(json: body), liaisons[b.request]?.body.to == act.department else { return }
        liaisons[b.request]?.appointments.append(act)
    }

    /// The officer named for the inspection a notice announced, if a
    /// request for it was answered.
    public func liaisonOfficer(forNotice notice: Digest) -> Digest? {
        liaisons.values.filter { $0.body.notice == notice }.sorted { $0.act.id < $1.act.id }
            .compactMap { $0.appointments.first?.op.body.flatMap { try? LiaisonAppointBody(json: $0) }?.officer }.first
    }
}
