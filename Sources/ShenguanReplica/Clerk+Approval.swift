import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// A file a clerk attaches (a scan, a decision document): its name and bytes.
public struct FileUpload: Sendable {
    public let name: String
    public let bytes: [UInt8]
    public init(name: String, bytes: [UInt8]) { self.name = name; self.bytes = bytes }

    /// The media type from the file name's extension.
    public var mediaType: String {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        return ["pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "txt": "text/plain",
                "ofd": "application/ofd"][ext] ?? "application/octet-stream"
    }
}

/// An approval to issue (R1) and the regulators to push it to (R2).
public struct ApprovalRequest: Sendable {
    public var itemCode: String, itemName: String, powerType = "行政许可"
    public var applicant: String, creditCode: String, contact: String
    public var licence: String
    /// Default: today (CST).
    public var decisionDate: CivilDate?
    public var validUntil: CivilDate?
    public var projectCode: String?, reply: String?
    public var risks: [String] = []
    /// The signed commitment letter of a 告知承诺 item (marks it as one).
    public var commitmentLetter: FileUpload?
    /// R11: the day the applicant promised to meet the conditions by (a
    /// 告知承诺 item only); the bureau verifies within the policy's limit after it.
    public var promisedDate: CivilDate?
    public var attachments: [FileUpload] = []
    public var pushTo: [String]
    /// R17: the department of `pushTo` that issues the certificate, and the
    /// legal or promised limit it does so within.
    public var certificateBy: String?
    public var certificate: CertificateRequest?
    /// Who acts (R3): a staff number or registration id.
    public var staff: String?

    public init(itemCode: String, itemName: String, applicant: String, creditCode: String, contact: String,
                licence: String, pushTo: [String]) {
        self.itemCode = itemCode; self.itemName = itemName; self.applicant = applicant; self.creditCode = creditCode
        self.contact = contact; self.licence = licence; self.pushTo = pushTo
    }
}

/// The approval written, the warning-list alerts it carries (R9) and its pushes' statuses.
public struct ApprovalResult: Sendable {
    public let approval: VerifiedOp
    public let alerts: [Workflow.WarningEntry]
    public let pushes: [Workflow.PushStatus]
    public let workflow: Workflow
    /// R18: whether the pushes were routed by the boundary list (no --push-to).
    public var routed = false
    /// R18: the pushes against the list's entry for the item (nil: the item is not on it).
    public var boundary: Workflow.BoundaryCheck?

    public var json: JSONValue {
        .object(["approval": .string(approval.id.hex), "alerts": .array(alerts.map(\.json)),
                 "pushes": .array(pushes.map { workflow.json($0) }), "routed": .bool(routed),
                 "boundary": boundary.map { workflow.json($0) } ?? .null])
    }
}

