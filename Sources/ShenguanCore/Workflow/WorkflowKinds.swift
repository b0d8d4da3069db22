import ShenguanCalendar
import ShenguanCrypto

/// The 审管互动 operation kinds (PROTOCOL.md §4.4), with the rule each implements.
public enum WorkflowKinds {
    public static let attachment = "attachment"                 // R1, R6, R10: scanned documents by SHA-256
    public static let approval = "approval.issue"               // R1
    public static let correction = "approval.correct"           // R1 fields corrected later (conflicts)
    public static let push = "push"                             // R1, R5, R7
    public static let claim = "claim"                           // R2, R3, R7
    public static let feedback = "feedback"                     // R4
    public static let supervision = "supervision.record"        // R6, R8
    public static let warningList = "warning.list"              // R9 (manual listing by the bureau)
    public static let warningDelist = "warning.delist"          // R9
    public static let revocationRequest = "revocation.request"  // R10
    public static let revocationDecision = "revocation.decision" // R10
    public static let inquiry = "inquiry"                       // R12
    public static let reply = "inquiry.reply"                   // R12
    public static let inspectionNotice = "inspection.notice"    // R14: a joint site inspection announced
    public static let inspectionReport = "inspection.report"    // R14: the joint report, by the bureau
    public static let inspectionCountersign = "inspection.countersign" // R14: the regulator's signature on it
    public static let certificate = "certificate.issue"         // R17: the regulator issues the licence's certificate
    public static let liaisonRequest = "liaison.request"        // R15: the bureau asks for a liaison officer
    public static let liaisonAppoint = "liaison.appoint"        // R15: the regulator names one
    public static let verification = "verification.record"     // R11: post-verification of a 告知承诺 approval
    public static let reviewConvene = "review.convene"          // R13: the bureau convenes a special review
    public static let reviewOpinion = "review.opinion"          // R13: a participant's opinion
    public static let reviewMinutes = "review.minutes"          // R13: the minutes (agreed, or escalated)
    public static let reviewAck = "review.ack"                  // R13: a recipient acknowledges the minutes
    public static let expertRegister = "expert.register"        // R16: an expert in the shared pool
    public static let expertRetire = "expert.retire"            // R16: out of the pool
    public static let drawRequest = "draw.request"              // R16: a draw of experts, its candidates and exclusions
    public static let drawCommit = "draw.commit"                // R16: a participant's commitment to its secret
    public static let drawReveal = "draw.reveal"                // R16: the secret, once every commitment is held
    public static let boundaryEntry = "boundary.entry"          // R18: an item's entry in the 审管互动 boundary list
    public static let boundaryWithdraw = "boundary.withdraw"    // R18: an item taken off the list
    public static let noticeIssue = "notice.issue"              // R19: a document, meeting, training or item change, sent to the other side
    public static let noticeAck = "notice.ack"                  // R19: a recipient acknowledges it
    public static let erase = "erase"                           // DESIGN.md "body by hash": an attachment's or note's body erased (personal data)

    public static let all: [String] = [attachment, approval, correction, push, claim, feedback, supervision,
                                       warningList, warningDelist, revocationRequest, revocationDecision, inquiry, reply,
                                       inspectionNotice, inspectionReport, inspectionCountersign, certificate,
                                       liaisonRequest, liaisonAppoint, verification,
                                       reviewConvene, reviewOpinion, reviewMinutes, reviewAck,
                                       expertRegister, expertRetire, drawRequest, drawCommit, drawReveal,
                                       boundaryEntry, boundaryWithdraw, noticeIssue, noticeAck, erase]

