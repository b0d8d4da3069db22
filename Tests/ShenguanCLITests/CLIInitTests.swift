import Foundation
import Testing
import ShenguanTestSupport

/// `shenguan network init` and `shenguan init`: replica folders, key files,
/// databases, join requests.
@Suite struct CLIInitTests {
    @Test func initCreatesPrivateKeyAndReadableDatabase() throws {
        let dir = TempDir("cli-init"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        let cli = CLI(home: dir.file("dept"))
        let r = try cli.run(["init", "--genesis", net.genesis, "--department", "oversight"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("(mode 0600, encrypted)"))

        let key = cli.home + "/replica.key", db = cli.home + "/replica.sqlite"
        #expect(FileManager.default.fileExists(atPath: db))
        #expect(FileManager.default.fileExists(atPath: key))
        #expect(FileManager.default.fileExists(atPath: cli.home + "/join-request.json"))
        #expect(fileMode(key) == 0o600, "key mode \(String(fileMode(key), radix: 8))")
        #expect(fileMode(cli.home) == 0o700, "folder mode \(String(fileMode(cli.home), radix: 8))")
        // The oversight replica's keys too, the root key included.
        for k in ["replica.key", "root.key"] {
            #expect(fileMode(net.oversight.home + "/" + k) == 0o600, "\(k)")
        }

        // The passphrase (or any recognisable piece of it) is stored nowhere.
        for path in [key, net.oversight.home + "/replica.key", net.oversight.home + "/root.key"] {
            let bytes = try #require(FileManager.default.contents(atPath: path))
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(bytes.range(of: Data(testPassphrase.utf8)) == nil, "\(path)")
            #expect(!text.contains("correct horse") && !text.contains("审批"), "\(path)")
            #expect(text.contains("argon2id13") && text.contains("ciphertext") && !text.contains("\"seed\""), "\(path)")
        }

        // The database is plain SQLite that another tool can read.
        let tables = try Subprocess.run("/usr/bin/env", ["sqlite3", db, ".tables"])
        #expect(tables.status == 0, "\(tables.stderr)")
        let names = Set(tables.stdout.split(whereSeparator: \.isWhitespace).map(String.init))
        #expect(names.isSuperset(of: ["ops", "notes", "pending", "equivocations", "meta", "authors"]), "tables: \(names)")
        // It holds the genesis roster and nothing else yet.
        let check = try Subprocess.run("/usr/bin/env", ["sqlite3", db, "PRAGMA integrity_check; SELECT kind FROM ops;"])
        #expect(check.stdout == "ok\nroster.genesis\n", "\(check.stdout) \(check.stderr)")
    }

    /// The root key has its own passphrase (issue 15): the same as the
    /// replica's is refused before anything is created, and the replica's
    /// passphrase does not open the root key.
    @Test func theRootKeyHasItsOwnPassphrase() throws {
        let dir = TempDir("cli-root-pass"); defer { dir.remove() }
        let same = try CLI(home: dir.file("same")).run(["network", "init", "--name", "t"], env: ["SHENGUAN_ROOT_PASSPHRASE": testPassphrase])
        expectError(same, "key.same_passphrase")
        #expect(!FileManager.default.fileExists(atPath: dir.file("same") + "/root.key"))
        let net = try TestNet(in: dir)
        let dept = try net.join("dept", admit: false)
        let wrong = try net.oversight.run(["network", "admit", dept.home + "/join-request.json"], env: ["SHENGUAN_ROOT_PASSPHRASE": testPassphrase])
        expectError(wrong, "key.wrong_passphrase")
        try net.oversight.ok(["network", "admit", dept.home + "/join-request.json"])
    }

    @Test func networkIdIsTheGenesisIdAndIsRecordedInTheDatabase() throws {
        let dir = TempDir("cli-init"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        #expect(net.network.count == 64 && net.network.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        // Independently: the network id is hex(SHA256(PAE(genesis header))) (Python verifier).
        let genesis = try ExportFile(path: net.genesis)
        #expect(genesis.network == net.network)
        try (genesis.ops[0] + "\n").write(toFile: dir.file("genesis-envelope.json"), atomically: true, encoding: .utf8)
        let pae = try Subprocess.python("shenguan_verify.py", ["pae", dir.file("genesis-envelope.json"), "--envelope"])
        #expect(pae.stdout.contains("\nid: \(net.network)\n"), "\(pae.stdout) \(pae.stderr)")
        #expect(try headerJSON(genesis.ops[0])["kind"] as? String == "roster.genesis")

        let cli = CLI(home: dir.file("dept"))
        let o = try #require(try cli.json(["init", "--genesis", net.genesis, "--department", "oversight"]) as? [String: Any])
        let author = try #require(o["author"] as? String)
        #expect(o["network"] as? String == net.network)
        #expect(author.count == 43)
        let meta = try Subprocess.run("/usr/bin/env", ["sqlite3", cli.home + "/replica.sqlite",
                                                        "SELECT key || '=' || value FROM meta ORDER BY key;"])
        #expect(meta.stdout.contains("network=\(net.network)\n"), "\(meta.stdout)")
        #expect(meta.stdout.contains("author=\(author)\n"), "\(meta.stdout)")
        let join = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cli.home + "/join-request.json")))
                                as? [String: Any])
        #expect(join["key"] as? String == author && join["network"] as? String == net.network && join["department"] as? String == "oversight")

