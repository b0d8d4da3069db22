import ShenguanCalendar
import ShenguanCrypto

/// R1: an approval decision with the content the bureau pushes.
public struct ApprovalBody: Equatable, Sendable {
    public static let powerTypes = ["行政许可", "行政确认", "行政备案", "其他行政权力", "公共服务"]
    public let itemCode: String, itemName: String, powerType: String
    public let applicantName: String, creditCode: CreditCode, contact: String
    public let licenceNo: String, decisionDate: CivilDate, validUntil: CivilDate?
    public let projectCode: String?, reply: String?, riskPoints: [String]
    /// 告知承诺制: approved on a signed commitment letter (R1, R11).
    public let commitment: Bool
    public let commitmentLetter: AttachmentRef?
    /// R11: the day the applicant promised to meet the conditions by (a
    /// 告知承诺 item only); the bureau's post-verification counts from it.
    public let promisedDate: CivilDate?
    public let attachments: [AttachmentRef]
    /// R9: warning-list entries in force for the applicant when approved.
    public let alerts: [Digest]

    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.approval, json, allowed: [
            "item", "powerType", "applicant", "licenceNo", "decisionDate", "validUntil", "projectCode", "reply",
            "riskPoints", "commitment", "commitmentLetter", "promisedDate", "attachments", "alerts"])
        let item = try r.object("item", allowed: ["code", "name"])!
        itemCode = try item.string("code", max: 64); itemName = try item.string("name", max: 200)
        powerType = try r.oneOf("powerType", Self.powerTypes)
        let a = try r.object("applicant", allowed: ["name", "creditCode", "contact"])!
        applicantName = try a.string("name", max: 200); creditCode = try a.creditCode("creditCode"); contact = try a.string("contact", max: 200)
        licenceNo = try r.string("licenceNo", max: 64)
        decisionDate = try r.date("decisionDate")!
        validUntil = try r.date("validUntil", optional: true)
        if let v = validUntil, v < decisionDate { throw r.bad("validUntil", "is before the decision date") }
        projectCode = try r.text("projectCode", max: 64, optional: true)
        reply = try r.text("reply", optional: true)
        riskPoints = try r.texts("riskPoints")
        commitment = try r.bool("commitment")
        commitmentLetter = try r.o["commitmentLetter"].map { v throws(OpRejection) in try AttachmentRef.parse(v, in: r, field: "commitmentLetter") }
        if commitment && commitmentLetter == nil {
            throw r.bad("commitmentLetter", "is required for a 告知承诺 item (R1: the signed commitment letter travels with the approval)")
        }
        promisedDate = try r.date("promisedDate", optional: true)
        if promisedDate != nil && !commitment { throw r.bad("promisedDate", "is for a 告知承诺 item only (R11)") }
        if let p = promisedDate, p < decisionDate { throw r.bad("promisedDate", "is before the decision date") }
        attachments = try AttachmentRef.list(r, "attachments")
        alerts = try r.ids("alerts")
    }
}

/// R11 (002 第八条): the bureau's post-verification of a 告知承诺 approval:
/// the promise kept, or broken with the end of the rectification period.
public struct VerificationBody: Equatable, Sendable {
    public static let results = ["kept", "broken"]
    public let approval: Digest, result: String, findings: String, cureBy: CivilDate?
    public var kept: Bool { result == "kept" }
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.verification, json, allowed: ["approval", "result", "findings", "cureBy"])
        approval = try r.id("approval")!; result = try r.oneOf("result", Self.results); findings = try r.string("findings")
        cureBy = try r.date("cureBy", optional: true)
        if (result == "broken") != (cureBy != nil) { throw r.bad("cureBy", "is given exactly when the promise is broken (the end of the rectification period, R11)") }
    }
}

/// A later correction of one mutable field of an approval (e.g. the
/// applicant's contact); concurrent corrections are a conflict until one
/// that supersedes them all arrives.
public struct CorrectionBody: Equatable, Sendable {
    public static let fields = ["contact", "validUntil"]
    public let approval: Digest, field: String, value: String, supersedes: [Digest]
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.correction, json, allowed: ["approval", "field", "value", "supersedes"])
        approval = try r.id("approval")!
        field = try r.oneOf("field", Self.fields)
        value = try r.string("value", max: 200)
        if field == "validUntil", CivilDate(iso: value) == nil { throw r.bad("value", "must be a date YYYY-MM-DD for validUntil") }
        supersedes = try r.ids("supersedes")
    }
}

/// R1/R7: a record handed to one department; `via` marks an R5 relay.
public struct PushBody: Equatable, Sendable {
    public let record: Digest, to: String, via: Digest?
    /// R17: the addressee issues the certificate within these working days
    /// (the legal or promised limit, with its basis). Approvals only.
    public let certificate: CertificateRequest?
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.push, json, allowed: ["record", "to", "via", "certificate"])
        record = try r.id("record")!; to = try r.department("to"); via = try r.id("via", optional: true)
        certificate = try r.object("certificate", allowed: ["workingDays", "basis"], optional: true).map { c throws(OpRejection) in
            CertificateRequest(workingDays: Int(try c.int("workingDays", in: 1...60)), basis: try c.string("basis", max: 200))
        }
    }
}

/// R17 (000 第十三条): the certificate the regulator issues after the
/// bureau's approval, and the legal or promised limit it is issued within.
public struct CertificateRequest: Equatable, Sendable {
    public let workingDays: Int, basis: String
    public init(workingDays: Int, basis: String) { self.workingDays = workingDays; self.basis = basis }
    public var json: JSONValue { .object(["workingDays": .int(Int64(workingDays)), "basis": .string(basis)]) }
}