    /// The permission table's rows for workflow kinds (DESIGN.md "Roster, roles, policy").
    static let writers: [String: Set<Role>] = [
        attachment: [.approval, .regulator, .enforcement, .credit],
        approval: [.approval],                            // R1: only the bureau issues licences
        correction: [.approval],
        push: [.approval, .regulator, .enforcement],      // R1 bureau → regulator; R7 regulator → bureau; R5 relay
        claim: [.approval, .regulator, .enforcement, .credit],
        feedback: [.approval, .regulator, .enforcement, .credit],
        supervision: [.regulator, .enforcement],          // R6
        warningList: [.approval],                         // R9: the bureau keeps the list
        warningDelist: [.approval],
        revocationRequest: [.regulator, .enforcement],    // R10: a regulator asks
        revocationDecision: [.approval],                  // R10: the bureau decides (a regulator's decision: auth.forbidden_kind)
        inquiry: [.approval, .regulator, .enforcement],   // R12
        reply: [.approval, .regulator, .enforcement, .credit],
        inspectionNotice: [.approval],                    // R14: the bureau notifies
        inspectionReport: [.approval],
        inspectionCountersign: [.regulator, .enforcement], // R14: the regulator notified signs the joint report
        certificate: [.regulator, .enforcement],          // R17: the regulator a push asks issues it
        liaisonRequest: [.approval],                      // R15
        liaisonAppoint: [.regulator, .enforcement],
        verification: [.approval],                        // R11: the bureau verifies what was promised
        reviewConvene: [.approval],                       // R13: the bureau convenes
        reviewOpinion: [.regulator, .enforcement, .credit], // R13: the departments reviewing (行业主管部门)
        reviewMinutes: [.approval],
        reviewAck: [.regulator, .enforcement, .credit, .oversight], // R13: participants, and the city government on escalation
        expertRegister: [.approval, .regulator, .enforcement], // R16: 部门共建的专家库
        expertRetire: [.approval, .regulator, .enforcement],
        drawRequest: [.approval],                         // R16: the bureau organises the review and draws
        drawCommit: [.approval, .regulator, .enforcement, .credit],
        drawReveal: [.approval, .regulator, .enforcement, .credit],
        boundaryEntry: [.approval],                       // R18: the bureau keeps the list it routes by
        boundaryWithdraw: [.approval],
        noticeIssue: [.approval, .regulator, .enforcement, .credit, .oversight], // R19: either side, and the government's offices
        noticeAck: [.approval, .regulator, .enforcement, .credit, .oversight],
        erase: [.approval, .regulator, .enforcement, .credit, .oversight],   // the target's own department, or the oversight office
    ]

    /// Schema check of a workflow body (nothing but the body is needed).
    static func validate(kind: String, body: JSONValue) throws(OpRejection) {
        switch kind {
        case attachment: _ = try AttachmentBody(json: body)
        case approval: _ = try ApprovalBody(json: body)
        case correction: _ = try CorrectionBody(json: body)
        case push: _ = try PushBody(json: body)
        case claim: _ = try ClaimBody(json: body)
        case feedback: _ = try FeedbackBody(json: body)
        case supervision: _ = try SupervisionBody(json: body)
        case warningList: _ = try WarningBody(json: body)
        case warningDelist: _ = try DelistBody(json: body)
        case revocationRequest: _ = try RevocationRequestBody(json: body)
        case revocationDecision: _ = try RevocationDecisionBody(json: body)
        case inquiry: _ = try InquiryBody(json: body)
        case reply: _ = try ReplyBody(json: body)
        case inspectionNotice: _ = try InspectionNoticeBody(json: body)
        case inspectionReport: _ = try InspectionReportBody(json: body)
        case inspectionCountersign: _ = try CountersignBody(json: body)
        case certificate: _ = try CertificateBody(json: body)
        case liaisonRequest: _ = try LiaisonRequestBody(json: body)
        case liaisonAppoint: _ = try LiaisonAppointBody(json: body)
        case verification: _ = try VerificationBody(json: body)
        case reviewConvene: _ = try ReviewConveneBody(json: body)
        case reviewOpinion: _ = try ReviewOpinionBody(json: body)
        case reviewMinutes: _ = try ReviewMinutesBody(json: body)
        case reviewAck: _ = try ReviewAckBody(json: body)
        case expertRegister: _ = try ExpertBody(json: body)
        case expertRetire: _ = try ExpertRetireBody(json: body)
        case drawRequest: _ = try DrawRequestBody(json: body)
        case drawCommit: _ = try DrawCommitBody(json: body)
        case drawReveal: _ = try DrawRevealBody(json: body)
        case boundaryEntry: _ = try BoundaryEntryBody(json: body)
        case boundaryWithdraw: _ = try BoundaryWithdrawBody(json: body)
        case noticeIssue: _ = try NoticeBody(json: body)
        case noticeAck: _ = try NoticeAckBody(json: body)
        case erase: _ = try EraseBody(json: body)
        default: break
        }
    }

