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
let result = EvidenceVerifier.output(paths: args.filter { $0 != "--json" }, json: json) { path in
    FileManager.default.contents(atPath: path).map { [UInt8]($0) }
}
for line in result.stdout { print(line) }
for line in result.stderr { FileHandle.standardError.write(Data((line + "\n").utf8)) }
exit(result.failed ? 1 : 0)
