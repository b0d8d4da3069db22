import Foundation
import Testing
import ShenguanTestSupport

/// Issue 14 item 5 on real filesystems: a small tmpfs that fills up, then
/// the same mounted read-only (the test mounts them; CI runs as root).
/// Codes and sentences, nothing reported failed after it was committed,
/// views on a read-only disk, and convergence once space returns.
@Suite(.serialized) struct CLIDiskTests {
    /// A tmpfs of `size` mounted at `path` for the test's lifetime.
    struct Mount {
        let path: String
        init(_ path: String, size: String) throws {
            self.path = path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try #require(Self.mount(["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path]) == 0, "mount needs root (CI runs as root)")
        }
        func remount(_ options: String) throws {
            try #require(Self.mount(["-o", "remount,\(options)", path]) == 0, "remount \(options)")
        }
        func unmount() { _ = Self.run("/bin/umount", [path]) }
        static func mount(_ args: [String]) -> Int32 { run("/bin/mount", args) }
        static func run(_ tool: String, _ args: [String]) -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tool); p.arguments = args
            p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
            do { try p.run() } catch { return -1 }
            p.waitUntilExit()
            return p.terminationStatus
        }
    }

    @Test func aFullDiskThenAReadOnlyDiskSayWhatToDoAndLoseNothing() throws {
        let dir = TempDir("cli-disk"); defer { dir.remove() }
        let disk = try Mount(dir.file("disk"), size: "2m"); defer { disk.unmount() }
        let net = try TestNet(in: dir)
        let peer = try net.join("P")
        try net.distributeRoster(to: [peer])
        // The oversight office's replica lives on the small disk.
        let o = CLI(home: disk.path + "/O")
        try FileManager.default.copyItem(atPath: net.oversight.home, toPath: o.home)
        let server = try ServerProcess(arguments: ["--home", o.home, "--listen", "127.0.0.1:0"], env: CLI.baseEnv)
        defer { _ = server.stop() }

        // Fill it: each note carries 3,900 characters (11.7 KB of UTF-8).
        let text = String(repeating: "审管互动记录", count: 650)
        var written = 0, full: ProcessResult?
        for _ in 0..<400 {
            let r = try o.run(["note", text])
            if r.status != 0 { full = r; break }
            written += 1
        }
        let refused = try #require(full, "the 2 MB disk never filled")
        expectError(refused, "store.disk_full")
        #expect(refused.stderr.contains("磁盘已满") && !refused.stderr.contains("NSCocoaErrorDomain"), "\(refused.stderr)")
        #expect(written > 5, "\(written)")
        let held = try o.opCount()
        // A peer pushing to the full replica gets a signed problem with the code, not an empty 500.
        try peer.note("对端的记录")
        let push = try peer.run(["sync", server.url])
        #expect(push.status == 2 && push.stderr.contains("store.disk_full"), "\(push.stderr)")

        // Read-only: every view still answers; writes say why and change nothing.
        let digest = try o.digest()
        _ = server.stop()
        try disk.remount("ro")
        #expect(try o.digest() == digest)
        #expect(try o.run(["log", "--limit", "3"]).status == 0)
        #expect(try o.run(["inbox"]).status == 0)
        #expect(try o.export(dir.file("from-ro.jsonl")) == held)
        let ro = try o.run(["note", "只读"])
        expectError(ro, "store.read_only")
        #expect(ro.stderr.contains("读写方式挂载"), "\(ro.stderr)")

        // Space returns: writes go on, the read model is sound, and the peers converge.
        try disk.remount("rw,size=64m")
        #expect(try o.opCount() == held)
        try o.note("空间恢复后")
        #expect(try o.run(["state", "--check"]).status == 0)
        let again = try ServerProcess(arguments: ["--home", o.home, "--listen", "127.0.0.1:0"], env: CLI.baseEnv)
        defer { _ = again.stop() }
        try peer.ok(["sync", again.url])
        #expect(try peer.digest() == o.digest())
        // Read-only once more, this time with every write folded into the
        // file (no -wal left: SQLite reads it as immutable): the same state.
        _ = again.stop()
        try disk.remount("ro")
        #expect(try o.digest() == peer.digest())
        try disk.remount("rw")
    }
}
