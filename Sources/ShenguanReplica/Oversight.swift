import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// The oversight office's session on its replica: every roster change
/// (DESIGN.md "Roster, roles, policy"; RULES.md R21; PROTOCOL.md §2.7) is an
/// operation signed by the network's root key, which lives only here
/// (`root.key`, its own passphrase). The CLI's `shenguan network …` commands
/// only parse, call one method and print.
///
/// Each change is checked as every replica will check it (the store's
/// ingest rules run before it is kept, and nothing is kept when they
/// refuse). Replacing the root key survives a crash at any point
/// (``rotateRoot(passphrase:)``).
public struct Oversight: Sendable {
    public let home: ReplicaHome
    public let store: ReplicaStore
    let root: SigningKey
    /// The instant the changes are signed at.
    public let now: Int64

    /// The root key's public half (the roster's `root`).
    public var rootKey: PublicKey { root.publicKey }

    /// A new root key written before the `roster.root` operation that
    /// names it is signed; renamed to `root.key` once that operation is kept.
    static func nextKeyPath(_ home: ReplicaHome) -> String { home.path + "/root-next.key" }

    /// The oversight office's first step (`shenguan network init`): the
    /// root key, the genesis roster, this replica, and `genesis.jsonl`.
    /// The root key must have its own passphrase; nothing is created
    /// otherwise.
    public static func createNetwork(home: ReplicaHome, name: String, policy: Policy, departmentID: String, departmentName: String,
                                     passphrase: String?, rootPassphrase: String?, now: Int64) throws(ReplicaError) -> (network: Digest, root: PublicKey) {
        guard rootPassphrase != passphrase else {
            throw ReplicaError("key.same_passphrase", "The root key needs its own passphrase, not the replica's: set SHENGUAN_ROOT_PASSPHRASE (or type it when asked) to a different one. Nothing was created.",
                               zh: "根密钥须使用与副本密钥不同的口令：请另设 SHENGUAN_ROOT_PASSPHRASE（或在提示时输入）。未创建任何内容。")
        }
        do {
            let (_, root, op) = try home.createNetwork(name: name, policy: policy, departmentID: departmentID, departmentName: departmentName,
                                                      passphrase: passphrase, rootPassphrase: rootPassphrase, now: now)
            return (op.id, root.publicKey)
        } catch { throw ReplicaError.wrap(error) }
    }

    /// Opens the oversight replica in `home` and unlocks its root key. A
    /// root-key replacement that a crash interrupted is finished (the new
    /// key already signed for) or undone (it never was).
    public static func open(home: ReplicaHome, now: Int64, rootPassphrase: () throws -> String?) throws(ReplicaError) -> Oversight {
        do {
            let store = try home.open()
            let fm = FileManager.default, next = nextKeyPath(home)
            // A crash between the two renames of `retire`: the old key is retired already.
            if !fm.fileExists(atPath: home.rootKeyPath), fm.fileExists(atPath: next) { try fm.moveItem(atPath: next, toPath: home.rootKeyPath) }
            guard fm.fileExists(atPath: home.rootKeyPath) else {
                throw ReplicaError("roster.no_root_key", "This replica holds no root key: roster changes are made on the oversight office's replica.",
                                   zh: "本副本没有根密钥：名册变更须在监督部门的副本上进行。")
            }
            let passphrase = try rootPassphrase()
            var root = try home.loadKey(at: home.rootKeyPath) { passphrase }
            let rosterRoot = try store.roster()?.root
            if fm.fileExists(atPath: next) {
                let key = try home.loadKey(at: next) { passphrase }
                if key.publicKey == rosterRoot {
                    try retire(home: home, old: root.publicKey)
                    root = key
                } else {
                    try fm.removeItem(atPath: next)   // the hand-over was never signed
                }
            }
            guard root.publicKey == rosterRoot else {
                throw ReplicaError("roster.not_root", "root.key is not the root key of the roster this replica holds (the roster names \(rosterRoot.map { String($0.base64url.prefix(12)) } ?? "none")…): nothing was signed.",
                                   zh: "root.key 不是本副本所持名册的根密钥，未签署任何内容。")
            }
            return Oversight(home: home, store: store, root: root, now: now)
        } catch { throw ReplicaError.wrap(error) }
    }

