import ShenguanCalendar
import ShenguanCrypto

/// The 审管互动 state projected from a set of operations (DESIGN.md): a
/// deterministic function of the set, whatever order it arrived in. Holds
/// the time-independent facts; `Workflow+Status` judges limits at a given now.
public struct Workflow: Sendable {
    /// One signed act, with who did it.
    public struct Act: Equatable, Sendable {
        public let op: VerifiedOp
        public let department: String
        /// The staff member named in the operation (R3), if any.
        public let staff: StaffMember?
        /// Roster version the operation was written under (its policy).
        public let rosterSeq: Int64
        public var id: Digest { op.id }
        public var time: Int64 { op.header.clock.time }
    }
    public struct Approval: Sendable {
        public let act: Act
        public let body: ApprovalBody
        /// R11: the issuing bureau's post-verifications, in clock order.
        public var verifications: [Act] = []
    }
    public struct Supervision: Sendable {
        public let act: Act
        public let body: SupervisionBody
    }
    public struct Push: Sendable {
        public let act: Act
        public let body: PushBody
        /// `approval.issue` (R1/R2) or `supervision.record` (R7).
        public let recordKind: String
        public var claims: [Act] = []
        public var feedback: [Act] = []
        /// R17: certificates the addressee issued for it.
        public var certificates: [Act] = []
    }
    public struct WarningEntry: Equatable, Sendable {
        public let source: Digest
        public let creditCode: CreditCode
        public let name: String
        public let level: String
        public let reason: String
        public let department: String
        public var delisted: Digest?
    }
    public struct RevocationRequest: Sendable {
        public let act: Act
        public let body: RevocationRequestBody
        public var decisions: [Act] = []
    }
    public struct Inquiry: Sendable {
        public let act: Act
        public let body: InquiryBody
        public var replies: [Act] = []
    }
    public struct Correction: Sendable {
        public let act: Act
        public let body: CorrectionBody
    }

    public private(set) var acts: [Digest: Act] = [:]
    public private(set) var approvals: [Digest: Approval] = [:]
    public private(set) var supervision: [Digest: Supervision] = [:]
    public private(set) var pushes: [Digest: Push] = [:]
    public private(set) var warnings: [Digest: WarningEntry] = [:]
    public private(set) var requests: [Digest: RevocationRequest] = [:]
    public private(set) var inquiries: [Digest: Inquiry] = [:]
    /// R14 joint inspections by notice id, and the notice of each report.
    public internal(set) var inspections: [Digest: Inspection] = [:]
    public internal(set) var inspectionOf: [Digest: Digest] = [:]
    /// Staff registrations held (with their ended-on day), by id.
    public internal(set) var staffMembers: [Digest: StaffMember] = [:]
    /// R16 expert draws by request id, and the expert pool by registration id.
    public internal(set) var draws: [Digest: DrawRequest] = [:]
    public internal(set) var experts: [Digest: Expert] = [:]
    /// R13 special reviews by convene id, and the review of each minutes.
    public internal(set) var reviews: [Digest: Review] = [:]
    public internal(set) var reviewOf: [Digest: Digest] = [:]
    /// R18 boundary-list entries by id, and the entries of each item code.
    public internal(set) var boundary: [Digest: BoundaryEntry] = [:]
    var boundaryOf: [String: [Digest]] = [:]
    /// R19 notices by id.
    public internal(set) var notices: [Digest: Notice] = [:]
    /// R15 requests for a liaison officer, by id.
    public internal(set) var liaisons: [Digest: LiaisonRequest] = [:]
    public private(set) var corrections: [Digest: Correction] = [:]
    public private(set) var attachments: [Digest: Act] = [:]
    public let roster: RosterState?
    /// Revocation requests per licence, and corrections per (licence, field), in
    /// (clock, id) order: so a licence's status and a field's values cost what
    /// that licence has, and the facts of every licence stay linear (`state --digest`).
    private var requestsOf: [Digest: [Digest]] = [:]
    private var correctionsOf: [Digest: [String: [Digest]]] = [:]

    /// The kinds the projection reads: workflow kinds and staff registrations (R3).
    public static let inputKinds: Set<String> = Set(WorkflowKinds.all + [RosterOps.staff, RosterOps.staffEnd])