/// R17: the regulator issues the certificate a push asked for.
public struct CertificateBody: Equatable, Sendable {
    public let push: Digest, certificateNo: String
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.certificate, json, allowed: ["push", "certificateNo"])
        push = try r.id("push")!; certificateNo = try r.string("certificateNo", max: 64)
    }
}

/// R2/R3/R7: the addressee signs for a push.
public struct ClaimBody: Equatable, Sendable {
    public let push: Digest
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.claim, json, allowed: ["push"])
        push = try r.id("push")!
    }
}

/// R4: doubts or disputes about received information, back to the sender.
public struct FeedbackBody: Equatable, Sendable {
    public let push: Digest, text: String
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.feedback, json, allowed: ["push", "text"])
        push = try r.id("push")!; text = try r.string("text")
    }
}

/// R6/R8: supervision information from a regulator.
public struct SupervisionBody: Equatable, Sendable {
    public static let categories = ["penalty", "suspension", "revocation", "inspection", "training", "regulation"]
    /// The seeds' words for each category (002 第七条(二)2; 001 附件1-三).
    public static let names = ["penalty": "行政处罚", "suspension": "责令停产停业", "revocation": "吊销许可", "inspection": "检查记录",
                               "training": "培训通知", "regulation": "法规标准变化"]
    /// Categories about one subject, which must carry its credit code (R8).
    public static let subjectCategories: Set<String> = ["penalty", "suspension", "revocation", "inspection"]
    public let category: String
    public let subjectName: String?, creditCode: CreditCode?
    public let licenceNo: String?, approval: Digest?
    public let decisionDate: CivilDate, publishedDate: CivilDate
    public let summary: String
    public let place: String?, result: String?
    /// R9: the listing this record asks for (nil: none).
    public let listing: String?
    public let attachments: [AttachmentRef]

    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.supervision, json, allowed: [
            "category", "subject", "licenceNo", "approval", "decisionDate", "publishedDate", "summary", "place", "result",
            "listing", "attachments"])
        category = try r.oneOf("category", Self.categories)
        if let s = try r.object("subject", allowed: ["name", "creditCode"], optional: true) {
            subjectName = try s.string("name", max: 200); creditCode = try s.creditCode("creditCode")
        } else {
            guard !Self.subjectCategories.contains(category) else {
                throw r.bad("subject", "is required for a \(category) record: it attaches to the subject by credit code (R8)")
            }
            subjectName = nil; creditCode = nil
        }
        licenceNo = try r.text("licenceNo", max: 64, optional: true)
        approval = try r.id("approval", optional: true)
        decisionDate = try r.date("decisionDate")!
        publishedDate = try r.date("publishedDate")!
        if publishedDate < decisionDate { throw r.bad("publishedDate", "is before the decision date") }
        summary = try r.string("summary")
        place = try r.text("place", max: 200, optional: true)
        result = try r.text("result", max: 500, optional: true)
        listing = r.o["listing"] == nil ? nil : try r.oneOf("listing", WarningBody.levels)
        if listing != nil && creditCode == nil { throw r.bad("listing", "needs a subject with a credit code (R9)") }
        attachments = try AttachmentRef.list(r, "attachments")
    }
}

/// R9: the bureau lists a subject by hand.
public struct WarningBody: Equatable, Sendable {
    /// 限制准入 (restricted) and 从严审批 (strict) admission (002 第七条(二)1).
    public static let levels = ["restricted", "strict"]
    public let creditCode: CreditCode, name: String, level: String, reason: String, source: Digest?
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.warningList, json, allowed: ["creditCode", "name", "level", "reason", "source"])
        creditCode = try r.creditCode("creditCode"); name = try r.string("name", max: 200)
        level = try r.oneOf("level", Self.levels); reason = try r.string("reason"); source = try r.id("source", optional: true)
    }
}

/// R9: a listing ends.
public struct DelistBody: Equatable, Sendable {
    public let entry: Digest, reason: String
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.warningDelist, json, allowed: ["entry", "reason"])
        entry = try r.id("entry")!; reason = try r.string("reason")
    }
}

/// R10: 协同处理申请单.
public struct RevocationRequestBody: Equatable, Sendable {
    public static let actions = ["revoke", "withdraw", "cancel", "change"]
    public let approval: Digest, action: String, basis: String, evidence: [AttachmentRef]
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.revocationRequest, json, allowed: ["approval", "action", "basis", "evidence"])
        approval = try r.id("approval")!; action = try r.oneOf("action", Self.actions); basis = try r.string("basis")
        evidence = try AttachmentRef.list(r, "evidence")
    }
}

/// R10: the bureau's decision, with its written reason.
public struct RevocationDecisionBody: Equatable, Sendable {
    public let request: Digest, grant: Bool, reason: String
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.revocationDecision, json, allowed: ["request", "grant", "reason"])
        request = try r.id("request")!; grant = try r.bool("grant"); reason = try r.string("reason")
    }
}

/// R12: 函询 with its limit in working days.
public struct InquiryBody: Equatable, Sendable {
    public let to: String, subject: String, question: String, workingDays: Int
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.inquiry, json, allowed: ["to", "subject", "question", "workingDays"])
        to = try r.department("to"); subject = try r.string("subject", max: 200); question = try r.string("question")
        workingDays = Int(try r.int("workingDays", in: 1...30))
    }
}

/// R12: the answer to an inquiry (consent or objection, with text).
public struct ReplyBody: Equatable, Sendable {
    public let inquiry: Digest, consent: Bool, text: String
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.reply, json, allowed: ["inquiry", "consent", "text"])
        inquiry = try r.id("inquiry")!; consent = try r.bool("consent"); text = try r.string("text")
    }
}
