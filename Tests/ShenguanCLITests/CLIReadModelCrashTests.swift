import Foundation
import Testing
import ShenguanTestSupport

/// The read model is written in the same transaction as the operations: a
/// replica killed (SIGKILL) in the middle of an import keeps tables that
/// equal a rebuild from the operations it holds, and the import resumes.
@Suite struct CLIReadModelCrashTests {
    @Test func killedMidImportTheReadModelEqualsARebuild() throws {
        let dir = TempDir("cli-crash"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        try net.addDepartment("bureau", name: "市行政审批服务局", role: "approval")
        try net.addDepartment("market", name: "市市场监督管理局", role: "regulator")
        let bureau = try net.join("B", department: "bureau")
        let market = try net.join("M", department: "market")
        try net.distributeRoster(to: [bureau, market])
        func approve(_ n: Int) throws {
            _ = try bureau.ok(["approve", "--item-code", "370100-001", "--item-name", "食品经营许可", "--applicant", "鲁西餐饮\(n)",
                               "--credit-code", "91371500MA3C4XYW1A", "--contact", "0635-1234567", "--licence", "JY\(n)", "--push-to", "market"])
        }
        try approve(1); try approve(2)
        _ = try bureau.ok(["note", "监管记录", "--repeat", "2500"])
        try approve(3)
        let file = dir.file("bureau.jsonl")
        let total = try bureau.export(file)

        // Import into the market's replica, killed after the first committed batch.
        let importer = Process()
        importer.executableURL = URL(fileURLWithPath: Subprocess.shenguan)
        importer.arguments = ["import", file, "--progress", "--home", market.home]
        importer.environment = ProcessInfo.processInfo.environment.merging(CLI.baseEnv) { $1 }
        let err = Pipe()
        importer.standardOutput = Pipe(); importer.standardError = err
        try importer.run()
        var seen = ""
        while !seen.contains("committed") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        kill(importer.processIdentifier, SIGKILL)
        importer.waitUntilExit()
        #expect(seen.contains("committed"), "the import reported a committed batch before it was killed")
        let partial = try market.opCount()
        #expect(partial < total, "the kill landed before the import finished")

        // What survived is consistent: the maintained tables equal a rebuild.
        #expect(try market.ok(["state", "--check"]).contains("consistent"))
        // The import resumes; the inbox shows the three pushes; still consistent.
        #expect(try market.importFile(file).status == 0)
        #expect(try market.opCount() >= total)
        let inbox = try #require(try market.json(["inbox"]) as? [String: Any])
        #expect((inbox["items"] as? [Any])?.count == 3)
        #expect(try market.ok(["state", "--check"]).contains("consistent"))
    }
}