    /// Projects `ops` (workflow and staff operations; others are ignored).
    /// `rosterSeq` gives each operation's roster version (its policy).
    public init(ops: some Sequence<VerifiedOp>, roster: RosterState?, rosterSeq: (Digest) -> Int64 = { _ in 0 }) {
        self.roster = roster
        // Clock order, sorting indices rather than the (large) operations.
        let input = Array(ops)
        let keys = input.map { ($0.header.clock, $0.id) }
        let all = input.indices.sorted { keys[$0] < keys[$1] }.map { input[$0] }
        var staff = [Digest: StaffMember]()
        for op in all where op.header.kind == RosterOps.staff {
            // A department registers its own staff only (§2.7).
            if let b = op.body, let m = try? StaffMember(json: b),
               roster == nil || roster?.replicas[op.header.author]?.department == m.department { staff[op.id] = m }
        }
        // Ends held (a view's, never a bundle's concern: they refuse nothing)
        // mark the acts after them; which acts count is unchanged.
        for op in all where op.header.kind == RosterOps.staffEnd {
            guard let b = op.body, let e = try? StaffEnd(json: b), var m = staff[e.registration], e.department == m.department,
                  roster == nil || roster?.replicas[op.header.author]?.department == m.department, e.lastDay < m.validUntil else { continue }
            m.endedOn = min(m.endedOn ?? e.lastDay, e.lastDay)
            staff[e.registration] = m
        }
        staffMembers = staff
        var ordered = [Act]()
        for op in all where WorkflowKinds.all.contains(op.header.kind) {
            let dept = roster?.replicas[op.header.author]?.department ?? "?"
            let member = OpKinds.staffRef(op.body).flatMap { staff[$0] }
            // What a replica refuses at ingest (step 14) is no act here either,
            // so a bundle verifier counts exactly what a replica holds: a kind
            // the author's role may not write, or a `staff` naming no valid
            // registration of the author's department on the act's date.
            if let roster {
                let role = roster.departments[dept]?.role
                guard role.map({ WorkflowKinds.writers[op.header.kind]?.contains($0) ?? false }) ?? false else { continue }
                if OpKinds.staffRef(op.body) != nil {
                    guard let member, member.department == dept, member.isValid(atMillis: op.header.clock.time) else { continue }
                }
            }
            let act = Act(op: op, department: dept, staff: member, rosterSeq: rosterSeq(op.id))
            acts[op.id] = act
            ordered.append(act)
        }
        // Records first, then what refers to them (both in clock order).
        for act in ordered { place(act) }
        for act in ordered { link(act) }
        // Countersignatures after every report is linked (clocks of two departments need not agree).
        for act in ordered where act.op.header.kind == WorkflowKinds.inspectionCountersign {
            if let body = act.op.body { linkInspection(act, body: body) }
        }
        // Acknowledgements after every minutes is linked (R13).
        for act in ordered where act.op.header.kind == WorkflowKinds.reviewAck {
            if let body = act.op.body { linkReview(act, body: body) }
        }
        // Reveals after every commitment is linked (R16).
        for act in ordered where act.op.header.kind == WorkflowKinds.drawReveal {
            if let body = act.op.body { linkDraw(act, body: body) }
        }
        for act in ordered {
            if let r = requests[act.id] { requestsOf[r.body.approval, default: []].append(act.id) }
            if let c = corrections[act.id] { correctionsOf[c.body.approval, default: [:]][c.body.field, default: []].append(act.id) }
        }
    }

    private mutating func place(_ act: Act) {
        guard let body = act.op.body else { return }
        switch act.op.header.kind {
        case WorkflowKinds.attachment: attachments[act.id] = act
        case WorkflowKinds.approval: if let b = try? ApprovalBody(json: body) { approvals[act.id] = Approval(act: act, body: b) }
        case WorkflowKinds.supervision:
            guard let b = try? SupervisionBody(json: body) else { return }
            supervision[act.id] = Supervision(act: act, body: b)
            if let level = b.listing, let code = b.creditCode {   // R9: derived from supervision information
                warnings[act.id] = WarningEntry(source: act.id, creditCode: code, name: b.subjectName ?? "", level: level,
                                                reason: "\(b.category): \(b.summary)", department: act.department)
            }
        case WorkflowKinds.warningList:
            guard let b = try? WarningBody(json: body) else { return }
            warnings[act.id] = WarningEntry(source: act.id, creditCode: b.creditCode, name: b.name, level: b.level,
                                            reason: b.reason, department: act.department)
        case WorkflowKinds.push:
            guard let b = try? PushBody(json: body), let kind = acts[b.record]?.op.header.kind else { return }
            pushes[act.id] = Push(act: act, body: b, recordKind: kind)
        case WorkflowKinds.revocationRequest:
            if let b = try? RevocationRequestBody(json: body) { requests[act.id] = RevocationRequest(act: act, body: b) }
        case WorkflowKinds.inquiry:
            if let b = try? InquiryBody(json: body) { inquiries[act.id] = Inquiry(act: act, body: b) }
        case WorkflowKinds.correction:
            if let b = try? CorrectionBody(json: body) { corrections[act.id] = Correction(act: act, body: b) }
        case WorkflowKinds.inspectionNotice: placeInspection(act, body: body)
        case WorkflowKinds.liaisonRequest: placeLiaison(act, body: body)
        case WorkflowKinds.reviewConvene: placeReview(act, body: body)
        case WorkflowKinds.drawRequest, WorkflowKinds.expertRegister: placeDraw(act, body: body)
        case WorkflowKinds.boundaryEntry: placeBoundary(act, body: body)
        case WorkflowKinds.noticeIssue: placeNotice(act, body: body)
        default: break
        }
    }

