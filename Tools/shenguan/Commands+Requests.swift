import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

struct Revoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Revocation requests (R10): a regulator asks, the bureau decides.",
        subcommands: [RevokeRequest.self, RevokeDecide.self])
}

struct RevokeRequest: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "request",
        abstract: "Ask the issuing bureau to revoke, withdraw, cancel or change a licence, with basis and evidence (R10 协同处理申请单).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The approval (licence) id or prefix.") var approval: String
    @Option(help: "revoke, withdraw, cancel or change.") var action = "revoke"
    @Option(help: "Legal basis and facts.") var basis: String
    @Option(help: "Evidence file (repeatable).") var evidence: [String] = []

    func run() throws {
        try guarded {
            let s = try WorkflowSession(global)
            let a = try s.resolve(approval, kind: WorkflowKinds.approval, what: "an approval")
            var body: [String: JSONValue] = ["approval": .string(a.id.hex), "action": .string(action), "basis": .string(basis)]
            _ = try RevocationRequestBody(json: .object(body))
            if !evidence.isEmpty { body["evidence"] = .array(try evidence.map { try s.attach($0) }) }
            let op = try s.append(WorkflowKinds.revocationRequest, body, staff: who.staff)
            if global.json { printJSON(.object(["request": .string(op.id.hex)])); return }
            print("request \(op.id.hex)  \(action) → to-do in \(s.roster.departments[s.roster.replicas[a.header.author]?.department ?? ""]?.name ?? "the bureau")'s inbox (R10)")
        }
    }
}

struct RevokeDecide: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decide",
        abstract: "Decide a revocation request (bureau only, R10): grant changes the licence status everywhere after sync; decline explains why.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The request id or prefix.") var request: String
    @Flag(help: "Grant the request.") var grant = false
    @Flag(help: "Decline the request.") var decline = false
    @Option(help: "The written reason (required; sent back to the regulator).") var reason: String

    func validate() throws {
        guard grant != decline else { throw ValidationError("Give exactly one of --grant or --decline.") }
    }

    func run() throws {
        try guarded {
            let s = try WorkflowSession(global)
            let r = try s.resolve(request, kind: WorkflowKinds.revocationRequest, what: "a revocation request")
            let (wf, _) = try s.item(r.id)
            if let d = wf.requests[r.id]?.decisions.first {
                throw CLIError("workflow.already_decided", "This request was already decided by \(wf.who(d)); nothing was written.")
            }
            let op = try s.append(WorkflowKinds.revocationDecision, ["request": .string(r.id.hex), "grant": .bool(grant), "reason": .string(reason)], staff: who.staff)
            let (after, _) = try s.item(r.id)
            let status = after.requests[r.id].map { after.licenceStatus($0.body.approval) } ?? "?"
            if global.json { printJSON(.object(["decision": .string(op.id.hex), "licenceStatus": .string(status)])); return }
            print("decision \(op.id.hex)  \(grant ? "granted" : "declined")  licence status: \(status) (R10)")
        }
    }
}

struct Inquire: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a letter of inquiry (函询, R12): no reply by the limit counts as consent.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Option(help: "The department asked.") var to: String
    @Option(help: "Working days to reply (1–30).") var workingDays: Int
    @Option(help: "Subject line.") var subject: String
    @Option(help: "The question.") var question: String

    func run() throws {
        try guarded {
            let s = try WorkflowSession(global)
            try s.checkDepartment(to)
            let op = try s.append(WorkflowKinds.inquiry, ["to": .string(to), "workingDays": .int(Int64(workingDays)),
                                                           "subject": .string(subject), "question": .string(question)], staff: who.staff)
            let (wf, ctx) = try s.item(op.id)
            let st = try wf.status(of: wf.inquiries[op.id]!, ctx)
            if global.json { printJSON(wf.json(st)); return }
            print("inquiry \(op.id.hex)  → \(wf.name(of: to))  reply by \(st.verdict.due.deadlineRFC3339), silence = consent (R12)")
        }
    }
}

struct Reply: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Reply to a letter of inquiry addressed to this department (R12).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The inquiry id or prefix.") var inquiry: String
    @Flag(help: "Consent.") var consent = false
    @Flag(help: "Object.") var object = false
    @Option(help: "The reply.") var text: String

    func validate() throws {
        guard consent != object else { throw ValidationError("Give exactly one of --consent or --object.") }
    }

    func run() throws {
        try guarded {
            let s = try WorkflowSession(global)
            let q = try s.resolve(inquiry, kind: WorkflowKinds.inquiry, what: "an inquiry")
            let (wf, ctx) = try s.item(q.id)
            if let open = wf.inquiries[q.id], open.body.to == s.department {
                let st = try wf.status(of: open, ctx)
                if st.isClosed {
                    let why = st.verdict.outcome == .onTime ? "it was answered by \(wf.who(open.replies[0]))"
                        : "its limit \(st.verdict.due.deadlineRFC3339) passed without a reply, so it counts as consent (R12)"
                    throw CLIError("workflow.closed", "This inquiry is closed: \(why). A reply can no longer change it; nothing was written.")
                }
            }
            let op = try s.append(WorkflowKinds.reply, ["inquiry": .string(q.id.hex), "consent": .bool(consent), "text": .string(text)], staff: who.staff)
            let (after, judged) = try s.item(q.id)
            let st = try after.status(of: after.inquiries[q.id]!, judged)
            if global.json { printJSON(.object(["reply": .string(op.id.hex), "inquiry": after.json(st)])); return }
            print("reply \(op.id.hex)  \(Words.of(st.label)) (R12)")
        }
    }
}

struct Correct: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Correct a mutable field of an approval (contact, validUntil); supersedes the values this replica sees.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The approval id or prefix.") var approval: String
    @Option(help: "contact or validUntil.") var field: String
    @Option(help: "The new value.") var value: String

    func run() throws {
        try guarded {
            let s = try WorkflowSession(global)
            let a = try s.resolve(approval, kind: WorkflowKinds.approval, what: "an approval")
            let seen = try s.item(a.id).0.fieldValues(a.id, field: field).compactMap(\.by).map { JSONValue.string($0.hex) }
            var body: [String: JSONValue] = ["approval": .string(a.id.hex), "field": .string(field), "value": .string(value)]
            if !seen.isEmpty { body["supersedes"] = .array(seen.sorted { $0.stringValue! < $1.stringValue! }) }
            let op = try s.append(WorkflowKinds.correction, body, staff: who.staff)
            if global.json { printJSON(.object(["correction": .string(op.id.hex)])); return }
            print("correction \(op.id.hex)  \(field) = \(value)\(seen.count > 1 ? " (resolves a conflict of \(seen.count) values)" : "")")
        }
    }
}
