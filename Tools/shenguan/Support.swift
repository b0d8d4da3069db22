import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanReplica
import ShenguanStore
import ShenguanSync
#if canImport(Glibc)
import Glibc
#endif

/// Every error a command body throws, as one `error [code]: sentence` on
/// stderr (with the Chinese sentence on the next line), and as JSON on
/// stdout under `--json`; mapped here once, for every command.
enum ErrorReport {
    static func of(_ error: any Error) -> ReplicaError {
        if let e = error as? SyncClientError { return ReplicaError(e.code, "\(e)") }
        return ReplicaError.wrap(error)
    }

    static func print(_ error: any Error, json: Bool) {
        let e = of(error)
        var text = "error [\(e.code)]: \(e.message)\n"
        if e.chinese != e.message { text += "  \(e.chinese)\n" }
        FileHandle.standardError.write(Data(text.utf8))
        if json {
            printJSON(.object(["error": .object(["code": .string(e.code), "message": .string(e.message), "chinese": .string(e.chinese)])]))
        }
    }
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
        throw ReplicaError("clock.invalid", "SHENGUAN_NOW=\(s) is neither an RFC 3339 instant (2026-10-09T10:00:00+08:00) nor milliseconds since 1970.")
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
                throw ReplicaError("key.passphrase_mismatch", "The two passphrases differ: nothing was created, run the command again.")
            }
        }
        return first
    }

    /// The passphrase of the network's root key (the oversight office's,
    /// distinct from the replica's): `SHENGUAN_ROOT_PASSPHRASE`, or typed.
    static func obtainRoot(confirm: Bool = false) throws -> String {
        if let p = ProcessInfo.processInfo.environment["SHENGUAN_ROOT_PASSPHRASE"], !p.isEmpty { return p }
        return try prompt("Passphrase for the network's ROOT key (not the replica's): ", confirm: confirm)
    }

    /// A passphrase typed at a terminal (twice with `confirm`).
    static func prompt(_ text: String, confirm: Bool) throws -> String {
        guard isatty(0) == 1, let first = readSecret(text) else { throw KeyFileError.passphraseRequired }
        if confirm, readSecret("Type it again: ") != first {
            throw ReplicaError("key.passphrase_mismatch", "The two passphrases differ: nothing was changed, run the command again.",
                               zh: "两次输入的口令不一致，未作更改，请重新运行。")
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

/// A write's result as `--json` asks: its JSON, or the clerk's line.
func printResult(_ res: ActResult, _ global: GlobalOptions) {
    if global.json { printJSON(res.json) } else { print(res.text) }
}

/// Opens the replica and its key (for commands that sign).
func openForWriting(_ g: GlobalOptions) throws -> (ReplicaHome, ReplicaStore, SigningKey) {
    let home = ReplicaHome(path: g.resolvedHome)
    let store = try home.open()
    let key = try home.loadKey { try Passphrase.obtain() }
    try home.checkOwnKey(key, store: store)
    return (home, store, key)
}
