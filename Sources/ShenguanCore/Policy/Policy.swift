/// One time limit of a jurisdiction's policy, tagged with the rule it
/// implements and the seed text it comes from.
public struct PolicyLimit: Equatable, Sendable {
    /// Working days (T1, T2); 0 means 即时 "immediately", judged as the end of
    /// the event's own day (a local reading, marked as such).
    public let workingDays: Int
    public let rule: String
    /// Where the number comes from: seed file and article.
    public let citation: String
    /// True when the seed gives no number and the value is our local choice.
    public let localChoice: Bool

    public init(workingDays: Int, rule: String, citation: String, localChoice: Bool = false) {
        self.workingDays = workingDays; self.rule = rule; self.citation = citation; self.localChoice = localChoice
    }
}

/// A jurisdiction's policy (DESIGN.md "Roster, roles, policy"): the limits
/// per rule id, the grace period for offline claims and the maximum clock skew.
public struct Policy: Equatable, Sendable {
    public let profile: String
    /// R2: the regulator claims an approval push.
    public var claim: PolicyLimit
    /// R7: the regulator pushes supervision information after publishing it.
    public var pushBack: PolicyLimit
    /// R7: the bureau claims a supervision push.
    public var bureauClaim: PolicyLimit
    /// R4: feedback on doubted or disputed information.
    public var feedback: PolicyLimit
    /// R20: supervision findings reach the credit platform.
    public var creditPush: PolicyLimit
    /// R11: post-verification of credit-based approvals.
    public var postVerification: PolicyLimit
    /// DESIGN.md "Time evidence": how long after a limit an offline claim
    /// stamped within it may still be witnessed and count as on time.
    public var graceMillis: Int64
    /// DESIGN.md "Clock": how far ahead of the local clock an operation may be dated.
    public var maxSkewMillis: Int64

    public var limits: [(name: String, limit: PolicyLimit)] {
        [("claim", claim), ("pushBack", pushBack), ("bureauClaim", bureauClaim), ("feedback", feedback),
         ("creditPush", creditPush), ("postVerification", postVerification)]
    }
}

extension Policy {
    static let hour: Int64 = 3_600_000

    /// 聊城 (000): claim 2, push-back 3, bureau claim 2, credit push 7 working days.
    public static let liaocheng = Policy(
        profile: "liaocheng",
        claim: .init(workingDays: 2, rule: "R2", citation: "000 第十七条(一): 行业主管部门需在2个工作日内进行认领"),
        pushBack: .init(workingDays: 3, rule: "R7", citation: "000 第十七条(二): 在公布3个工作日内…向市行政审批局推送"),
        bureauClaim: .init(workingDays: 2, rule: "R7", citation: "000 第十七条(二): 市行政审批局需在2个工作日内进行认领"),
        feedback: .init(workingDays: 1, rule: "R4", citation: "000 gives no feedback limit; 1 working day as in 002 第七条", localChoice: true),
        creditPush: .init(workingDays: 7, rule: "R20", citation: "000 第十九条(一): 7个工作日内推送至信用信息平台"),
        postVerification: .init(workingDays: 10, rule: "R11", citation: "000 gives no limit; 10 working days as in 002 第八条", localChoice: true),
        graceMillis: 4 * hour, maxSkewMillis: 300_000)

    /// 临淄 (002): claim 1, feedback 1, push-back immediately, post-verification 10.
    public static let linzi = Policy(
        profile: "linzi",
        claim: .init(workingDays: 1, rule: "R2", citation: "002 第七条(一)1: 相关监管部门应于1个工作日内完成认领"),
        pushBack: .init(workingDays: 0, rule: "R7", citation: "002 第七条(二)1: 监管信息即时…推送 (即时 read as by 24:00 of the decision day)", localChoice: true),
        bureauClaim: .init(workingDays: 1, rule: "R7", citation: "002 第七条(二)1: 行政审批部门应于1个工作日内完成认领"),
        feedback: .init(workingDays: 1, rule: "R4", citation: "002 第七条(二)1: 应在1个工作日内向监管部门反馈意见"),
        creditPush: .init(workingDays: 7, rule: "R20", citation: "002 gives no limit; 7 working days as in 000 第十九条(一)", localChoice: true),
        postVerification: .init(workingDays: 10, rule: "R11", citation: "002 第八条: 承诺期限届满后10个工作日内进行核验"),
        graceMillis: 4 * hour, maxSkewMillis: 300_000)

    /// 南通 (001): the text sets sign-off records but no numeric limits; the
    /// numbers below are local choices following 聊城 (000), marked as such.
    public static let nantong = Policy(
        profile: "nantong",
        claim: .init(workingDays: 2, rule: "R2", citation: "001 附件1-二 requires 签收 but sets no limit; 2 working days as in 000 第十七条(一)", localChoice: true),
        pushBack: .init(workingDays: 3, rule: "R7", citation: "001 附件1-三 sets no limit; 3 working days as in 000 第十七条(二)", localChoice: true),
        bureauClaim: .init(workingDays: 2, rule: "R7", citation: "001 sets no limit; 2 working days as in 000 第十七条(二)", localChoice: true),
        feedback: .init(workingDays: 1, rule: "R4", citation: "001 sets no limit; 1 working day as in 002 第七条", localChoice: true),
        creditPush: .init(workingDays: 7, rule: "R20", citation: "001 sets no limit; 7 working days as in 000 第十九条(一)", localChoice: true),
        postVerification: .init(workingDays: 10, rule: "R11", citation: "001 sets no limit; 10 working days as in 002 第八条", localChoice: true),
        graceMillis: 4 * hour, maxSkewMillis: 300_000)

    /// The built-in profiles by name.
    public static let profiles: [String: Policy] = ["liaocheng": liaocheng, "linzi": linzi, "nantong": nantong]
}
