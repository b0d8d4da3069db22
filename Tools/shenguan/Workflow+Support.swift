import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// Options of every command that records who acted (R3).
struct StaffOption: ParsableArguments {
    @Option(help: "Staff number or registration id (prefix) of who acts (R3 签收人/经办人).") var staff: String?
}

/// One clerk's session on the replica: the store, the key, this department
/// and the workflow projection (what the commands check before signing).
struct WorkflowSession {
    let home: ReplicaHome
    let store: ReplicaStore
    let key: SigningKey
    let roster: RosterState
    let department: String
    let now: Int64

    init(_ g: GlobalOptions) throws {
        (home, store, key) = try openForWriting(g)
        guard let r = try store.roster() else { throw CLIError("roster.missing", "This replica holds no roster yet: import the genesis file or sync first.") }
        guard let mine = r.activeReplica(key.publicKey) else {
            throw CLIError("auth.not_admitted", "This replica is not admitted in the roster it holds: send join-request.json to the oversight office, then sync.")
        }
        roster = r; department = mine.department; now = try Clock.nowMillis()
    }

    /// One item's projection and its judging context at the session's now,
    /// with proven intervals, read through the read model: the licence,
    /// record or inquiry `id` belongs to and every act on it (checks before
    /// signing, verdicts after), never the whole history.
    func item(_ id: Digest) throws -> (Workflow, JudgeContext) {
        let v = try store.itemView(id, now: now)
        return (v.workflow, v.context)
    }

    /// Pushes `record` to each department (R1, R7) and returns the
    /// projection with the new pushes' statuses.
    func push(_ record: Digest, to departments: [String], staff: String?) throws -> (Workflow, [Workflow.PushStatus]) {
        let pushes = try departments.map { try append(WorkflowKinds.push, ["record": .string(record.hex), "to": .string($0)], staff: staff) }
        let (wf, ctx) = try item(record)
        return (wf, try pushes.compactMap { wf.pushes[$0.id] }.map { try wf.status(of: $0, ctx) })
    }

    /// Signs and applies one operation; refusals come back as `OpRejection`
    /// with their stable code (e.g. `workflow.not_addressee`).
    @discardableResult
    func append(_ kind: String, _ body: [String: JSONValue], staff: String? = nil) throws -> VerifiedOp {
        var body = body
        if let staff { body["staff"] = .string(try staffID(staff).hex) }
        return try home.append(store: store, key: key, kind: kind, body: .object(body), now: now)
    }

    /// A staff number of this department, or a registration id prefix.
    func staffID(_ s: String) throws -> Digest {
        if let hit = try store.staff(department: department).first(where: { $0.1.staffNo == s }) { return Digest(hex: hit.0)! }
        let op = try store.op(s)
        guard op.header.kind == RosterOps.staff else { throw CLIError("staff.unknown", "\(s) is neither a staff number of \(department) nor a staff registration.") }
        return op.id
    }

    /// An operation id (or prefix) of the expected kind.
    func resolve(_ idOrPrefix: String, kind: String, what: String) throws -> VerifiedOp {
        let op = try store.op(idOrPrefix)
        guard op.header.kind == kind else {
            throw CLIError("workflow.wrong_kind", "\(idOrPrefix) is a \(op.header.kind) operation, not \(what).")
        }
        return op
    }

    /// Refuses, before anything is signed, a limit the calendar cannot
    /// compute from now (a year without an official table).
    func checkLimit(workingDays: Int, what: String) throws {
        do { _ = try Deadlines.limit(from: now, workingDays: workingDays, calendar: roster.calendar) } catch {
            throw CLIError("calendar.no_table", "Cannot compute \(what): \(error). Nothing was signed; the oversight office must publish the official calendar for that year (shenguan network calendar), then try again.")
        }
    }

    /// A department id in the roster, other than this one.
    func checkDepartment(_ d: String) throws {
        guard roster.departments[d] != nil else {
            throw CLIError("workflow.unknown_department", "No department \"\(d)\" in the roster; known: \(roster.departments.keys.sorted().joined(separator: ", ")).")
        }
        guard d != department else { throw CLIError("workflow.self", "\(d) is this replica's own department.") }
    }

