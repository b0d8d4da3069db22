import Foundation
import Testing
import ShenguanTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The passphrase of every encrypted test replica (non-ASCII on purpose).
let testPassphrase = "correct horse 审批 battery staple"
/// The root key's own passphrase in the tests (the root key never shares the replica's).
let rootTestPassphrase = "root 根密钥 of the oversight office"

/// One rejected line, as `shenguan import --json` and the Python verifier report it.
struct Rejected: Equatable, Hashable, CustomStringConvertible {
    let line: Int
    let code: String
    var description: String { "line \(line): \(code)" }
}

/// The parsed `shenguan import --json` output plus the exit status.
struct ImportOutcome {
    let status: Int32
    let counts: [String: Int]
    let released: Int
    let rejected: [Rejected]
    let stderr: String
}

/// The real `shenguan` binary bound to one replica folder.
struct CLI {
    let home: String
    init(home: String) { self.home = home }

    /// Environment of every run: a known passphrase, the system clock, no
    /// inherited replica folder.
    static let baseEnv = ["SHENGUAN_PASSPHRASE": testPassphrase, "SHENGUAN_ROOT_PASSPHRASE": rootTestPassphrase,
                          "SHENGUAN_NOW": "", "SHENGUAN_HOME": "", "SHENGUAN_STAFF": ""]

    /// `shenguan ARGS` with no `--home` added.
    static func raw(_ args: [String], env: [String: String] = [:]) throws -> ProcessResult {
        try Subprocess.run(Subprocess.shenguan, args, env: baseEnv.merging(env) { $1 })
    }

    /// `shenguan ARGS… --home HOME` (options may follow the arguments, and
    /// nested subcommands such as `network admit` keep their order).
    @discardableResult
    func run(_ args: [String], env: [String: String] = [:]) throws -> ProcessResult {
        try CLI.raw(args + ["--home", home], env: env)
    }

    /// Runs a command that must succeed and returns its stdout.
    @discardableResult
    func ok(_ args: [String], env: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let r = try run(args, env: env)
        try #require(r.status == 0, "shenguan \(args.joined(separator: " ")) exited \(r.status): \(r.stderr)",
                     sourceLocation: sourceLocation)
        return r.stdout
    }

    /// Runs a command with `--json` that must succeed and returns the parsed output.
    func json(_ args: [String], env: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
        let out = try ok(args + ["--json"], env: env, sourceLocation: sourceLocation)
        return try JSONSerialization.jsonObject(with: Data(out.utf8))
    }

    /// `note TEXT`; returns the new operation's id.
    @discardableResult
    func note(_ text: String, env: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let o = try #require(try json(["note", text], env: env, sourceLocation: sourceLocation) as? [String: Any])
        return try #require(o["id"] as? String, sourceLocation: sourceLocation)
    }

    /// `state --digest` (hex), optionally with `--rebuild`.
    func digest(rebuild: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try ok(["state", "--digest"] + (rebuild ? ["--rebuild"] : []), sourceLocation: sourceLocation)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Number of operations held, from `state --json --digest`.
    func opCount(sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let o = try #require(try json(["state", "--digest"], sourceLocation: sourceLocation) as? [String: Any])
        return try #require(o["ops"] as? Int, sourceLocation: sourceLocation)
    }

    /// (held, pending) from the first line of `state`: `operations  N held, P pending`.
    func heldAndPending(sourceLocation: SourceLocation = #_sourceLocation) throws -> (Int, Int) {
        let first = try ok(["state"], sourceLocation: sourceLocation).split(separator: "\n").first.map(String.init) ?? ""
        let numbers = first.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        try #require(numbers.count == 2, "unexpected state line: \(first)", sourceLocation: sourceLocation)
        return (numbers[0], numbers[1])
    }

    /// `export --out PATH`; returns the number of operations written.
    @discardableResult
    func export(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let o = try #require(try json(["export", "--out", path], sourceLocation: sourceLocation) as? [String: Any])
        return try #require(o["ops"] as? Int, sourceLocation: sourceLocation)
    }

    /// `import --json PATH`, parsed (exit 0 or 1 expected; anything else fails).
    func importFile(_ path: String, env: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> ImportOutcome {
        let r = try run(["import", path, "--json"], env: env)
        try #require(r.status == 0 || r.status == 1, "import exited \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
                             sourceLocation: sourceLocation)
        let rows = try #require(o["rejected"] as? [[String: Any]], sourceLocation: sourceLocation)
        return ImportOutcome(status: r.status, counts: try #require(o["counts"] as? [String: Int], sourceLocation: sourceLocation),
                             released: try #require(o["released"] as? Int, sourceLocation: sourceLocation),
                             rejected: rows.map { Rejected(line: $0["line"] as? Int ?? -1, code: $0["code"] as? String ?? "?") },
                             stderr: r.stderr)
    }
}

