import Foundation
import Testing
import ShenguanTestSupport

/// The README's walkthrough (a new department, from install to its first
/// claim) run exactly as written, with `~` a fresh folder and `shenguan`
/// the binary under test: the README cannot drift from the CLI.
@Suite struct CLIReadmeTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md")

    /// The shell lines between the walkthrough markers.
    static func walkthrough() throws -> String {
        let text = try String(contentsOf: readme, encoding: .utf8)
        let begin = try #require(text.range(of: "<!-- walkthrough:begin -->"))
        let end = try #require(text.range(of: "<!-- walkthrough:end -->"))
        return String(text[begin.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "```sh", with: "").replacingOccurrences(of: "```", with: "")
    }

    @Test func aNewDepartmentFromInstallToItsFirstClaim() throws {
        let dir = TempDir("readme"); defer { dir.remove() }
        let script = try Self.walkthrough()
        #expect(script.contains("shenguan claim --home ~/market JY137150001"))
        try ("set -euo pipefail\n" + script).write(toFile: dir.file("walkthrough.sh"), atomically: true, encoding: .utf8)
        let bin = URL(fileURLWithPath: Subprocess.shenguan).deletingLastPathComponent().path
        let r = try Subprocess.run("/bin/bash", [dir.file("walkthrough.sh")],
                                   env: ["HOME": dir.path, "PATH": bin + ":/usr/bin:/bin", "SHENGUAN_PASSPHRASE": "",
                                         // A fixed day (the README's staff dates hold on it), whatever day the tests run.
                                         "SHENGUAN_NOW": "2026-12-02T10:00:00+08:00",
                                         "SHENGUAN_HOME": "", "SHENGUAN_STAFF": ""])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        // The claim recorded market's clerk, found by licence number, and status shows it.
        #expect(r.stdout.contains("王芳 (0042) · 市市场监督管理局"), "\(r.stdout)")
        #expect(r.stdout.contains("许可 licence JY137150001"), "\(r.stdout)")
    }
}
