import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanReplica

/// `shenguan certify`: the regulator issues the certificate a push asks for (R17).
struct Certify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Issue the certificate a claimed push asks for, within its legal or promised limit (R17).",
        discussion: "Example: shenguan certify JY137150001 --certificate-no JY13715020000123 --staff 0042")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The push id or prefix, or the licence number with one push to this department.") var push: String
    @Option(name: .customLong("certificate-no"), help: "The certificate's number.") var certificateNo: String

    func run() throws {
        let clerk = try openClerk(global)
        let res = try clerk.issueCertificate(push, certificateNo: certificateNo, staff: try who.resolved(clerk.reader))
        if global.json { printJSON(res.json("certificate")); return }
        print("certificate \(res.op.id.hex)  \(certificateNo)  " + (res.status.certificate.map { ClerkWords.certificate($0) } ?? "") + " (R17)")
    }
}

struct Approve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Issue an approval (R1) and push it to the responsible regulators (R2 claim limits start).",
        discussion: "Example: shenguan approve --item-code 370100-001 --item-name 食品经营许可 --applicant 鲁西餐饮有限公司 --credit-code 91371500MA3C4XYW1A --contact 0635-1234567 --licence JY137150001 --push-to market --attach scan.pdf")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Option(help: "Item code (事项编码).") var itemCode: String
    @Option(help: "Item name (事项名称).") var itemName: String
    @Option(help: "Power type (权力类型).") var powerType = PowerType(value: "行政许可")
    @Option(help: "Applicant's name (申请人).") var applicant: String
    @Option(help: "Applicant's 18-character unified social credit code (R8, GB 32100-2015).") var creditCode: String
    @Option(help: "Applicant's contact (联系方式).") var contact: String
    @Option(help: "Licence number (证照编号).") var licence: String
    @Option(help: "Decision date YYYY-MM-DD (default: today, CST).") var decisionDate: String?
    @Option(help: "Valid until YYYY-MM-DD.") var validUntil: String?
    @Option(help: "Project code (项目代码).") var projectCode: String?
    @Option(help: "Approval reply (批复) text.") var reply: String?
    @Option(help: "A risk point found during approval (repeatable).") var risk: [String] = []
    @Option(help: "The signed commitment letter of a 告知承诺 item (a file; marks the item as one).") var commitmentLetter: String?
    @Option(name: .customLong("promised-date"), help: "R11: the day the applicant promised to meet the conditions by (with --commitment-letter).") var promisedDate: String?
    @Option(help: "A scanned attachment (repeatable).") var attach: [String] = []
    @Option(help: "Department to push to (repeatable; default: the regulators the boundary list names for the item, R18).") var pushTo: [String] = []
    @Option(name: .customLong("certificate-by"), help: "R17: the department (of --push-to) that issues the certificate.") var certificateBy: String?
    @Option(name: .customLong("certificate-days"), help: "R17: the legal or promised limit for the certificate, in working days (1–60).") var certificateDays: Int?
    @Option(name: .customLong("certificate-basis"), help: "R17: the law or promise the limit comes from.") var certificateBasis: String?

    func run() throws {
        let clerk = try openClerk(global)
        var r = ApprovalRequest(itemCode: itemCode, itemName: itemName, applicant: applicant, creditCode: creditCode,
                                contact: contact, licence: licence, pushTo: pushTo)
        r.powerType = powerType.value
        r.decisionDate = try civilDate(decisionDate, field: "decision-date")
        r.validUntil = try civilDate(validUntil, field: "valid-until")
        r.projectCode = projectCode; r.reply = reply; r.risks = risk
        r.commitmentLetter = try commitmentLetter.map(upload)
        r.promisedDate = try civilDate(promisedDate, field: "promised-date")
        r.attachments = try attach.map(upload)
        r.staff = try who.resolved(clerk.reader)
        r.certificateBy = certificateBy
        if certificateDays != nil || certificateBasis != nil {
            r.certificate = CertificateRequest(workingDays: certificateDays ?? 0, basis: certificateBasis ?? "")
        }
        let res = try clerk.approve(r)
        if global.json { printJSON(res.json); return }
        print("approval \(res.approval.id.hex)  \(itemName) · \(applicant) · \(licence)  (R1)")
        for w in res.alerts {
            print("  ⚠ 预警名单 warning list (R9): \(w.level == "restricted" ? "限制准入 restricted admission" : "从严审批 strict admission") — \(w.reason) [\(w.source.hex.prefix(12))]")
        }
        if res.routed { print("  推送对象按边界清单 pushed to the regulators the boundary list names for \(itemCode) (R18)") }
        if let c = res.boundary, !c.matches {
            if c.conflict { print("  ⚠ 边界清单有并存版本 the boundary list holds concurrent versions of this item (R18)") }
            if !c.missing.isEmpty { print("  ⚠ 清单列明但未推送 listed but not pushed to: \(c.missing.map { res.workflow.name(of: $0) }.joined(separator: "、")) (R1, R18)") }
            if !c.unlisted.isEmpty { print("  ⚠ 推送对象不在清单中 pushed to a department the list does not name: \(c.unlisted.map { res.workflow.name(of: $0) }.joined(separator: "、")) (R18)") }
        }
        for st in res.pushes {
            print("  push \(st.push.act.id.hex)  → \(res.workflow.name(of: st.push.body.to))  认领时限 claim by \(ClerkTime.limit(st.claim.due, now: clerk.now)) (\(st.claim.rule), \(st.claim.due.workingDays) 工作日)"
                  + (st.certificate.map { "  配发证照 certificate by \(ClerkTime.limit($0.due, now: clerk.now)) (R17, \($0.due.workingDays) 工作日)" } ?? ""))
        }
    }
}

