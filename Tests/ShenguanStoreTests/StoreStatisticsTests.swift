import Foundation
import GRDB
import Testing
@testable import ShenguanStore
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// The kept verdicts of the statistics (issue 16) equal the pure fold: for
/// random 审管 histories delivered in random orders and batches, with
/// statistics asked for at random instants between the batches (so that
/// verdicts are kept and then made stale by what arrives next), the tallies
/// at every instant are `Workflow.pushTallies` over every operation.
@Suite struct StoreStatisticsTests {
    static let later = Fixtures.ms("2027-01-01T00:00:00")

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 7, 8])
    func keptVerdictsEqualTheFullFold(seed: UInt64) throws {
        let dir = TempDir("stats"); defer { dir.remove() }
        let net = Fixtures.randomHistory(seed: seed, steps: 90, witnesses: true, rosterChanges: seed >= 7)
        let s = try ReplicaStore(path: dir.file("a.sqlite"), network: net.network)
        var rng = SeededRNG(seed: seed &* 31)
        let nows = StoreReadModelTests.nows
        var shuffled = net.ops.shuffled(using: &rng).map(\.envelope)
        var kept = 0
        while !shuffled.isEmpty {
            let n = min(shuffled.count, Int.random(in: 1...10, using: &rng))
            _ = try s.ingest(Array(shuffled.prefix(n)), now: Self.later)
            shuffled.removeFirst(n)
            _ = try s.settleVerdicts(now: nows.randomElement(using: &rng)!, limit: Int.random(in: 0...8, using: &rng))
            kept = max(kept, try s.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM verdict_memo") ?? 0 })
        }
        #expect(kept > 0, "verdicts were kept between batches, so later batches had some to make stale")
        var compared = 0
        for now in nows.shuffled(using: &rng) {
            let full = try s.judging(now: now)
            let want = full.workflow.pushTallies(full.context)
            var left = try s.settleVerdicts(now: now, limit: 7), rounds = 1
            while left > 0 && rounds < 500 { left = try s.settleVerdicts(now: now, limit: 7); rounds += 1 }
            let got = try s.pushStatistics(now: now)
            #expect(got.unjudged == 0)
            #expect(got.tallies == want, "tallies at \(ChinaStandardTime.rfc3339CST(millis: now))")
            compared += want.reduce(0) { $0 + $1.count }
            // The pushes behind each number (快速查询) are as many as the number, and judged so by the fold.
            var byKey = [String: Int]()
            for t in want { byKey["\(t.month) \(t.to) \(t.from) \(t.claim)", default: 0] += t.count }
            for t in want {
                let (ids, _) = try s.talliedPushes(months: t.month...t.month, to: t.to, from: t.from, claim: t.claim, now: now, limit: 10_000)
                #expect(ids.count == byKey["\(t.month) \(t.to) \(t.from) \(t.claim)"])
                for id in ids {
                    let p = try #require(full.workflow.pushes[id])
                    #expect(try full.workflow.tally(of: p, full.context).tally.claim == t.claim)
                }
            }
            // A month's tallies are that month's rows.
            if let m = want.first?.month {
                #expect(try s.pushStatistics(monthPrefix: m, now: now).tallies == want.filter { $0.month == m })
            }
        }
        #expect(compared > 0)
        // The memo is no part of the read model's rows; a rebuild starts it empty.
        #expect(try s.checkReadModel().isConsistent)
        try s.rebuildProjections()
        #expect(try s.pushStatistics(now: nows[0]).tallies.isEmpty)
    }

    /// Outcomes that change with time alone: a push open before its limit is
    /// counted lapsed (自动认领) after it, without any operation arriving.
    @Test func anOpenPushIsCountedLapsedOnceItsLimitPasses() throws {
        let dir = TempDir("stats-lapse"); defer { dir.remove() }
        let net = Fixtures.randomHistory(seed: 3, steps: 90, witnesses: true, rosterChanges: false)
        let s = try ReplicaStore(path: dir.file("a.sqlite"), network: net.network)
        _ = try s.ingest(net.ops.map(\.envelope), now: Self.later)
        let early = Fixtures.ms("2026-09-29T10:00:00"), late = Fixtures.ms("2027-03-01T10:00:00")
        for _ in 0..<100 where try s.settleVerdicts(now: early, limit: 50) > 0 {}
        let before = try s.pushStatistics(now: early)
        #expect(before.tallies.contains { $0.claim == "open" })
        // Later, the open ones no longer hold: they wait to be judged again.
        let open = before.tallies.filter { $0.claim == "open" }.reduce(0) { $0 + $1.count }
        #expect(try s.pushStatistics(now: late).unjudged >= open)
        for _ in 0..<100 where try s.settleVerdicts(now: late, limit: 50) > 0 {}
        let after = try s.pushStatistics(now: late).tallies
        #expect(!after.contains { $0.claim == "open" } && after.contains { $0.claim == "lapsed" })
        let full = try s.judging(now: late)
        #expect(after == full.workflow.pushTallies(full.context))
    }
}