        // A second init in the same folder is refused and keeps the identity.
        expectError(try cli.run(["init", "--genesis", net.genesis, "--department", "oversight"]), "store.invalid")
        let meta2 = try Subprocess.run("/usr/bin/env", ["sqlite3", cli.home + "/replica.sqlite", "SELECT value FROM meta WHERE key = 'author';"])
        #expect(meta2.stdout == author + "\n")
    }

    @Test func initRefusesAFileThatIsNotAGenesis() throws {
        let dir = TempDir("cli-init"); defer { dir.remove() }
        let src = try TwoAuthors(in: dir)
        // An export whose first operation is a note, a missing file, garbage.
        var notesOnly = try ExportFile(path: src.export)
        notesOnly.ops = notesOnly.ops.filter { (try? headerJSON($0)["kind"] as? String) == "note" }
        try notesOnly.write(to: dir.file("notes.jsonl"))
        try Data("not an export\n{}\n".utf8).write(to: URL(fileURLWithPath: dir.file("garbage.jsonl")))
        let cli = CLI(home: dir.file("r"))
        for bad in [dir.file("notes.jsonl"), dir.file("missing.jsonl"), dir.file("garbage.jsonl")] {
            let r = try cli.run(["init", "--genesis", bad, "--department", "oversight"])
            expectError(r, "genesis.invalid")
            #expect(r.stderr.contains("\(bad) is not a Shenguan export whose first operation is the genesis roster"), "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: cli.home + "/replica.key"))
        #expect(!FileManager.default.fileExists(atPath: cli.home + "/replica.sqlite"))
    }

    @Test func admissionNeedsAKnownDepartment() throws {
        let dir = TempDir("cli-init"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        // A department the roster does not know is refused before anything is created.
        let stray = CLI(home: dir.file("stray"))
        expectError(try stray.run(["init", "--genesis", net.genesis, "--department", "nosuch"]), "roster.unknown_department")
        #expect(!FileManager.default.fileExists(atPath: stray.home))
        try net.addDepartment("market", name: "市市场监督管理局", role: "regulator")
        let ok = try net.join("market", department: "market")
        let roster = try #require(try ok.json(["roster"]) as? [String: Any])
        #expect(roster["version"] as? Int == 3)
        let replicas = try #require(roster["replicas"] as? [[String: Any]])
        #expect(Set(replicas.compactMap { $0["department"] as? String }) == ["oversight", "market"])
        #expect(replicas.count == 2)
    }

    @Test func unencryptedKeyWarnsAndNeedsNoPassphrase() throws {
        let dir = TempDir("cli-init"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        let cli = CLI(home: dir.file("r"))
        let r = try cli.run(["init", "--genesis", net.genesis, "--department", "oversight", "--unencrypted-key"],
                            env: ["SHENGUAN_PASSPHRASE": ""])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("warning: the replica key is stored UNENCRYPTED"))
        #expect(r.stdout.contains("(mode 0600, UNENCRYPTED)"))
        #expect(fileMode(cli.home + "/replica.key") == 0o600)
        // Not admitted yet: refused, nothing written.
        expectError(try cli.run(["note", "too early"], env: ["SHENGUAN_PASSPHRASE": ""]), "auth.not_admitted")
        #expect(try cli.opCount() == 1)
        // Admitted: no passphrase and no terminal, writing still works.
        try net.oversight.ok(["network", "admit", cli.home + "/join-request.json"])
        try net.oversight.export(dir.file("roster.jsonl"))
        #expect(try cli.importFile(dir.file("roster.jsonl")).status == 0)
        try cli.note("no passphrase needed", env: ["SHENGUAN_PASSPHRASE": ""])
        #expect(try cli.opCount() == 3)
    }

    @Test func initWithoutPassphraseOrTerminalCreatesNothing() throws {
        let dir = TempDir("cli-init"); defer { dir.remove() }
        let noPass = ["SHENGUAN_PASSPHRASE": ""]
        let o = CLI(home: dir.file("O-no-passphrase"))
        expectError(try o.run(["network", "init", "--name", "x"], env: noPass), "key.passphrase_required")
        #expect(!FileManager.default.fileExists(atPath: o.home + "/root.key"))
        #expect(!FileManager.default.fileExists(atPath: o.home + "/replica.sqlite"))

        let net = try TestNet(in: dir)
        let r = try CLI(home: dir.file("r")).run(["init", "--genesis", net.genesis, "--department", "oversight"], env: noPass)
        expectError(r, "key.passphrase_required")
        #expect(!FileManager.default.fileExists(atPath: dir.file("r/replica.key")))
        #expect(!FileManager.default.fileExists(atPath: dir.file("r/replica.sqlite")))
    }
}
