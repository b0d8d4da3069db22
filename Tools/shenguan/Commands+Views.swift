import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// Opens the store for a view: the store, now, and this replica's
/// department (from its key's public half, no passphrase). Views read the
/// rows they show through the read model (`ReplicaStore.inboxView`, …).
func openView(_ g: GlobalOptions) throws -> (ReplicaStore, Int64, String?) {
    let home = ReplicaHome(path: g.resolvedHome)
    let store = try home.open()
    let now = try Clock.nowMillis()
    let dept = try (try? home.publicKey()).flatMap { try store.roster()?.replicas[$0]?.department }
    return (store, now, dept)
}

struct Inbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What this department must act on, oldest limit first, with time left in working days and hours.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Show another department's inbox (default: this replica's).") var department: String?

    func run() throws {
        try guarded {
            let (store, now, mine) = try openView(global)
            guard let dept = department ?? mine else { throw CLIError("inbox.department", "This replica's department is unknown (not admitted yet); name one with --department.") }
            let view = try store.inboxView(department: dept, now: now)
            let (wf, ctx) = (view.workflow, view.context)
            let items = try wf.inbox(for: dept, ctx)
            if global.json { printJSON(.object(["department": .string(dept), "items": .array(items.map { wf.json($0, ctx) })])); return }
            print("\(wf.name(of: dept)) (\(dept)) · \(items.count) to act on · now \(ChinaStandardTime.rfc3339CST(millis: ctx.now))")
            if items.isEmpty { return }
            printTable(["id", "action", "rule", "from", "limit", "left", "what"], items.map { i in
                [String(i.id.hex.prefix(12)), Words.action(i.action), i.rule, wf.name(of: i.from),
                 i.due?.deadlineRFC3339 ?? "no limit", i.due.map { Words.left($0, ctx) } ?? "—", i.title]
            })
        }
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Full history of a licence, push, revocation request or inquiry: who did what and when, with verdicts.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "An id or prefix.") var id: String

    func run() throws {
        try guarded {
            let (store, now, _) = try openView(global)
            let op = try store.op(id)
            let view = try store.itemView(op.id, now: now)
            let report = try StatusReport(wf: view.workflow, ctx: view.context, id: op.id)
            if global.json { printJSON(report.json); return }
            for line in report.lines { print(line) }
        }
    }
}

/// The history and verdicts of one item, as JSON and as text.
struct StatusReport {
    var json: JSONValue = .null
    var lines: [String] = []

    init(wf: Workflow, ctx: JudgeContext, id: Digest) throws {
        if let a = wf.approvals[id] {
            let pushes = try wf.pushStatuses(of: id, ctx)
            let reqs = wf.requests.values.filter { $0.body.approval == id }.sorted { $0.act.id < $1.act.id }
            let sup = wf.supervision.values.filter { $0.body.approval == id }.sorted { $0.act.id < $1.act.id }
            let contact = wf.fieldValues(id, field: "contact").map(\.value)
            json = .object(["kind": "licence", "approval": wf.actJSON(a.act), "licenceNo": .string(a.body.licenceNo),
                            "item": .string(a.body.itemName), "applicant": .string(a.body.applicantName),
                            "creditCode": .string(a.body.creditCode.value), "status": .string(wf.licenceStatus(id)),
                            "contact": .array(contact.map { .string($0) }),
                            "alerts": .array(a.body.alerts.map { .string($0.hex) }),
                            "pushes": .array(pushes.map { wf.json($0) }),
                            "requests": .array(reqs.map { r in .object(["request": wf.actJSON(r.act), "decisions": .array(r.decisions.map { wf.actJSON($0) })]) }),
                            "supervision": .array(sup.map { wf.actJSON($0.act) })])
            lines.append("许可 licence \(a.body.licenceNo) · \(a.body.itemName) · \(a.body.applicantName) (\(a.body.creditCode.value)) · status \(wf.licenceStatus(id))")
            lines.append("  \(wf.who(a.act))  issued (R1)\(a.body.alerts.isEmpty ? "" : "  ⚠ warning-list alert (R9)")")
            if contact.count > 1 { lines.append("  ⚠ contact has \(contact.count) concurrent values: \(contact.joined(separator: " | "))") }
            for p in pushes { lines += Self.pushLines(wf, p) }
            for s in sup { lines.append("  \(wf.who(s.act))  supervision \(s.body.category): \(s.body.summary) (R6)") }
            for r in reqs {
                lines.append("  \(wf.who(r.act))  requests \(r.body.action): \(r.body.basis) (R10)")
                for d in r.decisions {
                    let b = d.op.body.flatMap { try? RevocationDecisionBody(json: $0) }
                    lines.append("  \(wf.who(d))  \(b?.grant == true ? "grants" : "declines"): \(b?.reason ?? "") (R10)")
                }
            }
        } else if let p = wf.pushes[id] {
            let st = try wf.status(of: p, ctx)
            json = wf.json(st)
            lines = Self.pushLines(wf, st)
        } else if let r = wf.requests[id] {
            json = .object(["kind": "revocation.request", "request": wf.actJSON(r.act), "approval": .string(r.body.approval.hex),
                            "action": .string(r.body.action), "basis": .string(r.body.basis),
                            "decisions": .array(r.decisions.map { wf.actJSON($0) }),
                            "licenceStatus": .string(wf.licenceStatus(r.body.approval))])
            lines.append("revocation request (R10): \(r.body.action) · \(wf.title(ofRecord: r.body.approval))")
            lines.append("  \(wf.who(r.act))  asks: \(r.body.basis)")
            if r.decisions.isEmpty { lines.append("  awaiting the bureau's decision") }
            for d in r.decisions {
                let b = d.op.body.flatMap { try? RevocationDecisionBody(json: $0) }
                lines.append("  \(wf.who(d))  \(b?.grant == true ? "grants" : "declines"): \(b?.reason ?? "")")
            }
            lines.append("  licence status: \(wf.licenceStatus(r.body.approval))")
        } else if let q = wf.inquiries[id] {
            let st = try wf.status(of: q, ctx)
            json = wf.json(st)
            lines.append("函询 inquiry (R12): \(q.body.subject) → \(wf.name(of: q.body.to))")
            lines.append("  \(wf.who(q.act))  asks: \(q.body.question)")
            for r in q.replies { lines.append("  \(wf.who(r))  replies: \(r.op.body?["text"]?.stringValue ?? "")") }
            lines.append("  \(Words.of(st.label)) · limit \(st.verdict.due.deadlineRFC3339) · \(st.verdict.evidence)")
            if st.verdict.outcome == .lapsed {
                lines.append(st.isFinal ? "  final: \(wf.name(of: q.body.to))'s chain was seen by another department at \(st.finalBy.map { ChinaStandardTime.rfc3339CST(millis: $0.time) } ?? "?"), past the limit plus grace, with no reply"
                                        : "  provisional: final once \(wf.name(of: q.body.to))'s chain is witnessed past the limit plus grace with no reply in it")
            }
            if let resp = st.responsible { lines.append("  responsible: \(wf.name(of: resp)) (R12)") }
        } else if let s = wf.supervision[id] {
            let pushes = try wf.pushStatuses(of: id, ctx)
            json = .object(["kind": "supervision.record", "record": wf.actJSON(s.act), "category": .string(s.body.category),
                            "pushes": .array(pushes.map { wf.json($0) })])
            lines.append("supervision \(s.body.category) · \(s.body.subjectName ?? "") \(s.body.creditCode?.value ?? "") · \(s.body.summary) (R6, R8)")
            lines.append("  \(wf.who(s.act))  recorded; published \(s.body.publishedDate.iso)")
            for p in pushes { lines += Self.pushLines(wf, p) }
        } else {
            throw CLIError("status.not_an_item", "\(id.hex.prefix(12))… is not a licence, push, supervision record, revocation request or inquiry.")
        }
    }

