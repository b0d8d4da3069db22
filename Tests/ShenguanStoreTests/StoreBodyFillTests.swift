import Foundation
import GRDB
import Testing
@testable import ShenguanStore
import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// Issue 14 item 4: an operation first received without its body (§2.6:
/// "not carried") and later with it keeps the body, and every table is
/// what a replica that received the full copies holds: no body is lost.
@Suite struct StoreBodyFillTests {
    static let later = Fixtures.ms("2027-01-01T00:00:00")

    @Test(arguments: [UInt64(11), 12, 13, 14, 15, 16])
    func bodiesDeliveredLateAreKeptAndProjectedAsIfOnTime(seed: UInt64) throws {
        let dir = TempDir("fill"); defer { dir.remove() }
        let net = Fixtures.randomHistory(seed: seed, steps: 70, witnesses: true, rosterChanges: seed.isMultiple(of: 2))
        var rng = SeededRNG(seed: seed &* 7 &+ 1)
        // Roster operations always travel whole (a replica cannot check the rest without them).
        let strip = Set(net.ops.filter { !$0.header.kind.hasPrefix("roster.") && $0.envelope.body != nil && Bool.random(using: &rng) }.map(\.id))
        #expect(strip.count > 10)
        let full = try ReplicaStore(path: dir.file("full.sqlite"), network: net.network)
        _ = try full.ingest(net.ops.map(\.envelope), now: Self.later)
        let late = try ReplicaStore(path: dir.file("late.sqlite"), network: net.network)
        // First everything, some without their bodies, in a random order; then the full copies of those, shuffled.
        let first = net.ops.map { strip.contains($0.id) ? $0.envelope.withoutBody : $0.envelope }.shuffled(using: &rng)
        var refused = [String]()
        for chunk in stride(from: 0, to: first.count, by: 9) {
            let r = try late.ingest(Array(first[chunk..<min(chunk + 9, first.count)]), now: Self.later)
            refused += r.results.compactMap { if case .rejected(let why) = $0.outcome { return "\($0.kind): \(why.code.rawValue) \(why.detail)" }; return nil }
        }
        let refill = net.ops.filter { strip.contains($0.id) }.map(\.envelope).shuffled(using: &rng)
        var filled = 0
        for chunk in stride(from: 0, to: refill.count, by: 5) {
            let r = try late.ingest(Array(refill[chunk..<min(chunk + 5, refill.count)]), now: Self.later)
            filled += r.results.filter { $0.outcome == .accepted }.count
            refused += r.results.compactMap { if case .rejected(let why) = $0.outcome { return "fill \($0.kind): \(why.code.rawValue) \(why.detail)" }; return nil }
        }
        let pending = try late.pendingCount()
        #expect(refused.isEmpty && pending == 0, "\(refused) pending \(pending)")
        // Every body that passes the checks is back, and everything agrees with the replica that had them all along.
        let bodies = try late.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM ops WHERE body IS NOT NULL") ?? 0 }
        let fullBodies = try full.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM ops WHERE body IS NOT NULL") ?? 0 }
        #expect(try late.count() == full.count())
        #expect(bodies == fullBodies, "\(filled) of \(strip.count) bodies filled")
        #expect(try late.stateDigest() == full.stateDigest())
        let check = try late.checkReadModel()
        #expect(check.isConsistent, "missing \(check.missing.prefix(5)) extra \(check.extra.prefix(5))")
        let a = try late.pool.read { db in try ReadModel.dump(db: db) }, b = try full.pool.read { db in try ReadModel.dump(db: db) }
        #expect(a == b)
        // Offering the full copy again is a plain duplicate.
        let again = try late.ingest([net.ops.first { strip.contains($0.id) }!.envelope], now: Self.later)
        #expect(again.results.first?.outcome == .duplicate)
    }

    /// A staff registration carried without its body is held (its department
    /// is in the body); the body, when it comes, is checked as if on time: a
    /// registration for another department is refused then and stays bodiless.
    @Test func aStaffRegistrationsDepartmentIsCheckedWhenItsBodyArrives() throws {
        let dir = TempDir("fill-staff"); defer { dir.remove() }
        var net = Fixtures.network()
        let foreign = net.write(1, kind: RosterOps.staff, body: ["department": "d0", "name": "王芳", "office": "窗口", "staffNo": "S09",
                                                               "validFrom": "2026-01-01", "validUntil": "2026-12-31"])
        let store = try ReplicaStore(path: dir.file("r.sqlite"), network: net.network)
        let first = try store.ingest(net.ops.map { $0.id == foreign.id ? $0.envelope.withoutBody : $0.envelope }, now: Self.later)
        #expect(first.results.allSatisfy { $0.outcome == .accepted })
        let fill = try store.ingest([foreign.envelope], now: Self.later)
        guard case .rejected(let why) = fill.results.first?.outcome else {
            Issue.record("the foreign department's body was not refused: \(String(describing: fill.results.first?.outcome))"); return
        }
        #expect(why.code == .forbiddenKind)
        let body = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM ops WHERE kind = 'staff.register' AND body IS NOT NULL") }
        #expect(body == 0)
    }
}
