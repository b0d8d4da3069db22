import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// The outcome of an act on a push: the operation written and the push's
/// status after it, as the read model judges it now.
public struct PushActResult: Sendable {
    public let op: VerifiedOp
    public let status: Workflow.PushStatus
    public let workflow: Workflow

    /// `{"<field>": id, "push": status}`.
    public func json(_ field: String) -> JSONValue { .object([field: .string(op.id.hex), "push": workflow.json(status)]) }
}

extension Clerk {
    /// Claims (signs for) a push addressed to this department (R2, R3, R7).
    /// `push` is a push id, or a licence / record with one push to this
    /// department. The staff member who signs is required (R3).
    public func claim(_ push: String, staff: String?) throws(ReplicaError) -> PushActResult {
        let p = try reader.resolvePush(push, addressedTo: department)
        return try run {
            let who = try requiredStaff(staff, act: "claim")
            let (dept, now) = (department, self.now)
            // Checked inside the write transaction: two clerks claiming at once cannot both succeed.
            let op = try append(WorkflowKinds.claim, ["push": .string(p.id.hex)], staff: who, checking: (p.id, { wf, _ in
                if let pushed = wf.pushes[p.id], pushed.body.to == dept, let first = pushed.claims.first {
                    throw ReplicaError("workflow.already_claimed", "This push was already claimed by \(ItemReport.who(wf, first, now: now)); nothing was written.",
                                       zh: "该推送已由 \(ItemReport.who(wf, first, now: now)) 认领，未写入任何内容。")
                }
            }))
            return try pushResult(op, push: p.id)
        }
    }

    /// Sends doubts or a dispute about a received push back to its sender (R4).
    public func feedback(_ push: String, text: String, staff: String?) throws(ReplicaError) -> PushActResult {
        let p = try reader.resolvePush(push, addressedTo: department)
        return try run {
            let op = try append(WorkflowKinds.feedback, ["push": .string(p.id.hex), "text": .string(text)], staff: try staffID(staff))
            return try pushResult(op, push: p.id)
        }
    }

    /// Forwards a push this department received to a higher-level regulator (R5).
    public func relay(_ push: String, to: String, staff: String?) throws(ReplicaError) -> PushActResult {
        let p = try reader.resolvePush(push, addressedTo: department)
        return try run {
            try checkDepartment(to)
            guard let record = p.body.flatMap({ try? PushBody(json: $0) })?.record else {
                throw ReplicaError("workflow.body_erased", "The push's content is not held on this replica.", zh: "本副本未持有该推送的内容。")
            }
            let op = try append(WorkflowKinds.push, ["record": .string(record.hex), "to": .string(to), "via": .string(p.id.hex)], staff: try staffID(staff))
            return try pushResult(op, push: op.id)
        }
    }

    /// Issues the certificate a claimed push asks for (R17), once; the
    /// verdict says whether within the legal or promised limit.
    public func issueCertificate(_ push: String, certificateNo: String, staff: String?) throws(ReplicaError) -> PushActResult {
        let p = try reader.resolvePush(push, addressedTo: department)
        return try run {
            let (dept, now) = (department, self.now)
            let body: [String: JSONValue] = ["push": .string(p.id.hex), "certificateNo": .string(certificateNo)]
            _ = try CertificateBody(json: .object(body))
            let op = try append(WorkflowKinds.certificate, body, staff: try staffID(staff), checking: (p.id, { wf, _ in
                guard let pushed = wf.pushes[p.id], pushed.body.to == dept else { return }
                guard pushed.body.certificate != nil else {
                    throw ReplicaError("certificate.not_asked", "This push asks for no certificate from \(wf.name(of: dept)) (R17). Nothing was written.",
                                       zh: "该推送未要求本部门配发证照（R17）。未写入任何内容。")
                }
                guard !pushed.claims.isEmpty else {
                    throw ReplicaError("certificate.unclaimed", "Claim the push first (shenguan claim), then issue its certificate (R2, R17). Nothing was written.",
                                       zh: "请先认领该推送（shenguan claim），再配发证照（R2、R17）。未写入任何内容。")
                }
                if let first = pushed.certificates.first {
                    throw ReplicaError("certificate.already_issued", "Its certificate \(first.op.body?["certificateNo"]?.stringValue ?? "") was already issued by \(ItemReport.who(wf, first, now: now)). Nothing was written.",
                                       zh: "该证照（\(first.op.body?["certificateNo"]?.stringValue ?? "")）已由 \(ItemReport.who(wf, first, now: now)) 配发。未写入任何内容。")
                }
            }))
            return try pushResult(op, push: p.id)
        }
    }

    func pushResult(_ op: VerifiedOp, push: Digest) throws -> PushActResult {
        let (wf, ctx) = try item(push)
        return PushActResult(op: op, status: try wf.status(of: wf.pushes[push]!, ctx), workflow: wf)
    }
}
