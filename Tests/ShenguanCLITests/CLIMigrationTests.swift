import Foundation
import Testing
import ShenguanTestSupport

/// A replica written by the previous release (schema v2, no read model)
/// opens, is migrated in place, and shows the verdicts that release showed.
///
/// `Fixtures/release-v2-bureau.sqlite` is the bureau's database after the
/// demo, written by the release before the read model; the `.expected.json`
/// beside it holds that release's `inbox --json` and `status --json` output.
@Suite struct CLIMigrationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The JSON with the naming of evidence operations left out: where two
    /// operations prove the same instant, this release names the first in
    /// (clock, id) order (PROTOCOL.md §4.3); the previous one named either.
    static func verdictsOnly(_ v: Any) -> Any {
        switch v {
        case let o as [String: Any]:
            return o.filter { !["hiBy", "loBy"].contains($0.key) }.mapValues(verdictsOnly)
        case let a as [Any]: return a.map(verdictsOnly)
        case let s as String:
            return s.replacingOccurrences(of: #"[0-9a-f]{12}… (held by|in its causal past, by) [^ )]+"#, with: "OP", options: .regularExpression)
        default: return v
        }
    }

    static func canonical(_ v: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: verdictsOnly(v), options: [.sortedKeys]), as: UTF8.self)
    }

    @Test func aReleaseV2ReplicaIsMigratedInPlaceAndShowsTheSameVerdicts() throws {
        let dir = TempDir("cli-migrate"); defer { dir.remove() }
        let home = dir.file("bureau")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("release-v2-bureau.sqlite").path, toPath: home + "/replica.sqlite")
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent("release-v2-bureau.expected.json"))) as? [String: Any])
        let cli = CLI(home: home)
        let inboxes = try #require(expected["inbox"] as? [String: Any])
        let statuses = try #require(expected["status"] as? [String: Any])
        #expect(inboxes.count == 9 && statuses.count == 8)
        for (key, want) in inboxes.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: " ")
            let got = try cli.json(["inbox", "--department", String(parts[1])], env: ["SHENGUAN_NOW": String(parts[0])])
            #expect(try Self.canonical(got) == Self.canonical(want), "inbox \(key)")
        }
        for (id, want) in statuses.sorted(by: { $0.key < $1.key }) {
            let got = try cli.json(["status", id], env: ["SHENGUAN_NOW": "2026-10-16T09:00:00+08:00"])
            #expect(try Self.canonical(got) == Self.canonical(want), "status \(id.prefix(12))")
        }
        // Migration v4 indexed the licences it held: a clerk names them by licence number (issue 15).
        let byLicence = try #require(try cli.json(["status", "JY13715020000123"], env: ["SHENGUAN_NOW": "2026-10-16T09:00:00+08:00"]) as? [String: Any])
        #expect(byLicence["licenceNo"] as? String == "JY13715020000123" && byLicence["kind"] as? String == "licence")
        // …and lists what was addressed to a department, auto-claimed included.
        let history = try #require(try cli.json(["inbox", "--all", "--department", "ecology"], env: ["SHENGUAN_NOW": "2026-10-16T09:00:00+08:00"]) as? [String: Any])
        #expect((history["items"] as? [[String: Any]])?.contains { $0["status"] as? String == "auto_claimed" } == true, "\(history)")
        #expect(try cli.ok(["state", "--check"]).contains("consistent"))
        // Migrated in place: the read model equals one rebuilt from the operations alone.
        let before = try cli.ok(["state", "--digest"])
        #expect(try cli.ok(["state", "--digest", "--rebuild"]) == before)
    }
}
