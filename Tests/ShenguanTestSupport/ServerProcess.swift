import Foundation

/// A `shenguan serve` child process on loopback. `start` returns once the
/// server printed its address (a blocking read of its stdout, no sleeping).
public final class ServerProcess: @unchecked Sendable {
    public let process = Process()
    public private(set) var url = ""
    private let out = Pipe(), err = Pipe()

    public init(arguments: [String], env: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: Subprocess.shenguan)
        process.arguments = ["serve"] + arguments
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

    /// What the server logged on stderr (after it stopped).
    public func logs() -> String { String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }

    deinit { if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
}
