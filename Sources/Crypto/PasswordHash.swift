/// Passwords of the web interface's local accounts (issue 16): Argon2id
/// through libsodium, stored as libsodium's self-describing string so that
/// the cost can be raised later without breaking old hashes.
public enum PasswordHash {
    /// The cost of a new hash: libsodium's "interactive" limits (2 passes,
    /// 64 MiB), about 0.1–0.3 s on the department's machine: affordable at
    /// sign-in, expensive for a guesser holding a copy of the database.
    public static let opsLimit = Sodium.opsLimitInteractive
    public static let memLimit = Sodium.memLimitInteractive

    /// A hash of `password` with a fresh salt; nil only if libsodium cannot
    /// allocate its memory.
    public static func make(_ password: String) -> String? {
        Sodium.passwordHash(Array(password.utf8), opsLimit: opsLimit, memLimit: memLimit)
    }

    /// Whether `password` matches `hash` (a malformed hash matches nothing).
    public static func matches(_ password: String, hash: String) -> Bool {
        Sodium.passwordVerify(Array(password.utf8), hash: hash)
    }

    /// A hash no password matches, to spend the same time on an unknown
    /// account as on a known one (no account enumeration by timing).
    public static let decoy: String = make(SecureRandom.bytes(24).map { String($0) }.joined()) ?? ""
}
