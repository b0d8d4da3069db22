import Foundation
import Testing
import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// Issue 5 end to end: `shenguan serve` processes on loopback, `shenguan
/// sync` between them, real SQLite files, real signatures.
@Suite(.serialized) struct CLISyncTests {
    /// bureau (approval), market and ecology (regulators), each admitted.
    func departments(_ dir: TempDir) throws -> (TestNet, [CLI]) {
        let net = try TestNet(in: dir)
        try net.addDepartment("bureau", name: "市行政审批服务局", role: "approval")
        try net.addDepartment("market", name: "市市场监督管理局", role: "regulator")
        try net.addDepartment("ecology", name: "市生态环境局", role: "regulator")
        let replicas = [try net.join("B", department: "bureau"), try net.join("M", department: "market"), try net.join("E", department: "ecology")]
        try net.distributeRoster(to: replicas)
        return (net, replicas)
    }

    func serve(_ c: CLI) throws -> ServerProcess {
        try ServerProcess(arguments: ["--home", c.home, "--listen", "127.0.0.1:0"], env: CLI.baseEnv)
    }

    func sync(_ c: CLI, _ url: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        _ = try c.ok(["sync", url], sourceLocation: sourceLocation)
    }

    /// Syncs along `pairs` (client, server index) until every digest agrees;
    /// a bounded number of rounds (witnesses need one more round to spread).
    func converge(_ replicas: [CLI], _ servers: [ServerProcess], pairs: [(Int, Int)], sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        for round in 1...6 {
            for (c, s) in pairs { try sync(replicas[c], servers[s].url, sourceLocation: sourceLocation) }
            if Set(try replicas.map { try $0.digest() }).count == 1 { return round }
        }
        Issue.record("replicas did not converge in 6 rounds", sourceLocation: sourceLocation)
        return 0
    }