/// Expects `error [code]: …` on stderr and exit status 2.
func expectError(_ r: ProcessResult, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.status == 2, "exit status \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stderr.hasPrefix("error [\(code)]: "), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
}

/// base64url without padding (RFC 4648 §5), written here independently of the library.
enum B64U {
    static func decode(_ s: String) -> [UInt8]? {
        var t = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while t.count % 4 != 0 { t += "=" }
        return Data(base64Encoded: t).map { [UInt8]($0) }
    }
    static func encode(_ b: [UInt8]) -> String {
        Data(b).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// An export file (PROTOCOL.md §3) as lines: the file header, then one envelope per line.
struct ExportFile {
    var network: String
    var ops: [String]

    init(network: String, ops: [String]) { self.network = network; self.ops = ops }

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"), "export file lacks its final newline")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let head = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(head["format"] as? String == "shenguan-export/1")
        #expect(head["count"] as? Int == lines.count - 1)
        network = try #require(head["network"] as? String)
        ops = Array(lines.dropFirst())
    }

    /// Writes the file with a header whose count matches the lines.
    func write(to path: String) throws {
        let head = "{\"count\":\(ops.count),\"format\":\"shenguan-export/1\",\"network\":\"\(network)\"}\n"
        try Data((head + ops.map { $0 + "\n" }.joined()).utf8).write(to: URL(fileURLWithPath: path))
    }

    /// The string members of an envelope line.
    static func fields(_ line: String) throws -> [String: String] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
    }

    /// An envelope line from its members (members sorted; b64u values need no escaping).
    static func line(_ f: [String: String]) -> String {
        "{" + f.keys.sorted().map { "\"\($0)\":\"\(f[$0]!)\"" }.joined(separator: ",") + "}"
    }
}

/// The JSON report of `Tools/verify-py/shenguan_verify.py export FILE --json`.
struct PyReport {
    let status: Int32
    let ok: Int
    let rejected: [Rejected]
    let external: Int
    /// Codes of file-level problems (file.*), not counted as rejected operations.
    let fileProblems: [String]
    let summary: String

    init(_ path: String, network: String? = nil) throws {
        let r = try Subprocess.python("shenguan_verify.py", ["export", path, "--json"] + (network.map { ["--network", $0] } ?? []))
        status = r.status
        summary = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
                             "verify-py output: \(r.stdout) \(r.stderr)")
        ok = try #require(o["ok"] as? Int)
        rejected = (o["rejected"] as? [[String: Any]] ?? []).map { Rejected(line: $0["line"] as? Int ?? -1, code: $0["code"] as? String ?? "?") }
        external = (o["external"] as? [Any])?.count ?? -1
        fileProblems = (o["file_problems"] as? [[String: Any]] ?? []).map { $0["code"] as? String ?? "?" }
    }
}

/// A file's permission bits, from stat(2).
func fileMode(_ path: String) -> Int {
    var st = stat()
    guard stat(path, &st) == 0 else { return -1 }
    return Int(st.st_mode & 0o7777)
}

/// A network opened with `shenguan network init` in `dir/O`: the oversight
/// office's replica (root key, genesis file, its own replica key admitted by
/// the genesis roster), which department replicas join.
struct TestNet {
    let dir: TempDir
    let oversight: CLI
    let network: String
    let root: String
    var genesis: String { oversight.home + "/genesis.jsonl" }

