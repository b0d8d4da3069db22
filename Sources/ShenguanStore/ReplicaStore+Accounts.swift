import GRDB

/// A local account of the web interface (issue 16): local to this replica,
/// never replicated (who may sign in here is this department's business).
public struct WebAccount: Sendable, Equatable {
    public let staffNo: String
    /// Argon2id, libsodium's string form.
    public let hash: String
    /// Consecutive failed sign-ins since the last success or lockout.
    public let failures: Int
    /// Sign-ins are refused until this instant (ms); 0: not locked.
    public let lockedUntil: Int64
}

/// A signed-in browser session, found by the SHA-256 of its token.
public struct WebSessionRow: Sendable, Equatable {
    public let staffNo: String
    public let csrf: String
    public let expires: Int64
}

extension ReplicaStore {
    /// Sets the password hash of `staffNo` (new account or new password):
    /// failures and lockout are cleared and every session of that staff
    /// number ends, in one transaction.
    public func setWebAccount(staffNo: String, hash: String, now: Int64) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO web_accounts(staff_no, hash, failures, locked_until, changed) VALUES (?, ?, 0, 0, ?)
                ON CONFLICT(staff_no) DO UPDATE SET hash = excluded.hash, failures = 0, locked_until = 0, changed = excluded.changed
                """, arguments: [staffNo, hash, now])
            try db.execute(sql: "DELETE FROM web_sessions WHERE staff_no = ?", arguments: [staffNo])
        }
    }

    /// The account of `staffNo`, if one was set.
    public func webAccount(staffNo: String) throws -> WebAccount? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT staff_no, hash, failures, locked_until FROM web_accounts WHERE staff_no = ?",
                             arguments: [staffNo]).map { WebAccount(staffNo: $0[0], hash: $0[1], failures: $0[2], lockedUntil: $0[3]) }
        }
    }

    /// Records the outcome of a sign-in attempt's count and lockout.
    public func setWebAccountFailures(staffNo: String, failures: Int, lockedUntil: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE web_accounts SET failures = ?, locked_until = ? WHERE staff_no = ?",
                           arguments: [failures, lockedUntil, staffNo])
        }
    }

    /// Starts a session; expired sessions are deleted on the way.
    public func createWebSession(tokenHash: String, staffNo: String, csrf: String, expires: Int64, now: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM web_sessions WHERE expires <= ?", arguments: [now])
            try db.execute(sql: "UPDATE web_accounts SET failures = 0, locked_until = 0 WHERE staff_no = ?", arguments: [staffNo])
            try db.execute(sql: "INSERT INTO web_sessions(token, staff_no, csrf, expires) VALUES (?, ?, ?, ?)",
                           arguments: [tokenHash, staffNo, csrf, expires])
        }
    }

    /// The live session of a token hash, nil if unknown or expired.
    public func webSession(tokenHash: String, now: Int64) throws -> WebSessionRow? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT staff_no, csrf, expires FROM web_sessions WHERE token = ? AND expires > ?",
                             arguments: [tokenHash, now]).map { WebSessionRow(staffNo: $0[0], csrf: $0[1], expires: $0[2]) }
        }
    }

    /// Ends a session (sign-out).
    public func deleteWebSession(tokenHash: String) throws {
        try pool.write { db in try db.execute(sql: "DELETE FROM web_sessions WHERE token = ?", arguments: [tokenHash]) }
    }
}
