import Foundation
import Testing
import ShenguanTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A damaged, exposed or locked key file stops `note` with its own code,
/// and nothing is written.
@Suite struct CLIKeyFileTests {
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case wrongPassphrase, worldReadable, truncated, garbage, noPassphraseNoTTY, emptyFile
        var testDescription: String { rawValue }

        var expectedCode: String {
            switch self {
            case .wrongPassphrase: "key.wrong_passphrase"
            case .worldReadable: "key.permissions"
            case .truncated, .emptyFile: "key.truncated"
            case .garbage: "key.corrupt"
            case .noPassphraseNoTTY: "key.passphrase_required"
            }
        }
    }

    static let wrongPassphrase = "not the passphrase 错误"

    /// Applies the damage to the key file; returns the environment for `note`.
    static func damage(_ d: Damage, key: String, original: [UInt8], variable: String = "SHENGUAN_PASSPHRASE") throws -> [String: String] {
        func overwrite(_ bytes: [UInt8]) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: key))
            chmod(key, 0o600)
        }
        switch d {
        case .wrongPassphrase: return [variable: wrongPassphrase]
        case .worldReadable: chmod(key, 0o644)
        case .truncated: try overwrite(Array(original.prefix(original.count / 2)))
        case .emptyFile: try overwrite([])
        case .garbage:
            var rng = SeededRNG(seed: 0x5eed)
            var bytes = (0..<original.count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            bytes[0] = 0  // not even the start of a JSON object
            try overwrite(bytes)
        case .noPassphraseNoTTY: return [variable: ""]  // stdin is a pipe, not a terminal
        }
        return [:]
    }

    @Test(arguments: Damage.allCases)
    func damagedKeyStopsWritingWithItsCode(_ d: Damage) throws {
        let dir = TempDir("cli-key"); defer { dir.remove() }
        let cli = try TestNet(in: dir).oversight  // admitted by the genesis roster: it may write
        try cli.note("before the damage")
        let key = cli.home + "/replica.key"
        let original = [UInt8](try #require(FileManager.default.contents(atPath: key)))
        let digest = try cli.digest()
        let count = try cli.opCount()
        let signed = signedSeqFiles(cli.home)
        #expect(signed.count == 2)  // the root key's chain and the replica key's

        let env = try Self.damage(d, key: key, original: original)
        let r = try cli.run(["note", "must not be written"], env: env)
        expectError(r, d.expectedCode)
        #expect(r.stdout.isEmpty)
        // Error texts never echo a passphrase.
        #expect(!r.stderr.contains(testPassphrase) && !r.stderr.contains(Self.wrongPassphrase))
        // Nothing was written.
        #expect(try cli.opCount() == count)
        #expect(try cli.digest() == digest)
        #expect(signedSeqFiles(cli.home) == signed)

        // Repairing the key file (or giving the passphrase) lets the replica write again.
        try Data(original).write(to: URL(fileURLWithPath: key))
        chmod(key, 0o600)
        try cli.note("after the repair")
        #expect(try cli.opCount() == count + 1)
    }

    /// The root key (roster changes) is guarded the same way.
    @Test(arguments: [Damage.wrongPassphrase, .worldReadable, .truncated, .noPassphraseNoTTY])
    func damagedRootKeyStopsRosterChanges(_ d: Damage) throws {
        let dir = TempDir("cli-key"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        let dept = try net.join("dept", admit: false)
        let key = net.oversight.home + "/root.key"
        let original = [UInt8](try #require(FileManager.default.contents(atPath: key)))
        let env = try Self.damage(d, key: key, original: original, variable: "SHENGUAN_ROOT_PASSPHRASE")
        let r = try net.oversight.run(["network", "admit", dept.home + "/join-request.json"], env: env)
        expectError(r, d.expectedCode)
        #expect(!r.stderr.contains(testPassphrase) && !r.stderr.contains(rootTestPassphrase) && !r.stderr.contains(Self.wrongPassphrase))
        #expect(try net.oversight.opCount() == 1)
        let roster = try #require(try net.oversight.json(["roster"]) as? [String: Any])
        #expect(roster["version"] as? Int == 1)
    }

    @Test func readingCommandsNeedNoKey() throws {
        let dir = TempDir("cli-key"); defer { dir.remove() }
        let cli = try TestNet(in: dir).oversight
        let id = try cli.note("readable without the key")
        try FileManager.default.removeItem(atPath: cli.home + "/replica.key")
        let noPass = ["SHENGUAN_PASSPHRASE": ""]
        #expect(try cli.run(["state", "--digest"], env: noPass).status == 0)
        #expect(try cli.run(["log"], env: noPass).stdout.contains(String(id.prefix(16))))
        #expect(try cli.run(["roster"], env: noPass).status == 0)
        #expect(try cli.run(["export", "--out", dir.file("x.jsonl")], env: noPass).status == 0)
        expectError(try cli.run(["note", "x"]), "key.not_found")
        #expect(try cli.opCount() == 2)
    }

    /// `shenguan key passphrase`: the same key under a new passphrase; the
    /// old one stops working; a wrong current passphrase changes nothing.
    @Test func thePassphraseCanBeChangedAndTheOldOneStopsWorking() throws {
        let dir = TempDir("cli-key-pass"); defer { dir.remove() }
        let cli = try TestNet(in: dir).oversight
        let key = cli.home + "/replica.key"
        let before = try Data(contentsOf: URL(fileURLWithPath: key))
        func author(_ id: String) throws -> String {
            let shown = try #require(try cli.json(["show", id]) as? [String: Any])
            return try #require((shown["envelope"] as? [String: Any])?["author"] as? String)
        }
        let authorBefore = try author(try cli.note("before"))
        let newPass = "新的口令 another staple"
        // A wrong current passphrase: refused, the file untouched.
        let wrong = try cli.run(["key", "passphrase"], env: ["SHENGUAN_PASSPHRASE": Self.wrongPassphrase, "SHENGUAN_NEW_PASSPHRASE": newPass])
        expectError(wrong, "key.wrong_passphrase")
        #expect(try Data(contentsOf: URL(fileURLWithPath: key)) == before)
        try cli.ok(["key", "passphrase"], env: ["SHENGUAN_NEW_PASSPHRASE": newPass])
        expectError(try cli.run(["note", "old passphrase"]), "key.wrong_passphrase")
        let id = try cli.note("new passphrase", env: ["SHENGUAN_PASSPHRASE": newPass])
        // The same key signs: the replica's identity did not change.
        #expect(try author(id) == authorBefore)
        var st = stat()
        #expect(stat(key, &st) == 0 && st.st_mode & 0o777 == 0o600)
        let text = try String(contentsOfFile: key, encoding: .utf8)
        #expect(text.contains("ciphertext") && !text.contains("\"seed\""))
        expectError(try cli.run(["key", "passphrase"], env: ["SHENGUAN_PASSPHRASE": newPass, "SHENGUAN_NEW_PASSPHRASE": newPass]), "key.same_passphrase")
    }

    /// A key file copied from another replica is refused before anything is
    /// signed (issue 14): it would write the other replica's chain from here.
    @Test func anotherReplicasKeyIsRefused() throws {
        let dir = TempDir("cli-key-mismatch"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        try net.addDepartment("market", name: "市市场监督管理局", role: "regulator")
        let a = try net.join("A", department: "market"), b = try net.join("B", department: "market")
        try net.distributeRoster(to: [a, b])
        let before = try a.opCount()
        try FileManager.default.removeItem(atPath: a.home + "/replica.key")
        try FileManager.default.copyItem(atPath: b.home + "/replica.key", toPath: a.home + "/replica.key")
        let r = try a.run(["note", "signed with the wrong key"])
        expectError(r, "key.mismatch")
        #expect(r.stderr.contains("belongs to another replica"))
        #expect(try a.opCount() == before)
    }
}