    /// Issue 15: one peer down does not stop the sync with the others, and
    /// each failure is a stable code with a sentence (and JSON under --json);
    /// a port already taken is said in words.
    @Test func aPeerThatIsDownDoesNotStopTheOthers() throws {
        let dir = TempDir("cli-sync-down"); defer { dir.remove() }
        let (_, r) = try departments(dir)
        let market = try serve(r[1]); defer { _ = market.stop() }
        let note = try r[0].note("审批结果已推送")
        let out = try r[0].run(["sync", "http://127.0.0.1:1", market.url, "--json"])
        #expect(out.status == 2)
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]], "\(out.stdout)")
        #expect((reports.first?["error"] as? [String: Any])?["code"] as? String == "sync.unreachable")
        #expect(out.stderr.contains("nothing answers there") && !out.stderr.contains("errno"), "\(out.stderr)")
        #expect((reports.last?["pushed"] as? Int ?? 0) >= 1, "\(reports)")
        #expect(try r[1].run(["show", note]).status == 0, "the peer that was up got the operation")
        // Health for monitoring: unauthenticated, and it tells nothing about the replica.
        let health = try RawConnection(url: market.url)
        health.send("GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let answer = health.readToEnd()
        #expect(answer.hasPrefix("HTTP/1.1 200") && answer.hasSuffix(#"{"status":"ok"}"#), "\(answer)")
        let unsigned = try RawConnection(url: market.url)
        unsigned.send("GET /v1/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(!unsigned.readToEnd().hasPrefix("HTTP/1.1 200"), "info still needs a signed request")
        let port = try #require(market.url.split(separator: ":").last)
        let taken = try r[2].run(["serve", "--listen", "127.0.0.1:\(port)"])
        expectError(taken, "serve.address_in_use")
        #expect(taken.stderr.contains("already used by another program"))
    }

    /// `serve --log-format json`: one JSON object per line, stamped in China
    /// Standard Time whatever the machine's zone (issue 15).
    @Test func serveLogsInChinaStandardTimeAsJSON() throws {
        let dir = TempDir("cli-serve-log"); defer { dir.remove() }
        let (_, r) = try departments(dir)
        let server = try ServerProcess(arguments: ["--home", r[0].home, "--listen", "127.0.0.1:0", "--log-format", "json"],
                                       env: CLI.baseEnv.merging(["TZ": "UTC"]) { $1 })
        #expect(server.waitForLog { $0.contains("Server started") })
        _ = server.stop()
        let line = try #require(server.logs().split(separator: "\n").first { $0.contains("Server started") })
        let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        #expect((o["time"] as? String)?.hasSuffix("+08:00") == true && o["level"] as? String == "info", "\(o)")
    }

    @Test func threeServingReplicasConvergeInARingAndInAStar() throws {
        let dir = TempDir("sync"); defer { dir.remove() }
        let (_, r) = try departments(dir)
        // Offline work on each replica.
        _ = try r[0].ok(["note", "审批决定", "--repeat", "3"])
        _ = try r[1].ok(["note", "认领", "--repeat", "2"])
        _ = try r[2].ok(["note", "处罚决定", "--repeat", "2"])
        let servers = try r.map(serve)
        defer { for s in servers { s.stop() } }
        let ringRounds = try converge(r, servers, pairs: [(0, 1), (1, 2), (2, 0)])
        #expect(ringRounds >= 1)
        let held = try r[0].opCount()
        #expect(try r.allSatisfy { try $0.opCount() == held })
        // More offline work, then a star around the market replica, both directions.
        _ = try r[0].ok(["note", "第二批", "--repeat", "2"])
        _ = try r[2].ok(["note", "第二批", "--repeat", "2"])
        _ = try converge(r, servers, pairs: [(0, 1), (2, 1), (1, 0), (1, 2)])
        #expect(try r.allSatisfy { try $0.digest(rebuild: true) == r[0].digest() })
        // A sync with nothing new costs one round trip.
        let report = try r[0].json(["sync", servers[1].url]) as! [[String: Any]]
        #expect(report.first?["requests"] as? Int == 1 && report.first?["pulled"] as? Int == 0 && report.first?["pushed"] as? Int == 0)
        // Witnesses were written (time evidence) and are held everywhere.
        let log = try r[1].json(["log", "--limit", "1000"]) as! [[String: Any]]
        #expect(log.contains { $0["kind"] as? String == "witness" })
        for s in servers { #expect(s.stop() == 0, "graceful shutdown on SIGTERM") }
    }

    /// Issue 5 §4: `serve --sync-every` syncs with the known peers on its
    /// own: nobody runs `shenguan sync`, yet the bureau's new note reaches
    /// the market replica, which signs a witness of it (fresh time evidence)
    /// and pushes that witness to the bureau in the same sync.
    @Test func servingWithSyncEveryPullsFromKnownPeersOnItsOwn() throws {
        let dir = TempDir("sync-every"); defer { dir.remove() }
        let (_, r) = try departments(dir)
        let bureau = try serve(r[0])
        defer { bureau.stop() }
        _ = try r[1].ok(["peers", "add", bureau.url])
        let noteID = try r[0].note("审批决定（定时同步）")
        func witnesses(_ c: CLI) throws -> Int {
            (try c.json(["log", "--limit", "1000"]) as! [[String: Any]]).filter { $0["kind"] as? String == "witness" }.count
        }
        #expect(try witnesses(r[1]) == 0 && r[1].run(["show", noteID]).status != 0)
        let market = try ServerProcess(arguments: ["--home", r[1].home, "--listen", "127.0.0.1:0", "--sync-every", "1"], env: CLI.baseEnv)
        defer { market.stop() }
        // The event: the market's log line for a periodic sync that pulled something.
        let synced = market.waitForLog { $0.contains("periodic sync") && $0.contains("witness=true") && !$0.contains("pulled=0") }
        #expect(synced, "\(market.logs())")
        #expect(try r[1].run(["show", noteID]).status == 0, "the note reached the market replica")
        #expect(try witnesses(r[1]) >= 1, "the market signed a witness")
        // The bureau writes no witness of its own here (it received only a
        // witness), so a witness in its log is the market's, pushed to it.
        #expect(try witnesses(r[0]) >= 1)
        #expect(market.stop() == 0, "graceful shutdown stops the periodic sync too")
    }

    @Test func aServerKilledMidSyncRestartsAndTheReplicasConverge() throws {
        let dir = TempDir("sync-kill"); defer { dir.remove() }
        let (_, r) = try departments(dir)
        _ = try r[1].ok(["note", "监管记录", "--repeat", "1500"])
        let first = try serve(r[1])
        // Start the pull in a separate process, then kill the server hard.
        let client = Process()
        client.executableURL = URL(fileURLWithPath: Subprocess.shenguan)
        client.arguments = ["sync", first.url, "--home", r[0].home]
        client.environment = ProcessInfo.processInfo.environment.merging(CLI.baseEnv) { $1 }
        client.standardOutput = Pipe(); client.standardError = Pipe()
        try client.run()
        first.kill()
        client.waitUntilExit()
        let partial = try r[0].opCount()
        // Restart on the same database; sync resumes without losing or duplicating anything.
        let second = try serve(r[1])
        defer { second.stop() }
        try sync(r[0], second.url)
        #expect(try r[0].opCount() >= partial)
        #expect(try r[0].heldAndPending().1 == 0)
        _ = try converge([r[0], r[1]], [second, second], pairs: [(0, 1)])
        #expect(try r[0].digest() == r[1].digest())
        #expect(try r[0].opCount() > 1500)
    }
}
