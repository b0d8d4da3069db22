import Foundation

/// A `shenguan serve` child process on loopback. `start` returns once the
/// server printed its address (a blocking read of its stdout, no sleeping).
public final class ServerProcess: @unchecked Sendable {
    public let process = Process()
    public private(set) var url = ""
    private let out = Pipe(), err = Pipe()

    public convenience init(arguments: [String], env: [String: String]) throws {
        try self.init(executable: Subprocess.shenguan, arguments: ["serve"] + arguments, env: env)
    }

    /// Any server that prints `listening on URL` as its first line.
    public init(executable: String, arguments: [String], env: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        process.environment = environment
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Other listeners of the same process (the metrics, the web
        // interface) may print their address first: kept for `stdoutLine`.
        guard let line = try stdoutLine(prefix: "listening on ") else {
            let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw NSError(domain: "ServerProcess", code: 1, userInfo: [NSLocalizedDescriptionKey: "serve exited: \(e)"])
        }
        url = String(line.dropFirst("listening on ".count))
    }

    private var stdoutBuffer = Data()
    private var stdoutLines: [String] = []

    /// The first line on stdout starting with `prefix` (a blocking read; nil
    /// if the server exits first). Lines read on the way are kept.
    public func stdoutLine(prefix: String) throws -> String? {
        while true {
            if let i = stdoutLines.firstIndex(where: { $0.hasPrefix(prefix) }) { return stdoutLines.remove(at: i) }
            if let nl = stdoutBuffer.firstIndex(of: 10) {
                stdoutLines.append(String(decoding: stdoutBuffer[stdoutBuffer.startIndex..<nl], as: UTF8.self))
                stdoutBuffer = Data(stdoutBuffer[(nl + 1)...])
                continue
            }
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }   // EOF: the server exited
            stdoutBuffer.append(chunk)
        }
    }

    /// Graceful stop (SIGTERM) and wait; returns the exit status.
    @discardableResult
    public func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Hard kill (SIGKILL), as a crash would.
    public func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// What the server logged on stderr (after it stopped), including lines
    /// already read by `waitForLog`.
    public func logs() -> String { String(decoding: seen + err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
    private var seen = Data()

    /// Blocks on the server's stderr until a logged line satisfies `match`
    /// (an event, not a sleep); false if the server exits first, or is
    /// killed after `timeout` seconds so that a test fails instead of hanging.
    public func waitForLog(timeout: TimeInterval = 60, _ match: (String) -> Bool) -> Bool {
        let pid = process.processIdentifier
        let guardTimer = DispatchWorkItem { Foundation.kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: guardTimer)
        defer { guardTimer.cancel() }
        var scanned = seen.count
        while true {
            while let nl = seen[scanned...].firstIndex(of: 10) {
                if match(String(decoding: seen[scanned..<nl], as: UTF8.self)) { return true }
                scanned = nl + 1
            }
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { return false }   // EOF: the server exited
            seen.append(chunk)
        }
    }

    deinit { if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
}