    /// The attachment references a body carries (`attachments`, `evidence`, `commitmentLetter`).
    static func attachmentEntries(_ body: JSONValue) -> [JSONValue] {
        (body["attachments"]?.arrayValue ?? []) + (body["evidence"]?.arrayValue ?? []) + [body["commitmentLetter"]].compactMap { $0 }
    }

    /// Operations a workflow body names, with the kinds they must be. They
    /// are dependencies: the operation waits until they are held. Computed
    /// once per operation (`VerifiedOp.refs`).
    public static func refs(kind: String, body: JSONValue?) -> [WorkflowRef] {
        guard let body, all.contains(kind) else { return [] }
        func list(_ f: String, _ k: Set<String>) -> [WorkflowRef] {
            (body[f]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap { Digest(hex: $0) } }.map { WorkflowRef(field: f, id: $0, kinds: k) }
        }
        func one(_ f: String, _ k: Set<String>) -> [WorkflowRef] {
            body[f]?.stringValue.flatMap { Digest(hex: $0) }.map { [WorkflowRef(field: f, id: $0, kinds: k)] } ?? []
        }
        func attachmentRefs() -> [WorkflowRef] {
            attachmentEntries(body).compactMap { $0["op"]?.stringValue.flatMap { Digest(hex: $0) } }
                .map { WorkflowRef(field: "attachments", id: $0, kinds: RefKinds.attachment) }
        }
        switch kind {
        case approval: return list("alerts", RefKinds.listings) + attachmentRefs()
        case correction: return one("approval", RefKinds.approval) + list("supersedes", RefKinds.correction)
        case push: return one("record", RefKinds.records) + one("via", RefKinds.push)
        case claim, feedback, certificate: return one("push", RefKinds.push)
        case supervision: return one("approval", RefKinds.approval) + attachmentRefs()
        case warningList: return one("source", RefKinds.supervision)
        case warningDelist: return one("entry", RefKinds.listings)
        case revocationRequest: return one("approval", RefKinds.approval) + attachmentRefs()
        case revocationDecision: return one("request", RefKinds.revocationRequest)
        case reply: return one("inquiry", RefKinds.inquiry)
        case inspectionNotice: return one("approval", RefKinds.approval)
        case inspectionReport: return one("notice", [inspectionNotice])
        case inspectionCountersign: return one("report", [inspectionReport])
        case verification: return one("approval", RefKinds.approval)
        case liaisonRequest: return one("notice", [inspectionNotice])
        case liaisonAppoint: return one("request", [liaisonRequest]) + one("officer", [RosterOps.staff])
        case reviewConvene: return one("approval", RefKinds.approval)
        case reviewOpinion, reviewMinutes: return one("review", [reviewConvene])
        case reviewAck: return one("minutes", [reviewMinutes])
        case expertRetire: return one("expert", [expertRegister])
        case drawRequest: return list("candidates", [expertRegister]) + one("review", [reviewConvene])
        case drawCommit: return one("request", [drawRequest])
        case drawReveal: return one("request", [drawRequest]) + list("commits", [drawCommit])
        case boundaryEntry: return list("supersedes", [boundaryEntry])
        case boundaryWithdraw: return one("entry", [boundaryEntry])
        case noticeIssue: return attachmentRefs()
        case noticeAck: return one("notice", [noticeIssue])
        case erase: return one("op", RefKinds.erasable)
        default: return []
        }
    }