    static func pushLines(_ wf: Workflow, _ st: Workflow.PushStatus) -> [String] {
        var out = ["  \(wf.who(st.push.act))  pushes to \(wf.name(of: st.push.body.to))\(st.push.body.via == nil ? "" : " (relay, R5)") [\(st.push.act.id.hex.prefix(12))]"]
        if let pl = st.pushLimit { out.append("    R7 push limit \(pl.due.deadlineRFC3339): \(pl.outcome == .onTime ? "pushed in time" : "pushed late")") }
        for c in st.push.claims { out.append("  \(wf.who(c))  claims (R3)") }
        for f in st.push.feedback { out.append("  \(wf.who(f))  feedback (R4): \(f.op.body?["text"]?.stringValue ?? "")") }
        out.append("    → \(Words.of(st.label)) · \(st.claim.rule) limit \(st.claim.due.deadlineRFC3339) (\(st.claim.due.workingDays) 工作日) · \(st.claim.basis.rawValue)")
        out.append("      window from \(st.claim.start.map { $0.isWitnessed ? "\(ChinaStandardTime.rfc3339CST(millis: $0.hi)) (\($0.hiSource))" : "the bureau's own clock (not yet witnessed)" } ?? "?")")
        out.append("      evidence: \(st.claim.evidence)")
        if let r = st.responsible { out.append("    responsible: \(wf.name(of: r)) (\(st.claim.rule), R24)") }
        return out
    }
}

struct Conflicts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Concurrent edits kept side by side until a later operation resolves them, and equivocating authors.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try guarded {
            let (store, now, _) = try openView(global)
            let wf = try store.conflictsView(now: now).workflow
            let eqs = try store.equivocations()
            let cs = wf.conflicts
            if global.json {
                printJSON(.object([
                    "fields": .array(cs.map { c in .object(["target": .string(c.target.hex), "field": .string(c.field),
                                                            "values": .array(c.values.map { .object(["value": .string($0.value), "by": $0.by.map { .string($0.hex) } ?? .null]) })]) }),
                    "equivocations": .array(eqs.map { .object(["author": .string($0.author), "seq": .int($0.seq), "ids": .array($0.ids.map { .string($0) })]) }),
                ]))
                return
            }
            if cs.isEmpty && eqs.isEmpty { print("(no conflicts)"); return }
            for c in cs {
                print("\(wf.title(ofRecord: c.target)) · \(c.field): \(c.values.count) concurrent values")
                for v in c.values { print("  \(pad(v.value, 24))  by \(v.by.flatMap { wf.acts[$0] }.map { wf.who($0) } ?? "original")") }
            }
            for e in eqs { print("equivocation: author \(e.author.prefix(12))… signed \(e.ids.count) different operations at seq \(e.seq): \(e.ids.map { $0.prefix(12) }.joined(separator: ", "))") }
        }
    }
}
