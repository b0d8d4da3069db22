import ArgumentParser
import Foundation
import ShenguanCore
import ShenguanReplica

struct Revoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Revocation requests (R10): a regulator asks, the bureau decides.",
        subcommands: [RevokeRequest.self, RevokeDecide.self])
}

struct RevokeRequest: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "request",
        abstract: "Ask the issuing bureau to revoke, withdraw, cancel or change a licence, with basis and evidence (R10 协同处理申请单).",
        discussion: "Example: shenguan revoke request JY137150001 --basis '《食品安全法》第一百二十六条…' --evidence record.pdf")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The approval (licence): id or prefix, or licence number.") var approval: String
    @Option(help: "What the bureau is asked to do.") var action = RevocationAction(value: "revoke")
    @Option(help: "Legal basis and facts.") var basis: String
    @Option(help: "Evidence file (repeatable).") var evidence: [String] = []

    func run() throws {
        let clerk = try openClerk(global)
        let res = try clerk.requestRevocation(approval, action: action.value, basis: basis, evidence: try evidence.map(upload),
                                              staff: try who.resolved(clerk.reader))
        printResult(res, global)
    }
}

struct RevokeDecide: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decide",
        abstract: "Decide a revocation request (bureau only, R10): grant changes the licence status everywhere after sync; decline explains why.", discussion: "Example: shenguan revoke decide 5b1e07aa --grant --reason '经核查属实，依法撤销'")
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
        let clerk = try openClerk(global)
        let res = try clerk.decideRevocation(request, grant: grant, reason: reason, staff: try who.resolved(clerk.reader))
        printResult(res, global)
    }
}

struct Inquire: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a letter of inquiry (函询, R12): no reply by the limit counts as consent.", discussion: "Example: shenguan inquire --to market --working-days 3 --subject 关于扩大经营范围的函询 --question 是否同意？")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Option(help: "The department asked.") var to: String
    @Option(help: "Working days to reply (1–30).") var workingDays: Int
    @Option(help: "Subject line.") var subject: String
    @Option(help: "The question.") var question: String

    func run() throws {
        let clerk = try openClerk(global)
        let res = try clerk.inquire(to: to, workingDays: workingDays, subject: subject, question: question, staff: try who.resolved(clerk.reader))
        if global.json { printJSON(res.workflow.json(res.status)); return }
        print("inquiry \(res.op.id.hex)  → \(res.workflow.name(of: to))  reply by \(ClerkTime.limit(res.status.verdict.due, now: clerk.now)), silence = consent (R12)")
    }
}

struct Reply: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Reply to a letter of inquiry addressed to this department (R12).", discussion: "Example: shenguan reply 2546102e --consent --text 同意")
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
        let clerk = try openClerk(global)
        let res = try clerk.reply(inquiry, consent: consent, text: text, staff: try who.resolved(clerk.reader))
        if global.json { printJSON(.object(["reply": .string(res.op.id.hex), "inquiry": res.workflow.json(res.status)])); return }
        print("reply \(res.op.id.hex)  \(ClerkWords.status(res.status.label)) (R12)")
    }
}

struct Correct: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Correct a mutable field of an approval (contact, validUntil); supersedes the values this replica sees.", discussion: "Example: shenguan correct JY137150001 --field contact --value 0635-7654321")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The approval: id or prefix, or licence number.") var approval: String
    @Option(help: "The field to correct.") var field: CorrectableField
    @Option(help: "The new value.") var value: String

    func run() throws {
        let clerk = try openClerk(global)
        let res = try clerk.correct(approval, field: field.value, value: value, staff: try who.resolved(clerk.reader))
        printResult(res, global)
    }
}

/// `shenguan promise-check`: the post-verification of a 告知承诺 licence (R11).
struct PromiseCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promise-check",
        abstract: "Record the post-verification of a 告知承诺 licence (R11): promise kept, or broken with a rectification period.",
        discussion: "Example: shenguan promise-check JY137150001 --kept --findings 现场核查与承诺一致   (or --broken --cure-by 2026-11-30)")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The licence: id or prefix, or licence number.") var approval: String
    @Flag(help: "The promise is kept.") var kept = false
    @Flag(help: "The promise is broken (give --cure-by).") var broken = false
    @Option(name: .customLong("cure-by"), help: "The last day of the rectification period, YYYY-MM-DD.") var cureBy: String?
    @Option(help: "What was found.") var findings: String

    func validate() throws {
        guard kept != broken else { throw ValidationError("Give exactly one of --kept or --broken.") }
    }

    func run() throws {
        let clerk = try openClerk(global)
        let res = try clerk.verifyPromise(approval, kept: kept, findings: findings, cureBy: try civilDate(cureBy, field: "cure-by"),
                                          staff: try who.resolved(clerk.reader))
        printResult(res, global)
    }
}
