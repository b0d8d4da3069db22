import Synchronization
import Testing
@testable import ShenguanStore

/// `parallelMap` (the all-core verification of every batch) keeps order and
/// holds nothing once its caller drops the results: a leak here held every
/// verified operation of a sync, so its memory grew with the history.
@Suite struct ParallelMapTests {
    /// Counts the instances alive.
    final class Tracked: Sendable {
        static let alive = Atomic<Int>(0)
        let n: Int
        init(_ n: Int) { self.n = n; Self.alive.add(1, ordering: .relaxed) }
        deinit { Self.alive.subtract(1, ordering: .relaxed) }
    }

    @Test func keepsOrderAndReleasesEveryResult() {
        let before = Tracked.alive.load(ordering: .relaxed)
        do {
            let out = parallelMap(Array(0..<5_000)) { Tracked($0 * 2) }
            #expect(out.map(\.n) == (0..<5_000).map { $0 * 2 })
            #expect(Tracked.alive.load(ordering: .relaxed) == before + 5_000)
        }
        #expect(Tracked.alive.load(ordering: .relaxed) == before)
    }
}
