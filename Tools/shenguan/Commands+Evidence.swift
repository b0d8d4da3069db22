import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanReplica

struct Evidence: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the evidence bundle of a push's or inquiry's verdict, or of a forked author (R24; PROTOCOL.md §8).", discussion: "Example: shenguan evidence JY137150001 --out bundle.json")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "A push or inquiry id (or prefix), a licence number with one push, or an operation of a forked author.") var id: String
    @Option(help: "The bundle file to write.") var out: String

    func run() throws {
        let bundle = try openReader(global).evidence(id)
        let fh = try openOutput(out)
        fh.write(Data(try CanonicalJSON.encode(bundle.json)))
        try fh.close()
        if global.json {
            printJSON(["file": .string(out), "kind": .string(bundle.kind), "ops": .int(Int64(bundle.envelopes.count)), "verdict": bundle.verdict])
        } else {
            print("Wrote \(out): \(bundle.kind) \(bundle.subject.prefix(16))…, \(bundle.envelopes.count) signed operations, verdict \(bundle.verdict["status"]?.stringValue ?? (bundle.kind == "equivocation" ? "fork" : "?"))")
        }
    }

    func openOutput(_ path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let fh = FileHandle(forWritingAtPath: path) else {
            throw ReplicaError("evidence.unwritable", "Cannot write \(path): check the folder exists and is writable.", zh: "无法写入 \(path)：请检查文件夹是否存在且可写。")
        }
        return fh
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check an evidence bundle offline: signatures, keys, chain links, intervals, limit and verdict (needs no replica).", discussion: "Example: shenguan verify bundle.json")
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
