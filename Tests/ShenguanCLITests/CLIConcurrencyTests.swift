import Foundation
import Synchronization
import Testing
import ShenguanTestSupport

/// Issue 14 item 7: 17 clerks' commands at once on one replica while it
/// serves and a peer syncs into it: 10 notes, 5 claims of different
/// pushes and 2 claims of the same push. Every write either succeeds or is
/// refused for its own reason; none is reported failed after it was
/// committed, none waits out as "busy", and one push is claimed once.
@Suite(.serialized) struct CLIConcurrencyTests {
    @Test func seventeenWritersAtOnceWhileServingAndSyncing() throws {
        let dir = TempDir("cli-concurrent"); defer { dir.remove() }
        let w = CLIWorkflowTests()
        let d = try w.departments(dir)
        var pushes = [String]()
        for i in 0..<6 {
            let out = try w.object(try w.approve(d, licence: "JY1371500010\(i)", env: w.at("2026-09-30T16:0\(i):00")))
            let toMarket = try #require((out["pushes"] as? [[String: Any]])?.first { $0["to"] as? String == "market" })
            pushes.append(try #require(toMarket["id"] as? String))
        }
        try d.carry(d.bureau, d.market, witnessAt: "2026-09-30T17:00:00")
        try d.bureau.note("审批窗口的记录", env: w.at("2026-09-30T18:00:00"))
        // Everyone on the same (injected) clock, the server too.
        let env = w.at("2026-10-08T10:00:00")
        let server = try ServerProcess(arguments: ["--home", d.market.home, "--listen", "127.0.0.1:0"], env: CLI.baseEnv.merging(env) { $1 })
        defer { _ = server.stop() }
        let before = try d.market.opCount()

        var commands: [(CLI, [String])] = (0..<10).map { (d.market, ["note", "并发记录 \($0)", "--json"]) }
        commands += pushes.prefix(5).map { (d.market, ["claim", $0, "--json"]) }
        commands += [(d.market, ["claim", pushes[5], "--json"]), (d.market, ["claim", pushes[5], "--json"])]
        commands.append((d.bureau, ["sync", server.url]))
        let results = Mutex([ProcessResult?](repeating: nil, count: commands.count))
        let group = DispatchGroup()
        for (i, (cli, args)) in commands.enumerated() {
            DispatchQueue.global().async(group: group) {
                let r = try? cli.run(args, env: env)
                results.withLock { $0[i] = r }
            }
        }
        group.wait()
        let all = results.withLock { $0 }.map { $0! }

        for (i, r) in all.enumerated() {
            #expect(!r.stderr.contains("store.invalid") && !r.stderr.contains("store.busy"), "\(commands[i].1): \(r.stderr)")
        }
        let notes = all[0..<10], claims = all[10..<15], same = all[15..<17]
        #expect(notes.allSatisfy { $0.status == 0 }, "\(notes.map(\.stderr))")
        #expect(claims.allSatisfy { $0.status == 0 }, "\(claims.map(\.stderr))")
        #expect(same.filter { $0.status == 0 }.count == 1, "\(same.map(\.stderr))")
        #expect(same.filter { $0.status == 2 && $0.stderr.contains("workflow.already_claimed") }.count == 1, "\(same.map(\.stderr))")
        #expect(all[17].status == 0, "the peer's sync: \(all[17].stderr)")

        // Every committed write is there, once; the replica is consistent.
        for r in notes {
            let id = try #require((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["id"] as? String)
            #expect(try d.market.run(["show", id]).status == 0)
        }
        #expect(try d.market.opCount() >= before + 16)
        let state = try #require(try d.market.json(["state"]) as? [String: Any])
        #expect((state["equivocations"] as? [Any])?.isEmpty == true)
        #expect(try d.market.run(["state", "--check"]).status == 0)
    }
}
