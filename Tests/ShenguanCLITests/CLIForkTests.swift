import Foundation
import Testing
import ShenguanTestSupport

/// Issue 14 item 6, end to end over `shenguan serve` and `shenguan sync`
/// between separate processes: a restored copy that forks its chain is
/// carried to every replica and seen in `conflicts`; the forked key signs
/// no more; `backup`/`restore` and a peer's vector keep a restored replica
/// from forking at all.
@Suite(.serialized) struct CLIForkTests {
    /// The oversight office's replica O (the one restored below) and a
    /// department replica P that serves; both know each other's keys.
    func pair(_ dir: TempDir) throws -> (CLI, CLI) {
        let net = try TestNet(in: dir)
        let p = try net.join("P")
        try net.distributeRoster(to: [p])
        return (net.oversight, p)
    }

    func serve(_ c: CLI) throws -> ServerProcess {
        try ServerProcess(arguments: ["--home", c.home, "--listen", "127.0.0.1:0"], env: CLI.baseEnv)
    }

    func equivocations(_ c: CLI) throws -> [[String: Any]] {
        let o = try #require(try c.json(["conflicts"]) as? [String: Any])
        return o["equivocations"] as? [[String: Any]] ?? []
    }

    /// The case: `cp -a` as a backup, two writes that reach the
    /// peer, the copy put back, a write at a seq already signed. Before,
    /// sync said "pulled 0, pushed 0" and the two never converged.
    @Test func aRestoredCopyThatForksIsCarriedAndSeenEverywhere() throws {
        let dir = TempDir("cli-fork"); defer { dir.remove() }
        let (o, p) = try pair(dir)
        let server = try serve(p); defer { _ = server.stop() }
        try o.note("one")
        try o.ok(["sync", server.url])
        try FileManager.default.copyItem(atPath: o.home, toPath: dir.file("copy"))
        try o.note("two"); try o.note("three")
        try o.ok(["sync", server.url])
        try FileManager.default.removeItem(atPath: o.home)
        try FileManager.default.copyItem(atPath: dir.file("copy"), toPath: o.home)
        let again = try o.note("two, signed again by the restored copy")

        let out = try o.run(["sync", server.url, "--json"])
        #expect(out.status == 0, "\(out.stderr)")
        let report = try #require((try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]])?.first)
        #expect((report["pushed"] as? Int ?? 0) >= 1 && (report["pulled"] as? Int ?? 0) >= 2, "\(report)")
        #expect(try o.digest() == p.digest(), "both branches on both sides")
        #expect(try p.run(["show", again]).status == 0)
        for c in [o, p] {
            let eq = try equivocations(c)
            #expect(eq.count == 1 && (eq.first?["ids"] as? [String])?.contains(again) == true, "\(eq)")
        }
        // The key has equivocated: it signs nothing more, and says why.
        let refused = try o.run(["note", "more"])
        expectError(refused, "store.forked_key")
        #expect(refused.stderr.contains("signed two different operations"), "\(refused.stderr)")
        // A third replica that syncs with either gets the fork too.
        let text = try o.ok(["sync", server.url])
        #expect(!text.contains("fork:"), "once both hold both branches nothing differs: \(text)")
    }

    /// `shenguan backup` / `restore`: the home is lost after two more
    /// writes reached the peer; the restored replica refuses to sign until
    /// it has synced, and then goes on after its real head (no fork).
    @Test func backupAndRestoreCannotFork() throws {
        let dir = TempDir("cli-fork"); defer { dir.remove() }
        let (o, p) = try pair(dir)
        let server = try serve(p); defer { _ = server.stop() }
        try o.ok(["peers", "add", server.url])
        try o.note("one")
        let saved = try #require(try o.json(["backup", "--out", dir.file("backup")]) as? [String: Any])
        #expect(saved["ownSeq"] as? Int == 1, "\(saved)")
        #expect(fileMode(dir.file("backup") + "/replica.key") == 0o600 && fileMode(dir.file("backup")) == 0o700)
        try o.note("two")
        let three = try o.note("three")
        try o.ok(["sync"])
        let digest = try p.digest()
        try FileManager.default.removeItem(atPath: o.home)

        let restored = try #require(try o.json(["restore", dir.file("backup")]) as? [String: Any])
        #expect(restored["mustSyncWith"] as? [String] == [server.url], "\(restored)")
        let refused = try o.run(["note", "would sign seq 3 again"])
        expectError(refused, "store.restored_unsynced")
        #expect(refused.stderr.contains(server.url), "\(refused.stderr)")
        expectError(try o.run(["restore", dir.file("backup")]), "store.invalid")   // not over a replica without --replace

        try o.ok(["sync"])
        #expect(try o.run(["show", three]).status == 0, "its own chain is back")
        let four = try #require(try o.json(["note", "four"]) as? [String: Any])
        let header = try #require(four["header"] as? [String: Any])
        #expect((header["seq"] as? Int ?? 0) > 3, "after seq 3 and the sync's witness: \(header)")
        try o.ok(["sync"])
        #expect(try o.digest() == p.digest() && o.digest() != digest)
        #expect(try equivocations(o).isEmpty && equivocations(p).isEmpty)

        // Over an existing replica, with --replace: the old database is kept.
        let again = try #require(try o.json(["restore", dir.file("backup"), "--replace"]) as? [String: Any])
        let kept = try #require(again["keptOld"] as? String)
        #expect(FileManager.default.fileExists(atPath: kept))
        // The key's record says it signed seq 5: behind it, no signing even without peers' help.
        expectError(try o.run(["note", "behind"]), "store.behind_key")
    }

    /// A peer that syncs *into* a restored copy (it serves, the peer is the
    /// client) gives it back its own chain: the peer's vector shows it holds
    /// more of that chain, and the push that follows brings it; the next
    /// write goes on after the real head.
    @Test func aPeerSyncingIntoARestoredCopyGivesItsChainBack() throws {
        let dir = TempDir("cli-fork"); defer { dir.remove() }
        let (o, p) = try pair(dir)
        try o.note("one")
        try FileManager.default.copyItem(atPath: o.home, toPath: dir.file("copy"))
        let two = try o.note("two")
        try o.export(dir.file("o.jsonl"))
        _ = try p.importFile(dir.file("o.jsonl"))
        try FileManager.default.removeItem(atPath: o.home)
        try FileManager.default.copyItem(atPath: dir.file("copy"), toPath: o.home)

        let restored = try serve(o); defer { _ = restored.stop() }
        try p.ok(["sync", restored.url])
        #expect(try o.run(["show", two]).status == 0, "the peer's push brought seq 2 back")
        try o.note("after the peer's sync")
        let peer = try serve(p); defer { _ = peer.stop() }
        try o.ok(["sync", peer.url])
        #expect(try o.digest() == p.digest())
        #expect(try equivocations(o).isEmpty && equivocations(p).isEmpty)
    }
}
