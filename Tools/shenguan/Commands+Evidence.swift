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
    guard let bundle = try store.evidenceBundle(for: target.id, now: now) else {
        throw CLIError("evidence.not_an_item", "\(target.id.hex.prefix(12))… is neither a push, an inquiry nor an operation of a forked author.")
    }
    return bundle
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
