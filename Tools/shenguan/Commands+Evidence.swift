import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

struct Evidence: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the evidence bundle of a push's or inquiry's verdict, or of a forked author (R24; PROTOCOL.md §8).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "A push or inquiry id (or prefix), or an operation of a forked author.") var id: String
    @Option(help: "The bundle file to write.") var out: String

    func run() throws {
        try guarded {
            let store = try global.openStore()
            let now = try Clock.nowMillis()
            let bundle = try makeBundle(store: store, target: try store.op(id), now: now)
            let fh = try openOutput(out)
            fh.write(Data(try CanonicalJSON.encode(bundle.json)))
            try fh.close()
            if global.json {
                printJSON(["file": .string(out), "kind": .string(bundle.kind), "ops": .int(Int64(bundle.envelopes.count)), "verdict": bundle.verdict])
            } else {
                print("Wrote \(out): \(bundle.kind) \(bundle.subject.prefix(16))…, \(bundle.envelopes.count) signed operations, verdict \(bundle.verdict["status"]?.stringValue ?? (bundle.kind == "equivocation" ? "fork" : "?"))")
            }
        }
    }

    func openOutput(_ path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let fh = FileHandle(forWritingAtPath: path) else {
            throw CLIError("evidence.unwritable", "Cannot write \(path): check the folder exists and is writable.")
        }
        return fh
    }
}

/// The evidence bundle of the verdict about `target` (a push, an inquiry,
/// or an operation of a forked author), judged at `now`.
func makeBundle(store: ReplicaStore, target: VerifiedOp, now: Int64) throws -> EvidenceBundle {
    let (wf, ctx, graph, all) = try store.judging(now: now)
    let forked = all.values.filter { $0.header.author == target.header.author && $0.header.seq == target.header.seq }
    if forked.count > 1 {
        // Equivocation: the conflicting signed operations are the proof.
        let roster = all.values.filter { $0.header.kind.hasPrefix("roster.") }
        return EvidenceBundle(network: store.network, subject: target.header.author.base64url, kind: "equivocation", judgedAt: now,
                              envelopes: (roster + forked).sorted { ($0.header.clock, $0.id) < ($1.header.clock, $1.id) }.map(\.envelope),
                              verdict: ["fork": true, "seq": .int(target.header.seq)])
    }
    if let p = wf.pushes[target.id] {
        let st = try wf.status(of: p, ctx)
        let acts = (p.claims + p.feedback).map(\.id)
        return EvidenceBundle(network: store.network, subject: p.act.id.hex, kind: "push", judgedAt: now,
                              envelopes: EvidenceBundle.select(items: [p.act.id] + acts, judged: [p.act.id] + acts, graph: graph, all: all).map(\.envelope),
                              verdict: EvidenceVerifier.verdictJSON(label: st.label, st.claim, responsible: st.responsible))
    }
    if let q = wf.inquiries[target.id] {
        let st = try wf.status(of: q, ctx)
        var items = [q.act.id] + q.replies.map(\.id)
        // R12: the silent party's chain seen past the limit makes consent final.
        if let seen = ctx.evidence.lastCited(department: q.body.to) { items.append(seen.op) }
        return EvidenceBundle(network: store.network, subject: q.act.id.hex, kind: "inquiry", judgedAt: now,
                              envelopes: EvidenceBundle.select(items: items, judged: [q.act.id] + q.replies.map(\.id), graph: graph, all: all).map(\.envelope),
                              verdict: EvidenceVerifier.verdictJSON(label: st.label, st.verdict, responsible: st.responsible))
    }
    throw CLIError("evidence.not_an_item", "\(target.id.hex.prefix(12))… is neither a push, an inquiry nor an operation of a forked author.")
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check an evidence bundle offline: signatures, keys, chain links, intervals, limit and verdict (needs no replica).")
    @Argument(help: "Evidence bundle files.") var files: [String]
    @Flag(help: "Print machine-readable JSON instead of text.") var json = false

    func run() throws {
        let result = EvidenceVerifier.output(paths: files, json: json) { path in
            FileManager.default.contents(atPath: path).map { [UInt8]($0) }
        }
        for line in result.stdout { print(line) }
        for line in result.stderr { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        if result.failed { throw ExitCode(1) }
    }
}
