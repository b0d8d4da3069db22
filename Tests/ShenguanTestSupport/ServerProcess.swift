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
        var buffer = Data()
        while !buffer.contains(10) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty {   // EOF: the server exited before listening
                let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                throw NSError(domain: "ServerProcess", code: 1, userInfo: [NSLocalizedDescriptionKey: "serve exited: \(e)"])
            }
            buffer.append(chunk)
        }
        let line = String(decoding: buffer.prefix { $0 != 10 }, as: UTF8.self)
        guard line.hasPrefix("listening on ") else {
            throw NSError(domain: "ServerProcess", code: 2, userInfo: [NSLocalizedDescriptionKey: "unexpected first line: \(line)"])
        }
        url = String(line.dropFirst("listening on ".count))
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
