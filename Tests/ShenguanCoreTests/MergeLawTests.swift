import Foundation
import Testing
@testable import ShenguanCore
import ShenguanTestSupport
import ShenguanCrypto

/// The replica is a grow-only-set CRDT (DESIGN.md): merge is commutative,
/// associative and idempotent, and any delivery order of the same operations
/// gives the same state. Property tests over seeded random networks.
@Suite struct MergeLawTests {
    static let seeds: [UInt64] = Array(1...12)

    /// A replica holding a random subset of a network's operations.
    func replica(_ net: TestNetwork, keep: Double, rng: inout SeededRNG) -> MemoryReplica {
        var r = MemoryReplica(network: net.network)
        r.ingest(net.ops.filter { _ in Double.random(in: 0..<1, using: &rng) < keep }, now: net.clock)
        return r
    }

    func merged(_ a: MemoryReplica, _ b: MemoryReplica, now: Int64) -> MemoryReplica {
        var m = a; m.merge(b, now: now); return m
    }

    /// Everything a replica holds, applied or pending: merge is a union of both.
    func contents(_ r: MemoryReplica) -> Set<Digest> { Set(r.held.keys).union(r.pending.keys) }

    @Test(arguments: seeds) func mergeIsCommutativeAssociativeIdempotent(seed: UInt64) {
        let net = TestNetwork.random(authors: 4, ops: 40, seed: seed)
        var rng = SeededRNG(seed: seed)
        let a = replica(net, keep: 0.6, rng: &rng), b = replica(net, keep: 0.6, rng: &rng), c = replica(net, keep: 0.6, rng: &rng)
        let now = net.clock
        #expect(merged(a, b, now: now).state.digest == merged(b, a, now: now).state.digest)
        #expect(merged(merged(a, b, now: now), c, now: now).state.digest == merged(a, merged(b, c, now: now), now: now).state.digest)
        #expect(merged(a, a, now: now).state.digest == a.state.digest)
        #expect(contents(merged(a, b, now: now)) == contents(a).union(contents(b)))
        #expect(merged(merged(a, b, now: now), b, now: now).state.digest == merged(a, b, now: now).state.digest)
        // Merging everything gives the state of the whole network.
        var all = MemoryReplica(network: net.network)
        all.ingest(net.ops, now: now)
        #expect(merged(merged(a, b, now: now), all, now: now).state.digest == all.state.digest)
    }

    @Test(arguments: seeds) func anyDeliveryOrderGivesTheSameState(seed: UInt64) {
        let net = TestNetwork.random(authors: 5, ops: 60, seed: seed)
        var reference = MemoryReplica(network: net.network)
        reference.ingest(net.ops, now: net.clock)
        #expect(reference.held.count == 60 && reference.pending.isEmpty)
        var rng = SeededRNG(seed: seed ^ 0xABCD)
        for _ in 0..<8 {
            var r = MemoryReplica(network: net.network)
            r.ingest(net.ops.shuffled(using: &rng), now: net.clock)
            #expect(r.pending.isEmpty, "seed \(seed): everything applies once its dependencies are in")
            #expect(r.state.digest == reference.state.digest, "seed \(seed)")
            #expect(r.state.digest == reference.state.digest)
        }
        // Duplicated deliveries change nothing either.
        var dup = MemoryReplica(network: net.network)
        dup.ingest((net.ops + net.ops.reversed()).shuffled(using: &rng), now: net.clock)
        #expect(dup.state.digest == reference.state.digest)
    }
}