extension Clerk {
    /// Issues an approval with its attachments and pushes it to each
    /// responsible regulator: one transaction, all or nothing. Everything a
    /// clerk can get wrong (credit code, departments, schema, a duplicate
    /// licence number, file sizes) is checked before anything is signed. A
    /// limit in a year without an official calendar is judged on the
    /// provisional rule and says so (PROTOCOL.md §4.2); it never blocks.
    public func approve(_ r: ApprovalRequest) throws(ReplicaError) -> ApprovalResult {
        try run {
            let code = try checkCreditCode(r.creditCode, field: "--credit-code")
            // R18: named by the clerk, or routed by the boundary list's entry for the item.
            let routed = r.pushTo.isEmpty
            var r = r
            if routed { r.pushTo = try routeFromBoundary(itemCode: r.itemCode) }
            guard Set(r.pushTo).count == r.pushTo.count else {
                throw ReplicaError("workflow.duplicate_department", "A department is named twice in --push-to.", zh: "推送部门重复。")
            }
            for d in r.pushTo { try checkDepartment(d) }
            if (r.certificateBy == nil) != (r.certificate == nil) {
                throw ReplicaError("certificate.incomplete", "A certificate (R17) names the department that issues it and its limit in working days with the legal or promised basis, together. Nothing was written.",
                                   zh: "配发证照（R17）须同时写明配发部门、时限（工作日）及其法定或承诺依据。未写入任何内容。")
            }
            if let by = r.certificateBy, !r.pushTo.contains(by) {
                throw ReplicaError("certificate.not_pushed", "\(by) issues the certificate, so the approval is pushed to it too (--push-to \(by)). Nothing was written.",
                                   zh: "由 \(by) 配发证照，须同时推送给该部门（--push-to \(by)）。未写入任何内容。")
            }
            if let earlier = try store.items(licence: r.licence).first(where: { try store.op($0.hex).header.kind == WorkflowKinds.approval }) {
                throw ReplicaError("workflow.duplicate_licence", "Licence number \(r.licence) was already issued [\(earlier.hex.prefix(12))]; a licence number names one licence. Nothing was written.",
                                   zh: "证照编号 \(r.licence) 已被使用（\(earlier.hex.prefix(12))），一个编号只能对应一个许可。未写入任何内容。")
            }
            let staff = try staffID(r.staff)
            let decided = r.decisionDate ?? ChinaStandardTime.civilDate(atMillis: now)
            let alerts = try store.warningsView(creditCode: code, now: now).workflow.activeWarnings(for: code)   // R9
            var body: [String: JSONValue] = [
                "item": .object(["code": .string(r.itemCode), "name": .string(r.itemName)]), "powerType": .string(r.powerType),
                "applicant": .object(["name": .string(r.applicant), "creditCode": .string(r.creditCode), "contact": .string(r.contact)]),
                "licenceNo": .string(r.licence), "decisionDate": .string(decided.iso), "riskPoints": .array(r.risks.map { .string($0) }),
                "commitment": .bool(r.commitmentLetter != nil),
            ]
            if let until = r.validUntil { body["validUntil"] = .string(until.iso) }
            if let p = r.promisedDate {
                guard r.commitmentLetter != nil else {
                    throw ReplicaError("workflow.promise_without_commitment", "A promised date (R11) is for a 告知承诺 item: attach its signed commitment letter (--commitment-letter). Nothing was written.",
                                       zh: "承诺履行日期（R11）仅适用于告知承诺事项：请附上签署的承诺书（--commitment-letter）。未写入任何内容。")
                }
                body["promisedDate"] = .string(p.iso)
            }
            if let p = r.projectCode { body["projectCode"] = .string(p) }
            if let t = r.reply { body["reply"] = .string(t) }
            if !alerts.isEmpty { body["alerts"] = .array(alerts.map { .string($0.source.hex) }) }
            var check = body; check["commitment"] = .bool(false); check["promisedDate"] = nil
            if let p = r.promisedDate, p < decided {
                throw ReplicaError("workflow.promise_date", "The promised date \(p.iso) is before the decision date \(decided.iso). Nothing was written.",
                                   zh: "承诺履行日期 \(p.iso) 早于审批日期 \(decided.iso)。未写入任何内容。")
            }
            _ = try ApprovalBody(json: .object(check))
            let letter = try r.commitmentLetter.map { try attachment($0) }
            let files = try r.attachments.map { try attachment($0) }
            var drafts = (letter.map { [$0] } ?? []).map(\.draft) + files.map(\.draft)
            let approvalAt = drafts.count
            let approvalBody = body
            drafts.append(draft(WorkflowKinds.approval, staff: staff) { written in
                var b = approvalBody
                if let letter { b["commitmentLetter"] = letter.ref(written[0]) }
                if !files.isEmpty { b["attachments"] = .array(files.indices.map { files[$0].ref(written[$0 + (letter == nil ? 0 : 1)]) }) }
                return b
            })
            for d in r.pushTo {
                let certificate = d == r.certificateBy ? r.certificate : nil
                if let c = certificate {
                    _ = try PushBody(json: .object(["record": .string(String(repeating: "0", count: 64)), "to": .string(d), "certificate": c.json]))
                }
                drafts.append(draft(WorkflowKinds.push, staff: staff) { written in
                    var b: [String: JSONValue] = ["record": .string(written[approvalAt].id.hex), "to": .string(d)]
                    if let c = certificate { b["certificate"] = c.json }
                    return b
                })
            }
            let ops = try appendAll(drafts)
            let (after, ctx) = try item(ops[approvalAt].id)
            let statuses = try ops[(approvalAt + 1)...].compactMap { after.pushes[$0.id] }.map { try after.status(of: $0, ctx) }
            return ApprovalResult(approval: ops[approvalAt], alerts: alerts, pushes: statuses, workflow: after,
                                  routed: routed, boundary: after.boundaryCheck(of: ops[approvalAt].id))
        }
    }

    /// A file checked (nothing signed yet): the attachment's draft, and the
    /// entry that names the written attachment in its parent's body (R1).
    func attachment(_ f: FileUpload) throws -> (draft: ReplicaStore.Draft, ref: (VerifiedOp) -> JSONValue) {
        guard f.bytes.count <= AttachmentBody.maxBytes else {
            throw ReplicaError("attachment.too_large", "\(f.name) has \(f.bytes.count) bytes; an attachment holds at most \(AttachmentBody.maxBytes) (scan at a lower resolution or split it).",
                               zh: "附件 \(f.name) 有 \(f.bytes.count) 字节，超过上限 \(AttachmentBody.maxBytes)（请降低扫描分辨率或拆分）。")
        }
        let body = AttachmentBody.json(name: f.name, mediaType: f.mediaType, data: f.bytes)
        let sha = SHA256.hash(f.bytes).hex
        let name = f.name
        return ({ _ in (WorkflowKinds.attachment, body) },
                { op in .object(["op": .string(op.id.hex), "sha256": .string(sha), "name": .string(name)]) })
    }

    /// Attachments written first, in one transaction with what names them.
    func drafts(of files: [FileUpload]) throws -> [(draft: ReplicaStore.Draft, ref: (VerifiedOp) -> JSONValue)] {
        try files.map { try attachment($0) }
    }
}
