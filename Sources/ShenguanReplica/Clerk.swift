import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// One clerk's session on this department's replica: the store, the
/// unlocked key, the department and the instant the session judges at.
///
/// Every write of the 审管 workflow is a method of `Clerk` (in
/// `Clerk+Approval.swift`, `Clerk+Pushes.swift`, …) taking a typed request
/// and returning a typed result. Each one checks everything a clerk can get
/// wrong first, then signs and stores all its operations in one transaction
/// (all or nothing), then reads its verdict from the read model, never the
/// whole history. Refusals are ``ReplicaError``s.
public struct Clerk: Sendable {
    public let home: ReplicaHome
    public let store: ReplicaStore
    let key: SigningKey
    /// The roster this replica holds now.
    public let roster: RosterState
    /// This replica's department.
    public let department: String
    /// The instant the session judges at (injected: tests and demos fix it).
    public let now: Int64
    /// The read side, at the same instant.
    public var reader: ReplicaReader { ReplicaReader(store: store, now: now, department: department) }

    /// Opens the replica in `home` and unlocks its key with `passphrase`.
    public static func open(home: ReplicaHome, now: Int64, passphrase: () throws -> String?) throws(ReplicaError) -> Clerk {
        do {
            let store = try home.open()
            let key = try home.loadKey(passphrase: passphrase)
            return try Clerk(home: home, store: store, key: key, now: now)
        } catch { throw ReplicaError.wrap(error) }
    }

    /// A session on an opened store with its key (tests, the web interface
    /// that unlocks the key once).
    public init(home: ReplicaHome, store: ReplicaStore, key: SigningKey, now: Int64) throws(ReplicaError) {
        let r: RosterState?
        do {
            try home.checkOwnKey(key, store: store)
            r = try store.roster()
        } catch { throw ReplicaError.wrap(error) }
        guard let r else {
            throw ReplicaError("roster.missing", "This replica holds no roster yet: import the genesis file or sync first.",
                               zh: "本副本尚无名册：请先导入创世文件或同步。")
        }
        guard let mine = r.activeReplica(key.publicKey) else {
            throw ReplicaError("auth.not_admitted", "This replica is not admitted in the roster it holds: send join-request.json to the oversight office, then sync.")
        }
        self.home = home; self.store = store; self.key = key
        roster = r; department = mine.department; self.now = now
    }

    /// The same session judging at another instant.
    public func at(_ now: Int64) -> Clerk {
        Clerk(home: home, store: store, key: key, roster: roster, department: department, now: now)
    }

    private init(home: ReplicaHome, store: ReplicaStore, key: SigningKey, roster: RosterState, department: String, now: Int64) {
        self.home = home; self.store = store; self.key = key; self.roster = roster; self.department = department; self.now = now
    }

    // MARK: - Building blocks of the writes

    /// Runs `body`, mapping any error of the layers below to a `ReplicaError`.
    func run<T>(_ body: () throws -> T) throws(ReplicaError) -> T {
        do { return try body() } catch { throw ReplicaError.wrap(error) }
    }

    /// One item's projection and judging context at the session's instant.
    func item(_ id: Digest) throws -> (Workflow, JudgeContext) {
        let v = try store.itemView(id, now: now)
        return (v.workflow, v.context)
    }

    /// An operation named by id or prefix (or, for approvals, by licence
    /// number, credit code or name), of the expected kind.
    func resolve(_ name: String, kind: String, what: String, zh: String) throws(ReplicaError) -> VerifiedOp {
        let op = try reader.resolveOp(name, kinds: [kind])
        guard op.header.kind == kind else {
            throw ReplicaError("workflow.wrong_kind", "\(name) is a \(op.header.kind) operation, not \(what).",
                               zh: "\(name) 是 \(op.header.kind) 操作，不是\(zh)。")
        }
        return op
    }

    /// A department id in the roster, other than this one.
    func checkDepartment(_ d: String) throws {
        guard roster.departments[d] != nil else {
            let known = roster.departments.keys.sorted().joined(separator: ", ")
            throw ReplicaError("workflow.unknown_department", "No department \"\(d)\" in the roster; known: \(known).",
                               zh: "名册中没有部门“\(d)”；已知部门：\(known)。")
        }
        guard d != department else {
            throw ReplicaError("workflow.self", "\(d) is this replica's own department.", zh: "\(d) 是本副本自己的部门。")
        }
    }

    /// A credit code a clerk typed (R8, GB 32100-2015), checked before signing.
    func checkCreditCode(_ s: String, field: String) throws -> CreditCode {
        if let e = Self.creditCodeProblem(s, field: field) { throw e }
        return CreditCode(s)!
    }

    /// What is wrong with a credit code a clerk typed (R8, GB 32100-2015),
    /// nil if nothing: the one check, for the forms' hint as you type too.
    public static func creditCodeProblem(_ s: String, field: String) -> ReplicaError? {
        CreditCode.problem(s).map { why in
            ReplicaError("workflow.credit_code", "\(field): \(why).", zh: "\(field)：统一社会信用代码有误（\(why)）。")
        }
    }

    /// A draft whose body is built from what the same call wrote before it,
    /// with the staff member who acts (R3) added.
    func draft(_ kind: String, staff: Digest?, _ body: @escaping ([VerifiedOp]) throws -> [String: JSONValue]) -> ReplicaStore.Draft {
        { written in
            var b = try body(written)
            if let staff { b["staff"] = .string(staff.hex) }
            return (kind, .object(b))
        }
    }

    /// Signs and applies several operations in one transaction: all or none.
    func appendAll(_ drafts: [ReplicaStore.Draft]) throws -> [VerifiedOp] {
        try home.appendAll(store: store, key: key, drafts, now: now)
    }

    /// Signs and applies one operation; `checking` runs inside the write
    /// transaction on the item as it is then (one-shot acts: a claim, a
    /// decision, a reply).
    func append(_ kind: String, _ body: [String: JSONValue], staff: Digest?,
                checking: (item: Digest, check: (Workflow, JudgeContext) throws -> Void)? = nil) throws -> VerifiedOp {
        var b = body
        if let staff { b["staff"] = .string(staff.hex) }
        let body = JSONValue.object(b), now = self.now
        let inTransaction = checking.map { c in
            { (tx: ReplicaStore.WriteCheck) throws in
                let v = try tx.itemView(c.item, now: now)
                try c.check(v.workflow, v.context)
            }
        }
        return try home.appendAll(store: store, key: key, [{ _ in (kind, body) }], now: now, check: inTransaction)[0]
    }
}
