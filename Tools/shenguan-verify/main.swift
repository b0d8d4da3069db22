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
    let out = EvidenceVerifier.output(bytes: [UInt8](data), path: path, json: json)
    for line in out.stdout { print(line) }
    if let e = out.stderr { FileHandle.standardError.write(Data((e + "\n").utf8)) }
    failed = failed || !out.passed
}
exit(failed ? 1 : 0)