    private mutating func link(_ act: Act) {
        guard let body = act.op.body else { return }
        switch act.op.header.kind {
        // Only the addressee acts on a push or an inquiry (PROTOCOL.md §4.4):
        // a replica refuses anything else at ingest, and a bundle verifier
        // must not count such an act either (a bureau cannot claim its own
        // push for the market).
        case WorkflowKinds.claim:
            if let b = try? ClaimBody(json: body), pushes[b.push]?.body.to == act.department { pushes[b.push]?.claims.append(act) }
        case WorkflowKinds.feedback:
            if let b = try? FeedbackBody(json: body), pushes[b.push]?.body.to == act.department { pushes[b.push]?.feedback.append(act) }
        case WorkflowKinds.certificate:
            if let b = try? CertificateBody(json: body), let p = pushes[b.push], p.body.to == act.department, p.body.certificate != nil {
                pushes[b.push]?.certificates.append(act)
            }
        case WorkflowKinds.warningDelist:
            if let b = try? DelistBody(json: body), warnings[b.entry]?.delisted == nil { warnings[b.entry]?.delisted = act.id }
        case WorkflowKinds.revocationDecision:
            if let b = try? RevocationDecisionBody(json: body) { requests[b.request]?.decisions.append(act) }
        case WorkflowKinds.reply:
            if let b = try? ReplyBody(json: body), inquiries[b.inquiry]?.body.to == act.department { inquiries[b.inquiry]?.replies.append(act) }
        case WorkflowKinds.inspectionReport: linkInspection(act, body: body)
        case WorkflowKinds.liaisonAppoint: linkLiaison(act, body: body)
        case WorkflowKinds.reviewOpinion, WorkflowKinds.reviewMinutes: linkReview(act, body: body)
        case WorkflowKinds.drawCommit, WorkflowKinds.expertRetire: linkDraw(act, body: body)
        case WorkflowKinds.boundaryWithdraw: linkBoundary(act, body: body)
        case WorkflowKinds.noticeAck: linkNotice(act, body: body)
        case WorkflowKinds.verification:
            if let b = try? VerificationBody(json: body), approvals[b.approval]?.act.department == act.department,
               approvals[b.approval]?.body.promisedDate != nil { approvals[b.approval]?.verifications.append(act) }
        default: break
        }
    }

    /// The department name from the roster (falls back to the id).
    public func name(of department: String) -> String { roster?.departments[department]?.name ?? department }

    /// R9: listings in force for a credit code.
    public func activeWarnings(for code: CreditCode) -> [WarningEntry] {
        warnings.values.filter { $0.creditCode == code && $0.delisted == nil }.sorted { $0.source < $1.source }
    }

    /// R10: what a granted decision made of the licence ("valid" otherwise).
    /// Decisions on one request that disagree are a conflict (see `conflicts`);
    /// the latest by clock, then id, sets the status meanwhile.
    public func licenceStatus(_ approval: Digest) -> String {
        var status = "valid"
        for r in (requestsOf[approval] ?? []).compactMap({ requests[$0] }) {
            if let last = r.decisions.last, last.op.body?["grant"]?.boolValue == true {
                status = ["revoke": "revoked", "withdraw": "withdrawn", "cancel": "cancelled", "change": "changed"][r.body.action] ?? "changed"
            }
        }
        return status
    }

    /// The current value(s) of a mutable approval field: corrections not
    /// superseded by another (a multi-value register). More than one is a conflict.
    public func fieldValues(_ approval: Digest, field: String) -> [(value: String, by: Digest?)] {
        let mine = (correctionsOf[approval]?[field] ?? []).compactMap { corrections[$0] }
        let superseded = Set(mine.flatMap(\.body.supersedes))
        let heads = mine.filter { !superseded.contains($0.act.id) }.sorted { $0.act.id < $1.act.id }
        if heads.isEmpty {
            let a = approvals[approval]?.body
            let original = field == "contact" ? a?.contact : a?.validUntil?.iso
            return original.map { [($0, nil)] } ?? []
        }
        return heads.map { ($0.body.value, $0.act.id) }
    }
}