struct Claim: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Claim (sign for) a push addressed to this department (R2, R3, R7).",
        discussion: "Name the push by its id, or by the licence number when the licence has one push to this department.\nExample: shenguan claim JY137150001 --staff B001")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The push id (or prefix), or a licence number, credit code or applicant name.") var push: String

    func run() throws {
        let clerk = try openClerk(global)
        let res = try clerk.claim(push, staff: try who.resolved(clerk.reader))
        if global.json { printJSON(res.json("claim")); return }
        let st = res.status
        print("claim \(res.op.id.hex)  \(ClerkWords.status(st.label))  (\(st.claim.rule); 时限 limit \(ClerkTime.limit(st.claim.due, now: clerk.now)))")
        if st.claim.outcome == .late { print("  the automatic claim at the limit stands; responsible: \(res.workflow.name(of: st.push.body.to)) (R2, R24)") }
    }
}

struct Feedback: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Send doubts or a dispute about a received push back to its sender (R4).", discussion: "Example: shenguan feedback JY137150001 --text '许可有效期与系统记录不一致' --staff 0042")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The push id (or prefix), or a licence number.") var push: String
    @Option(help: "What is doubted or disputed.") var text: String

    func run() throws {
        let clerk = try openClerk(global)
        let res = try clerk.feedback(push, text: text, staff: try who.resolved(clerk.reader))
        if global.json { printJSON(res.json("feedback")); return }
        let fb = res.status.feedback
        let words = fb.map { v in v.outcome == .onTime ? "within" : v.outcome == .awaitingWitness ? "dated within (awaiting a witness)" : "after" } ?? "?"
        print("feedback \(res.op.id.hex)  \(words) the R4 limit \(fb.map { ClerkTime.limit($0.due, now: clerk.now) } ?? "")")
    }
}

struct Relay: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Forward a push this department received to a higher-level regulator (R5).", discussion: "Example: shenguan relay JY137150001 --to province --staff 0042")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The push id (or prefix), or a licence number.") var push: String
    @Option(help: "The department to forward to.") var to: String

    func run() throws {
        let clerk = try openClerk(global)
        let res = try clerk.relay(push, to: to, staff: try who.resolved(clerk.reader))
        if global.json { printJSON(.object(["push": .string(res.op.id.hex), "via": res.status.push.body.via.map { .string($0.hex) } ?? .null])); return }
        print("push \(res.op.id.hex)  relayed to \(res.workflow.name(of: to)) (R5)")
    }
}
