import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// A staff member signed in to the web interface: who acts (R3) on every
/// form they send, and the session's anti-forgery token.
public struct SignedIn: Sendable, Equatable {
    public let staffNo: String
    public let name: String
    public let office: String
    /// The synchronizer token every form of this session carries.
    public let csrf: String
    public let expires: Int64
}

/// The web interface's local accounts (issue 16): one per registered staff
/// member of this department, set by the administrator who holds the key;
/// sign-in with lockout; sessions that end with the working day or at
/// sign-out. Passwords are hashed with Argon2id (``PasswordHash``); tokens
/// are stored only as their SHA-256.
public struct Accounts: Sendable {
    public let store: ReplicaStore
    public let department: String

    /// Failed sign-ins in a row that lock an account, and for how long.
    public static let maxFailures = 5
    public static let lockMillis: Int64 = 15 * 60_000
    /// A session lasts a working day at most.
    public static let sessionMillis: Int64 = 10 * 3_600_000
    public static let minPasswordLength = 8

    public init(store: ReplicaStore, department: String) { self.store = store; self.department = department }

    func run<T>(_ body: () throws -> T) throws(ReplicaError) -> T {
        do { return try body() } catch { throw ReplicaError.wrap(error) }
    }

    /// The registration of `staffNo` valid at `now`, if any.
    func member(_ staffNo: String, now: Int64) throws -> StaffMember? {
        try store.staff(department: department).map(\.1).first { $0.staffNo == staffNo && $0.mayAct(atMillis: now) }
    }

    static let badCredentials = ReplicaError("account.bad_credentials", "Wrong staff number or password.",
                                             zh: "工号或密码不正确。")

    /// Signs `staffNo` in; returns the session token (for the cookie) and
    /// the session. The same refusal for an unknown staff number and a wrong
    /// password, after the same Argon2id work (no enumeration).
    public func signIn(staffNo: String, password: String, now: Int64) throws(ReplicaError) -> (token: String, session: SignedIn) {
        try run {
            let account = try store.webAccount(staffNo: staffNo)
            if let a = account, a.lockedUntil > now {
                let until = ClerkTime.instant(a.lockedUntil, now: now)
                throw ReplicaError("account.locked", "Too many wrong passwords: staff number \(staffNo) is locked until \(until) CST.",
                                   zh: "密码连续输错 \(Self.maxFailures) 次，该账号已锁定至 \(until)；请稍后再试，或请本部门管理员重设密码。")
            }
            let ok = PasswordHash.matches(password, hash: account?.hash ?? PasswordHash.decoy)
            guard let a = account, ok else {
                if let a = account {
                    let failures = a.failures + 1
                    try store.setWebAccountFailures(staffNo: staffNo, failures: failures >= Self.maxFailures ? 0 : failures,
                                                    lockedUntil: failures >= Self.maxFailures ? now + Self.lockMillis : 0)
                }
                throw Self.badCredentials
            }
            guard let m = try member(a.staffNo, now: now) else {
                throw ReplicaError("account.not_registered", "Staff number \(staffNo) has no registration valid today (R3): ask the administrator.",
                                   zh: "工号 \(staffNo) 今天没有有效的人员登记（R3），无法登录；请联系本部门管理员。")
            }
            let token = Base64URL.encode(SecureRandom.bytes(32)), csrf = Base64URL.encode(SecureRandom.bytes(32))
            let expires = now + Self.sessionMillis
            try store.createWebSession(tokenHash: Self.tokenHash(token), staffNo: staffNo, csrf: csrf, expires: expires, now: now)
            return (token, SignedIn(staffNo: staffNo, name: m.name, office: m.office, csrf: csrf, expires: expires))
        }
    }

    /// The session of a cookie's token at `now`; nil when unknown, expired,
    /// or its staff member's registration is no longer valid.
    public func session(token: String, now: Int64) -> SignedIn? {
        guard token.utf8.count == 43,
              let row = try? store.webSession(tokenHash: Self.tokenHash(token), now: now),
              let m = try? member(row.staffNo, now: now) else { return nil }
        return SignedIn(staffNo: row.staffNo, name: m.name, office: m.office, csrf: row.csrf, expires: row.expires)
    }

    /// Ends the session of `token`.
    public func signOut(token: String) {
        try? store.deleteWebSession(tokenHash: Self.tokenHash(token))
    }

    static func tokenHash(_ token: String) -> String { SHA256.hash(Array(token.utf8)).hex }
}

extension Clerk {
    /// Sets the web password of a staff member of this department who is
    /// registered today (the administrator, who holds the key, does it);
    /// their sessions end.
    public func setWebPassword(staffNo: String, password: String) throws(ReplicaError) {
        let accounts = Accounts(store: store, department: department)
        try run {
            guard try accounts.member(staffNo, now: now) != nil else {
                _ = try staffID(staffNo)   // the precise refusal: unknown, or not valid today
                throw ReplicaError("staff.invalid", "Staff number \(staffNo) has no registration valid today.", zh: "工号 \(staffNo) 今天没有有效登记。")
            }
            guard password.count >= Accounts.minPasswordLength else {
                throw ReplicaError("account.weak_password", "A password has at least \(Accounts.minPasswordLength) characters.",
                                   zh: "密码至少 \(Accounts.minPasswordLength) 个字符。")
            }
            guard password != staffNo else {
                throw ReplicaError("account.weak_password", "The password must not be the staff number.", zh: "密码不能与工号相同。")
            }
            guard let hash = PasswordHash.make(password) else {
                throw ReplicaError("account.hash_failed", "The password could not be hashed (out of memory?); try again.",
                                   zh: "密码无法处理（内存不足？），请重试。")
            }
            try store.setWebAccount(staffNo: staffNo, hash: hash, now: now)
        }
    }
}
