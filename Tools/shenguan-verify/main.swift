import Foundation
import ShenguanCore

/// `shenguan-verify BUNDLE.json…`: checks evidence bundles with nothing but
/// the core and crypto libraries (no replica, no network). Several bundles
/// are checked one by one. Exit 0 when every bundle passes and its verdict
/// is reproduced; 1 otherwise; 2 on a usage error.
let args = Array(CommandLine.arguments.dropFirst())
if args.isEmpty || args.contains("--help") || args.contains("-h") {
    print("USAGE: shenguan-verify [--json] BUNDLE.json…\n\nRechecks Shenguan evidence bundles offline: signatures, ids, chain links, keys, intervals, limits and verdicts (PROTOCOL.md §8).")
    exit(args.isEmpty ? 2 : 0)
}
let json = args.contains("--json")
var failed = false
for path in args where path != "--json" {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("error [evidence.unreadable]: cannot read \(path)\n".utf8)); failed = true; continue
    }
    do {
        let bundle = try EvidenceBundle(bytes: [UInt8](data))
        let report = EvidenceVerifier.verify(bundle)
        failed = failed || !report.passed
        if json {
            print(String(decoding: try CanonicalJSON.encode(["file": .string(path), "passed": .bool(report.passed), "verdict": report.verdict,
                                                              "incomplete": .array(report.incomplete.map { .string($0) }),
                                                              "failures": .array(report.lines.filter { !$0.ok }.map { .string($0.en) })]), as: UTF8.self))
        } else {
            for line in EvidenceVerifier.text(report, bundle: bundle) { print(line) }
        }
    } catch {
        FileHandle.standardError.write(Data("error [evidence.malformed]: \(path): \(error)\n".utf8)); failed = true
    }
}
exit(failed ? 1 : 0)