    /// Stores a file as an attachment operation and returns its reference (R1).
    func attach(_ path: String) throws -> JSONValue {
        let a = try attachment(path)
        return a.ref(try appendAll([a.draft])[0])
    }

    /// A file read and checked (nothing signed yet): the attachment's draft,
    /// and the entry that names the written attachment in its parent's body.
    func attachment(_ path: String) throws -> (draft: ReplicaStore.Draft, ref: (VerifiedOp) -> JSONValue) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("attachment.unreadable", "Cannot read \(path): check the path and permissions.")
        }
        guard data.count <= AttachmentBody.maxBytes else {
            throw CLIError("attachment.too_large", "\(path) has \(data.count) bytes; an attachment holds at most \(AttachmentBody.maxBytes) (scan at a lower resolution or split it).")
        }
        let name = (path as NSString).lastPathComponent
        let type = ["pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "txt": "text/plain"][(name as NSString).pathExtension.lowercased()] ?? "application/octet-stream"
        let bytes = [UInt8](data)
        let body = AttachmentBody.json(name: name, mediaType: type, data: bytes)
        let sha = SHA256.hash(bytes).hex
        return ({ _ in (WorkflowKinds.attachment, body) },
                { op in .object(["op": .string(op.id.hex), "sha256": .string(sha), "name": .string(name)]) })
    }

    /// A draft whose body is built from what the same call wrote before it,
    /// with the staff member who acts (R3) added.
    func draft(_ kind: String, staff: String?, _ body: @escaping ([VerifiedOp]) throws -> [String: JSONValue]) throws -> ReplicaStore.Draft {
        let who: String? = try staff.map { try self.staffID($0).hex }
        return { written in
            var b = try body(written)
            if let who { b["staff"] = .string(who) }
            return (kind, .object(b))
        }
    }

    /// Signs and applies several operations in one transaction: all or none.
    func appendAll(_ drafts: [ReplicaStore.Draft]) throws -> [VerifiedOp] {
        try home.appendAll(store: store, key: key, drafts, now: now)
    }
}

/// `YYYY-MM-DD`, or today in China Standard Time.
func civilDate(_ s: String?, now: Int64, field: String) throws -> CivilDate {
    guard let s else { return ChinaStandardTime.civilDate(atMillis: now) }
    guard let d = CivilDate(iso: s) else { throw CLIError("input.date", "--\(field) \(s) is not a date YYYY-MM-DD.") }
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

extension Workflow {
    /// "张三 (A001) · market · 2026-10-09T10:00:00+08:00"
    func who(_ a: Act) -> String {
        "\(a.staff.map { "\($0.name) (\($0.staffNo)) · " } ?? "")\(name(of: a.department)) · \(ChinaStandardTime.rfc3339CST(millis: a.time))"
    }
}

/// Words for statuses, in Chinese and English with the rule id.
enum Words {
    static let status: [String: String] = [
        "pending": "待认领 pending", "claimed_on_time": "按时认领 claimed on time", "claimed_late": "逾期认领 claimed late",
        "auto_claimed": "超时自动认领 auto-claimed at the limit", "awaiting_reply": "待回复 awaiting reply", "consented": "同意 consented",
        "objected": "不同意 objected", "deemed_consent": "视为同意 deemed consent",
        "claimed_awaiting_witness": "已认领待见证 claimed, awaiting a witness", "replied_awaiting_witness": "已回复待见证 replied, awaiting a witness",
    ]
    static func of(_ label: String) -> String { status[label] ?? label }

    static let actions = ["claim": "认领 claim", "reply": "回复 reply", "decide": "办理 decide"]
    static func action(_ a: String) -> String { actions[a] ?? a }

    /// "2 工作日 / 38 h": working days and hours before an inbox item's limit.
    static func left(_ due: WorkingDayCalendar.Due, _ ctx: JudgeContext) -> String {
        let t = Workflow.timeLeft(due, now: ctx.now, calendar: ctx.calendar)
        return "\(t.workingDays) 工作日 / \(t.hours) h"
    }
}