    /// The kind sets of `refs`, built once.
    enum RefKinds {
        static let records: Set<String> = [WorkflowKinds.approval, WorkflowKinds.supervision]
        static let listings: Set<String> = [WorkflowKinds.warningList, WorkflowKinds.supervision]
        static let attachment: Set<String> = [WorkflowKinds.attachment]
        static let approval: Set<String> = [WorkflowKinds.approval]
        static let correction: Set<String> = [WorkflowKinds.correction]
        static let push: Set<String> = [WorkflowKinds.push]
        static let supervision: Set<String> = [WorkflowKinds.supervision]
        static let revocationRequest: Set<String> = [WorkflowKinds.revocationRequest]
        static let inquiry: Set<String> = [WorkflowKinds.inquiry]
        /// The kinds whose body no check or verdict reads: only these may be erased.
        static let erasable: Set<String> = [WorkflowKinds.attachment, OpKinds.note]
    }
}

/// An operation a workflow body names (`WorkflowKinds.refs`): the member
/// that names it, its id, and the kinds it must be.
public struct WorkflowRef: Equatable, Sendable {
    public let field: String
    public let id: Digest
    public let kinds: Set<String>
    /// Whether the named operation must be held with its body before this
    /// one applies (§2.6): not for attachments and notes, whose bodies no
    /// check reads and which may be erased.
    public var needsBody: Bool { !kinds.isSubset(of: WorkflowKinds.RefKinds.erasable) }
}

/// An erasure (DESIGN.md "body by hash", PROTOCOL.md §2.6): the body of an
/// attachment or a note, which may hold personal data, is dropped by every
/// replica that holds this; its header, signature and id stay.
public struct EraseBody: Equatable, Sendable {
    public let op: Digest, reason: String
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.erase, json, allowed: ["op", "reason"])
        op = try r.id("op")!; reason = try r.string("reason", max: 500)
    }
}

/// A file carried as an operation, named by its SHA-256 (R1 scanned
/// attachments, R6 evidence, R10 evidence).
public struct AttachmentBody: Sendable {
    public static let maxBytes = 192 * 1024
    public let name: String
    public let mediaType: String
    public let sha256: Digest
    public let data: [UInt8]

    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.attachment, json, allowed: ["name", "type", "sha256", "data"])
        name = try r.string("name", max: 200)
        mediaType = try r.string("type", max: 100)
        guard let sha = json["sha256"]?.stringValue.flatMap({ Digest(hex: $0) }) else { throw r.bad("sha256", "must be 64 hex digits") }
        guard let b64 = json["data"]?.stringValue, let bytes = Base64URL.decode(b64) else { throw r.bad("data", "must be base64url") }
        guard bytes.count <= Self.maxBytes else { throw r.bad("data", "holds \(bytes.count) bytes; an attachment holds at most \(Self.maxBytes)") }
        guard SHA256.hash(bytes) == sha else { throw r.bad("sha256", "does not match the data") }
        sha256 = sha; data = bytes
    }

    public static func json(name: String, mediaType: String, data: [UInt8]) -> JSONValue {
        .object(["name": .string(name), "type": .string(mediaType), "sha256": .string(SHA256.hash(data).hex),
                 "data": .string(Base64URL.encode(data))])
    }
}

/// A reference to an attachment operation inside another body.
public struct AttachmentRef: Equatable, Sendable {
    public let op: Digest
    public let sha256: Digest
    public let name: String

    static func parse(_ v: JSONValue, in r: BodyReader, field: String) throws(OpRejection) -> AttachmentRef {
        guard let o = v.objectValue, Set(o.keys) == ["op", "sha256", "name"],
              let op = o["op"]?.stringValue.flatMap({ Digest(hex: $0) }),
              let sha = o["sha256"]?.stringValue.flatMap({ Digest(hex: $0) }),
              let name = o["name"]?.stringValue, BodyReader.isText(name, max: 200) else {
            throw r.bad(field, "must hold {op, sha256, name} references to attachment operations")
        }
        return AttachmentRef(op: op, sha256: sha, name: name)
    }

    static func list(_ r: BodyReader, _ f: String) throws(OpRejection) -> [AttachmentRef] {
        guard let v = r.o[f] else { return [] }
        guard let a = v.arrayValue, a.count <= 32 else { throw r.bad(f, "must be a list of at most 32 attachments") }
        var out = [AttachmentRef]()
        for e in a { out.append(try parse(e, in: r, field: f)) }
        return out
    }

    public var json: JSONValue { .object(["op": .string(op.hex), "sha256": .string(sha256.hex), "name": .string(name)]) }
}
