import ShenguanCalendar
import ShenguanCrypto

/// R11 (002 第八条): a 告知承诺 approval is verified by the issuing bureau
/// within the policy's `postVerification` working days of the promised date
/// (that day not counted); a broken promise opens a rectification period
/// that a later verification must find kept, or the licence is due for
/// revocation (through R10's request and decision).
extension Workflow {
    public struct VerificationStatus: Sendable {
        /// Whether the first verification came within the limit.
        public let verdict: Verdict
        /// The latest verification, when one is held.
        public let latest: (act: Act, body: VerificationBody)?
        /// The end of the rectification period the latest (broken) verification set.
        public let cureDeadline: Int64?
        /// A broken promise whose rectification period is over with no later verification.
        public var revocationDue: Bool { cureDeadline.map { now >= $0 } ?? false }
        let now: Int64
    }

    /// The R11 status of an approval with a promised date (nil otherwise).
    public func verificationStatus(of a: Approval, _ ctx: JudgeContext) throws(CalendarError) -> VerificationStatus? {
        guard let promised = a.body.promisedDate else { return nil }
        let policy = ctx.policyAt(a.act.time)
        let verdict = try Deadlines.judge(rule: "R11", start: .instant(ChinaStandardTime.startOfDayMillis(promised), source: "promised date \(promised.iso)"),
                                          workingDays: policy.postVerification.workingDays, act: earliest(a.verifications, ctx),
                                          calendar: ctx.calendar, graceMillis: policy.graceMillis, now: ctx.now)
        let latest = Self.latestVerification(a.verifications)
        let cure = latest.flatMap { l in l.body.cureBy.map { ChinaStandardTime.startOfDayMillis($0.adding(days: 1)) } }
        return VerificationStatus(verdict: verdict, latest: latest, cureDeadline: cure, now: ctx.now)
    }

    /// The verification that decides the current state: the latest by clock, then id.
    static func latestVerification(_ acts: [Act]) -> (act: Act, body: VerificationBody)? {
        acts.max { ($0.op.header.clock, $0.id) < ($1.op.header.clock, $1.id) }.flatMap { a in
            a.op.body.flatMap { try? VerificationBody(json: $0) }.map { (a, $0) }
        }
    }

    /// R11 on the bureau's list: `verify` until the first verification
    /// (within the limit), `reverify` while a rectification period runs.
    func verificationItems(for department: String, _ ctx: JudgeContext) throws(CalendarError) -> [InboxItem] {
        var items = [InboxItem]()
        for a in approvals.values where a.act.department == department && a.body.promisedDate != nil {
            guard let st = try verificationStatus(of: a, ctx) else { continue }
            let title = "\(a.body.itemName) · \(a.body.applicantName) · \(a.body.licenceNo)"
            if a.verifications.isEmpty {
                if st.verdict.outcome == .open {
                    items.append(InboxItem(id: a.act.id, action: "verify", rule: "R11", title: title, from: department, since: a.act.time, due: st.verdict.due))
                }
            } else if let l = st.latest, let cureBy = l.body.cureBy, let end = st.cureDeadline, ctx.now < end {
                items.append(InboxItem(id: a.act.id, action: "reverify", rule: "R11", title: title, from: department, since: l.act.time,
                                       due: WorkingDayCalendar.Due(eventDay: cureBy, workingDays: 0, lastDay: cureBy, deadlineMillis: end, countedDays: [])))
            }
        }
        return items
    }
}