    init(in dir: TempDir, env: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws {
        self.dir = dir
        oversight = CLI(home: dir.file("O"))
        let o = try #require(try oversight.json(["network", "init", "--name", "聊城审管测试网"], env: env, sourceLocation: sourceLocation)
                             as? [String: Any], sourceLocation: sourceLocation)
        network = try #require(o["network"] as? String, sourceLocation: sourceLocation)
        root = try #require(o["root"] as? String, sourceLocation: sourceLocation)
        #expect(o["genesis"] as? String == genesis, sourceLocation: sourceLocation)
    }

    /// A department's replica: `init --genesis … --department …`; unless
    /// `admit` is false, the root key admits it and it imports that roster.
    func join(_ name: String, department: String = "oversight", admit: Bool = true, env: [String: String] = [:],
              sourceLocation: SourceLocation = #_sourceLocation) throws -> CLI {
        let c = CLI(home: dir.file(name))
        // A department added after the genesis is joined from the oversight
        // office's current roster export (genesis first).
        var file = genesis
        if department != "oversight" {
            file = dir.file("roster-before-\(name).jsonl")
            try oversight.export(file, sourceLocation: sourceLocation)
        }
        try c.ok(["init", "--genesis", file, "--department", department], env: env, sourceLocation: sourceLocation)
        if admit {
            try oversight.ok(["network", "admit", c.home + "/join-request.json"], env: env, sourceLocation: sourceLocation)
            let roster = dir.file("roster-for-\(name).jsonl")
            try oversight.export(roster, sourceLocation: sourceLocation)
            let r = try c.importFile(roster, env: env, sourceLocation: sourceLocation)
            try #require(r.status == 0, "\(r.rejected)", sourceLocation: sourceLocation)
        }
        return c
    }

    /// The oversight office hands its current roster to `replicas` (so each
    /// knows every admitted key, as a server must to authenticate peers).
    func distributeRoster(to replicas: [CLI], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = dir.file("roster-\(UUID().uuidString).jsonl")
        try oversight.export(file, sourceLocation: sourceLocation)
        for r in replicas { _ = try r.importFile(file, sourceLocation: sourceLocation) }
    }

    /// Adds a department to the roster (root key).
    func addDepartment(_ id: String, name: String, role: String, env: [String: String] = [:],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        try oversight.ok(["network", "add-department", "--id", id, "--name", name, "--role", role], env: env, sourceLocation: sourceLocation)
    }
}

/// Two writing replicas with a causal web between them: the oversight
/// replica O and an admitted department replica B. O writes, B imports O and
/// writes (citing O), O imports B and writes again. `export` is O's export
/// of all of it: genesis, admission, 5 notes.
struct TwoAuthors {
    let net: TestNet
    let a: CLI, b: CLI
    var network: String { net.network }
    let export: String
    let count: Int
    let digest: String

    init(in dir: TempDir) throws {
        net = try TestNet(in: dir)
        a = net.oversight
        b = try net.join("B")
        try a.note("审批结果已推送")
        try a.note("second note by A")
        try a.export(dir.file("a1.jsonl"))
        try #require(try b.importFile(dir.file("a1.jsonl")).status == 0)
        try b.note("B saw A: 监管意见已接收")
        try b.note("B again")
        try b.export(dir.file("b1.jsonl"))
        try #require(try a.importFile(dir.file("b1.jsonl")).status == 0)
        try a.note("A saw B")
        export = dir.file("all.jsonl")
        count = try a.export(export)
        #expect(count == 7)
        digest = try a.digest()
    }
}

/// The decoded header of an envelope line.
func headerJSON(_ line: String) throws -> [String: Any] {
    let h = try #require(B64U.decode(try ExportFile.fields(line)["header"] ?? ""))
    return try #require(try JSONSerialization.jsonObject(with: Data(h)) as? [String: Any])
}

/// The `signed-<key>.seq` files of a replica folder (the restored-backup guard), by name.
func signedSeqFiles(_ home: String) -> [String: String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: home)) ?? []
    var out = [String: String]()
    for n in names where n.hasPrefix("signed-") && n.hasSuffix(".seq") {
        out[n] = try? String(contentsOfFile: home + "/" + n, encoding: .utf8)
    }
    return out
}
