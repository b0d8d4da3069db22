import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore
import ShenguanSync
#if canImport(Glibc)
import Glibc
#endif

/// Runs a command body, turning Shenguan's errors into one clear line on
/// stderr (`error [code]: sentence`) and a non-zero exit status.
func guarded(_ body: () throws -> Void) throws {
    do { try body() } catch let e as ExitCode { throw e } catch let e as CleanExit { throw e } catch {
        let code: String
        switch error {
        case let e as KeyFileError: code = e.code
        case let e as StoreError: code = e.code
        case let e as OpRejection: code = e.code.rawValue
        case let e as CLIError: code = e.code
        case let e as CalendarError: code = e.code
        case let e as Policy.Invalid: code = e.code
        default: code = "error"
        }
        let text = (error as? OpRejection)?.reason ?? "\(error)"
        FileHandle.standardError.write(Data("error [\(code)]: \(text)\n".utf8))
        throw ExitCode(2)
    }
}

/// `guarded` for async command bodies.
func guardedAsync(_ body: () async throws -> Void) async throws {
    do { try await body() } catch let e as ExitCode { throw e } catch let e as CleanExit { throw e } catch {
        let code = (error as? SyncClientError)?.code
        if let code {
            FileHandle.standardError.write(Data("error [\(code)]: \(error)\n".utf8))
            throw ExitCode(2)
        }
        try guarded { throw error }
    }
}

struct CLIError: Error, CustomStringConvertible {
    let code: String
    let description: String
    init(_ code: String, _ description: String) { self.code = code; self.description = description }
}

/// The clock: `SHENGUAN_NOW` (RFC 3339 instant or ms since epoch) when set,
/// for tests and demos; the system clock otherwise.
enum Clock {
    static func nowMillis() throws -> Int64 {
        guard let s = ProcessInfo.processInfo.environment["SHENGUAN_NOW"], !s.isEmpty else {
            return Int64(Date().timeIntervalSince1970 * 1000)
        }
        if let ms = Int64(s) { return ms }
        if let ms = parseInstant(s) { return ms }
        throw CLIError("clock.invalid", "SHENGUAN_NOW=\(s) is neither an RFC 3339 instant (2026-10-09T10:00:00+08:00) nor milliseconds since 1970.")
    }

    static func parseInstant(_ s: String) -> Int64? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: s) { return Int64(d.timeIntervalSince1970 * 1000) }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s).map { Int64($0.timeIntervalSince1970 * 1000) }
    }

    /// An instant in China Standard Time, e.g. 2026-10-09T16:00:00.000+08:00.
    static func cst(_ ms: Int64) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}

/// The passphrase of the replica key: `SHENGUAN_PASSPHRASE`, or typed at a
/// terminal prompt (never echoed, never logged).
enum Passphrase {
    static func obtain(confirm: Bool = false) throws -> String {
        if let p = ProcessInfo.processInfo.environment["SHENGUAN_PASSPHRASE"], !p.isEmpty { return p }
        guard isatty(0) == 1 else { throw KeyFileError.passphraseRequired }
        guard let first = readSecret("Passphrase for the replica key: ") else { throw KeyFileError.passphraseRequired }
        if confirm {
            guard readSecret("Type it again: ") == first else {
                throw CLIError("key.passphrase_mismatch", "The two passphrases differ: nothing was created, run the command again.")
            }
        }
        return first
    }

    private static func readSecret(_ prompt: String) -> String? {
        guard let p = getpass(prompt) else { return nil }
        let s = String(cString: p)
        return s.isEmpty ? nil : s
    }
}

/// Prints a JSON value (canonical, one line) to stdout.
func printJSON(_ v: JSONValue) {
    print(String(decoding: try! CanonicalJSON.encode(v), as: UTF8.self))
}

/// Opens the replica and its key (for commands that sign).
func openForWriting(_ g: GlobalOptions) throws -> (ReplicaHome, ReplicaStore, SigningKey) {
    let home = ReplicaHome(path: g.resolvedHome)
    let store = try home.open()
    let key = try home.loadKey { try Passphrase.obtain() }
    return (home, store, key)
}
