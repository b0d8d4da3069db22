import Foundation
import Testing
import ShenguanTestSupport

/// The restored-backup guard: a database older than what the key has signed
/// must not write (it would fork the author's chain) until it has its own
/// chain back.
@Suite struct CLIBackupTests {
    static let sqliteFiles = ["replica.sqlite", "replica.sqlite-wal", "replica.sqlite-shm"]

    /// Replaces the live database files of `home` by those saved in `backup`.
    static func restoreDatabase(from backup: String, to home: String) throws {
        let fm = FileManager.default
        for name in sqliteFiles {
            let live = home + "/" + name, saved = backup + "/" + name
            if fm.fileExists(atPath: live) { try fm.removeItem(atPath: live) }
            if fm.fileExists(atPath: saved) { try fm.copyItem(atPath: saved, toPath: live) }
        }
    }

    @Test func restoredDatabaseRefusesToWriteUntilItHasItsChainBack() throws {
        let dir = TempDir("cli-backup"); defer { dir.remove() }
        let a = try TestNet(in: dir).oversight
        let home = a.home
        try a.note("one")
        let shown = try #require(try a.json(["show", try a.note("two")]) as? [String: Any])
        let author = try #require((shown["header"] as? [String: Any])?["author"] as? String)
        let seqFile = home + "/signed-\(author).seq"
        let oldDigest = try a.digest()
        // No shenguan process runs now: a plain folder copy is a consistent backup.
        try FileManager.default.copyItem(atPath: home, toPath: dir.file("backup"))
        try a.note("three")
        let fourth = try a.note("four")
        let own = dir.file("own.jsonl")
        #expect(try a.export(own) == 5)
        let newDigest = try a.digest()

        try Self.restoreDatabase(from: dir.file("backup"), to: home)
        #expect(try a.opCount() == 3)
        #expect(try a.digest() == oldDigest)

        let refused = try a.run(["note", "would fork the chain at seq 3"])
        expectError(refused, "store.behind_key")
        #expect(refused.stderr.contains("signed up to seq 4 but the database holds only up to seq 2"), "\(refused.stderr)")
        #expect(try a.opCount() == 3)
        #expect(try String(contentsOfFile: seqFile, encoding: .utf8) == "4\n")

        // Its own chain back from the export made before the restore.
        let back = try a.importFile(own)
        #expect(back.status == 0 && back.counts == ["accepted": 2, "duplicate": 3])
        #expect(try a.digest() == newDigest)

        let fifth = try #require(try a.json(["note", "five"]) as? [String: Any])
        let header = try #require(fifth["header"] as? [String: Any])
        #expect(header["seq"] as? Int == 5)
        #expect(header["prev"] as? String == fourth)
        #expect(try a.opCount() == 6)
        let state = try #require(try a.json(["state"]) as? [String: Any])
        #expect((state["equivocations"] as? [Any])?.isEmpty == true)
        #expect(try String(contentsOfFile: seqFile, encoding: .utf8) == "5\n")
    }

    @Test func partialCatchUpStillRefusesThenAPeerBringsTheChainBack() throws {
        let dir = TempDir("cli-backup"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        let a = net.oversight, home = a.home
        let peer = try net.join("P", admit: false)
        try a.note("one")
        try FileManager.default.copyItem(atPath: home, toPath: dir.file("backup"))
        try a.note("two")
        try a.export(dir.file("upto2.jsonl"))
        let third = try a.note("three")
        try a.export(dir.file("upto3.jsonl"))
        #expect(try peer.importFile(dir.file("upto3.jsonl")).counts == ["accepted": 3, "duplicate": 1])
        try Self.restoreDatabase(from: dir.file("backup"), to: home)

        // Seq 2 back is not enough: the key has signed seq 3.
        #expect(try a.importFile(dir.file("upto2.jsonl")).counts == ["accepted": 1, "duplicate": 2])
        expectError(try a.run(["note", "still behind"]), "store.behind_key")
        #expect(try a.opCount() == 3)

        // A peer that holds seq 3 brings the chain back.
        try peer.export(dir.file("peer.jsonl"))
        #expect(try a.importFile(dir.file("peer.jsonl")).counts == ["accepted": 1, "duplicate": 3])
        let fourth = try #require(try a.json(["note", "four"]) as? [String: Any])
        #expect((fourth["header"] as? [String: Any])?["prev"] as? String == third)
        #expect(try a.opCount() == 5)
    }
}