    /// The same session signing at another instant.
    public func at(_ now: Int64) -> Oversight { Oversight(home: home, store: store, root: root, now: now) }

    /// Admits a replica key from the join request it wrote (`roster.admit`).
    public func admit(_ join: JoinRequest) throws(ReplicaError) -> VerifiedOp {
        guard join.network == store.network else {
            throw ReplicaError("store.network_mismatch", "The join request is for network \(join.network.hex.prefix(12))…, this replica is on \(store.network.hex.prefix(12))….",
                               zh: "该入网申请属于另一个网络，未签署任何内容。")
        }
        return try sign(RosterOps.admit, ["key": .string(join.key.base64url), "department": .string(join.department)])
    }

    /// Adds a department with its role (`roster.department`).
    public func addDepartment(id: String, name: String, role: Role) throws(ReplicaError) -> VerifiedOp {
        try sign(RosterOps.department, ["id": .string(id), "name": .string(name), "role": .string(role.rawValue)])
    }

    /// Revokes a replica key (`roster.revoke`); `key` is its base64url form.
    public func revoke(key: String, reason: String) throws(ReplicaError) -> VerifiedOp {
        try sign(RosterOps.revoke, ["key": .string(key), "reason": .string(reason)])
    }

    /// Replaces the network's policy (`roster.policy`).
    public func setPolicy(_ policy: Policy) throws(ReplicaError) -> VerifiedOp {
        try sign(RosterOps.policy, ["policy": policy.json])
    }

    /// Publishes a year's official calendar (`roster.calendar`, T1).
    public func publishCalendar(_ year: CalendarYear) throws(ReplicaError) -> VerifiedOp {
        try sign(RosterOps.calendar, ["year": RosterOps.json(year: year)])
    }

    /// Replaces the root key (`roster.root`): the old key signs the
    /// hand-over, the new one signs every later change. The new key is
    /// written (sealed with `passphrase`, mode 0600) before the hand-over is
    /// signed, so no crash can leave a roster naming a key nobody holds;
    /// the retired key is kept beside it (it signed history).
    public func rotateRoot(passphrase: String?) throws(ReplicaError) -> (op: VerifiedOp, root: PublicKey, retired: String?) {
        let next = SigningKey.generate()
        let nextPath = Self.nextKeyPath(home)
        do {
            if FileManager.default.fileExists(atPath: nextPath) { try FileManager.default.removeItem(atPath: nextPath) }
            try KeyFile.write(KeyFile.seal(next, passphrase: passphrase, strength: .moderate), to: nextPath)
        } catch { throw ReplicaError.wrap(error) }
        let op: VerifiedOp
        do { op = try sign(RosterOps.root, ["key": .string(next.publicKey.base64url)]) } catch {
            try? FileManager.default.removeItem(atPath: nextPath)
            throw error
        }
        // Signed and kept: never report a failure now (a retry would rotate again). If the
        // renames fail (a full disk), the next `open` finishes them; `retired` is then nil.
        return (op, next.publicKey, try? Self.retire(home: home, old: root.publicKey))
    }

    /// Moves `root.key` aside as the retired key and `root-next.key` into its place.
    @discardableResult
    static func retire(home: ReplicaHome, old: PublicKey) throws -> String {
        let retired = home.path + "/root-retired-\(old.base64url.prefix(12)).key"
        let fm = FileManager.default
        if fm.fileExists(atPath: retired) { try fm.removeItem(atPath: home.rootKeyPath) } else { try fm.moveItem(atPath: home.rootKeyPath, toPath: retired) }
        try fm.moveItem(atPath: nextKeyPath(home), toPath: home.rootKeyPath)
        return retired
    }

    /// Signs and keeps one roster operation, after the checks every replica applies.
    func sign(_ kind: String, _ body: [String: JSONValue]) throws(ReplicaError) -> VerifiedOp {
        do { return try home.append(store: store, key: root, kind: kind, body: .object(body), now: now) } catch { throw ReplicaError.wrap(error) }
    }
}
