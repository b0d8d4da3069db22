import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanReplica
import ShenguanStore

/// Options of every command that records who acted (R3).
struct StaffOption: ParsableArguments {
    @Option(help: "Staff number (工号) or registration id of who acts (R3 签收人/经办人); default: $SHENGUAN_STAFF, then `shenguan staff default`.")
    var staff: String?

    /// `--staff`, else `$SHENGUAN_STAFF`, else this account's default on the replica.
    func resolved(_ reader: ReplicaReader) throws -> String? {
        try reader.actingStaff(staff, environment: ProcessInfo.processInfo.environment["SHENGUAN_STAFF"], user: NSUserName())
    }
}

/// A clerk's session for a command that signs: the replica in `--home`,
/// its key unlocked, judging at the clock's now.
func openClerk(_ g: GlobalOptions) throws -> Clerk {
    try Clerk.open(home: ReplicaHome(path: g.resolvedHome), now: try Clock.nowMillis()) { try Passphrase.obtain() }
}

/// The read side for a view (no passphrase).
func openReader(_ g: GlobalOptions) throws -> ReplicaReader {
    try ReplicaReader.open(home: ReplicaHome(path: g.resolvedHome), now: try Clock.nowMillis())
}

/// A file a clerk names, read for the library (which checks its size).
func upload(_ path: String) throws -> FileUpload {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ReplicaError("attachment.unreadable", "Cannot read \(path): check the path and permissions.", zh: "无法读取文件 \(path)：请检查路径和权限。")
    }
    return FileUpload(name: (path as NSString).lastPathComponent, bytes: [UInt8](data))
}

/// `YYYY-MM-DD`, or nil when not given.
func civilDate(_ s: String?, field: String) throws -> CivilDate? {
    guard let s else { return nil }
    guard let d = CivilDate(iso: s) else {
        throw ReplicaError("input.date", "--\(field) \(s) is not a date YYYY-MM-DD.", zh: "--\(field) \(s) 不是 YYYY-MM-DD 格式的日期。")
    }
    return d
}

/// Terminal width of text: CJK and other wide characters take two columns,
/// so Chinese names align in tables (issue #4 item 6).
func displayWidth(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { w, u in
        let v = u.value
        if v < 0x20 || (0x300...0x36F).contains(v) || v == 0x200B { return w }
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
        return w + (wide ? 2 : 1)
    }
}

/// Pads to a display width (see `displayWidth`).
func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - displayWidth(s))) }

/// Prints rows as an aligned table.
func printTable(_ header: [String], _ rows: [[String]]) {
    let all = [header] + rows
    let widths = header.indices.map { i in all.map { displayWidth($0[i]) }.max() ?? 0 }
    for r in all {
        print(r.indices.map { i in i == r.count - 1 ? r[i] : pad(r[i], widths[i]) }.joined(separator: "  "))
    }
}

/// An option that takes one of a fixed list of values from the core's
/// schemas: `--help` lists them, a wrong value is a usage error naming them.
protocol ChoiceArgument: ExpressibleByArgument {
    static var choices: [String] { get }
    var value: String { get }
    init(value: String)
}

extension ChoiceArgument {
    init?(argument: String) {
        guard Self.choices.contains(argument) else { return nil }
        self.init(value: argument)
    }
    static var allValueStrings: [String] { choices }
    var defaultValueDescription: String { value }
}

struct SupervisionCategory: ChoiceArgument { static let choices = SupervisionBody.categories; let value: String }
struct WarningLevel: ChoiceArgument { static let choices = WarningBody.levels; let value: String }
struct RevocationAction: ChoiceArgument { static let choices = RevocationRequestBody.actions; let value: String }
struct PowerType: ChoiceArgument { static let choices = ApprovalBody.powerTypes; let value: String }
struct CorrectableField: ChoiceArgument { static let choices = CorrectionBody.fields; let value: String }
