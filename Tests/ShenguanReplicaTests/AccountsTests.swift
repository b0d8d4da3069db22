import Foundation
import GRDB
import ShenguanCore
import ShenguanReplica
import ShenguanStore
import ShenguanTestSupport
import Testing

/// The web interface's local accounts (issue 16): Argon2id passwords set by
/// the key holder, lockout, sessions stored as hashes, sessions ending.
@Suite struct AccountsTests {
    func desk() throws -> (Desk, Accounts) {
        let d = try Desk("accounts")
        try d.registerStaff("S01")
        try d.clerk(d.market, at: "2026-09-01T10:00:00").setWebPassword(staffNo: "S01", password: "correct horse")
        return (d, Accounts(store: d.market.store, department: "d1"))
    }

    @Test func signInGivesASessionNamingTheStaffMember() throws {
        let (_, accounts) = try desk()
        let now = F.ms("2026-09-02T09:00:00")
        let (token, s) = try accounts.signIn(staffNo: "S01", password: "correct horse", now: now)
        #expect(s.name == "王芳" && s.staffNo == "S01")
        #expect(accounts.session(token: token, now: now + 1000) == s)
        // The session ends with its time, and at sign-out.
        #expect(accounts.session(token: token, now: now + Accounts.sessionMillis) == nil)
        accounts.signOut(token: token)
        #expect(accounts.session(token: token, now: now + 1000) == nil)
        // A token that was never issued signs no one in.
        #expect(accounts.session(token: String(repeating: "A", count: 43), now: now) == nil)
    }

    @Test func unknownStaffAndWrongPasswordGetTheSameRefusal() throws {
        let (_, accounts) = try desk()
        let now = F.ms("2026-09-02T09:00:00")
        let wrong = #expect(throws: ReplicaError.self) { try accounts.signIn(staffNo: "S01", password: "wrong horse", now: now) }
        let unknown = #expect(throws: ReplicaError.self) { try accounts.signIn(staffNo: "S99", password: "correct horse", now: now) }
        #expect(wrong?.code == "account.bad_credentials" && wrong == unknown)
        #expect(wrong?.chinese == "工号或密码不正确。")
    }

    @Test func fiveWrongPasswordsLockTheAccountForFifteenMinutes() throws {
        let (_, accounts) = try desk()
        let t0 = F.ms("2026-09-02T09:00:00")
        for i in 0..<Accounts.maxFailures {
            #expect(throws: ReplicaError.self) { try accounts.signIn(staffNo: "S01", password: "guess \(i)", now: t0 + Int64(i)) }
        }
        // Locked: even the right password is refused, and says until when.
        let locked = #expect(throws: ReplicaError.self) { try accounts.signIn(staffNo: "S01", password: "correct horse", now: t0 + 60_000) }
        #expect(locked?.code == "account.locked")
        #expect(locked?.chinese.contains("锁定至") == true)
        // After the lockout the right password works again, and resets the count.
        _ = try accounts.signIn(staffNo: "S01", password: "correct horse", now: t0 + Accounts.lockMillis + 10)
        #expect(try accounts.store.webAccount(staffNo: "S01")?.failures == 0)
    }

    @Test func fourWrongPasswordsThenTheRightOneDoNotLock() throws {
        let (_, accounts) = try desk()
        let t0 = F.ms("2026-09-02T09:00:00")
        for i in 0..<(Accounts.maxFailures - 1) {
            #expect(throws: ReplicaError.self) { try accounts.signIn(staffNo: "S01", password: "guess \(i)", now: t0) }
        }
        _ = try accounts.signIn(staffNo: "S01", password: "correct horse", now: t0)
        #expect(throws: ReplicaError.self) { try accounts.signIn(staffNo: "S01", password: "guess again", now: t0) }
        _ = try accounts.signIn(staffNo: "S01", password: "correct horse", now: t0)   // one failure since the success: not locked
    }

    @Test func theDatabaseHoldsNeitherPasswordsNorTokens() throws {
        let (d, accounts) = try desk()
        let (token, _) = try accounts.signIn(staffNo: "S01", password: "correct horse", now: F.ms("2026-09-02T09:00:00"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: d.market.home.path + "/replica.sqlite"))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: d.market.home.path + "/replica.sqlite-wal"))) ?? Data()
        for secret in ["correct horse", token] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil && wal.range(of: Data(secret.utf8)) == nil)
        }
        #expect(try accounts.store.webAccount(staffNo: "S01")?.hash.hasPrefix("$argon2id$") == true)
    }

    @Test func aNewPasswordEndsTheSessions() throws {
        let (d, accounts) = try desk()
        let now = F.ms("2026-09-02T09:00:00")
        let (token, _) = try accounts.signIn(staffNo: "S01", password: "correct horse", now: now)
        try d.clerk(d.market, at: "2026-09-02T09:05:00").setWebPassword(staffNo: "S01", password: "battery staple")
        #expect(accounts.session(token: token, now: now + 1000) == nil)
        #expect(throws: ReplicaError.self) { try accounts.signIn(staffNo: "S01", password: "correct horse", now: now + 2000) }
        _ = try accounts.signIn(staffNo: "S01", password: "battery staple", now: now + 3000)
    }

    @Test func passwordsAreSetOnlyForStaffRegisteredTodayAndNotWeak() throws {
        let (d, _) = try desk()
        let clerk = try d.clerk(d.market, at: "2026-09-02T09:00:00")
        let short = #expect(throws: ReplicaError.self) { try clerk.setWebPassword(staffNo: "S01", password: "short") }
        #expect(short?.code == "account.weak_password")
        let unknown = #expect(throws: ReplicaError.self) { try clerk.setWebPassword(staffNo: "S77", password: "long enough") }
        #expect(unknown?.code == "staff.unknown")
        // After the registration ends, no password, and no sign-in.
        let later = try d.clerk(d.market, at: "2027-01-04T09:00:00")
        #expect(throws: ReplicaError.self) { try later.setWebPassword(staffNo: "S01", password: "long enough") }
        let gone = #expect(throws: ReplicaError.self) {
            try Accounts(store: d.market.store, department: "d1").signIn(staffNo: "S01", password: "correct horse", now: F.ms("2027-01-04T09:00:00"))
        }
        #expect(gone?.code == "account.not_registered")
    }
}
