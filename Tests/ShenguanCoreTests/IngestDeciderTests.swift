import Foundation
import Testing
@testable import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// PROTOCOL.md §2.5 steps 12–13 and the pending/duplicate/equivocation outcomes.
@Suite struct IngestDeciderTests {
    @Test func pendingOperationsApplyWhenTheirDependenciesArrive() {
        var net = TestNetwork(authors: 2, seed: 11)
        let a1 = net.write(0), a2 = net.write(0)
        net.sync(from: 0, to: 1)
        let b1 = net.write(1)
        #expect(b1.header.deps == [a2.id, net.genesis.id].sorted())
        var r = MemoryReplica(network: net.network)
        #expect(r.ingest([b1], now: net.clock) == [.wait(missing: [a2.id, net.genesis.id].sorted())])
        #expect(r.ingest([a2], now: net.clock) == [.wait(missing: [a1.id])])
        #expect(r.ingest([a1], now: net.clock) == [.wait(missing: [net.genesis.id])])
        #expect(r.held.isEmpty && r.pending.count == 3)
        #expect(r.ingest([net.genesis], now: net.clock) == [.accept(equivocatesWith: [])])
        #expect(r.held.count == 4 && r.pending.isEmpty)
        #expect(r.ingest([a1], now: net.clock) == [.duplicate])
    }

    @Test func equivocationIsKeptAndFlagged() throws {
        let net = TestNetwork(authors: 1, seed: 12)
        let k = net.keys[0]
        let x = net.sign(0, seq: 1, prev: nil, time: net.clock + 10, body: ["text": "x"])
        let y = net.sign(0, seq: 1, prev: nil, time: net.clock + 10, body: ["text": "y"])
        var r = MemoryReplica(network: net.network)
        r.ingest([net.genesis, x], now: net.clock + 100)
        #expect(r.ingest([y], now: net.clock + 100) == [.accept(equivocatesWith: [x.id])])
        #expect(r.state.equivocations == [ReplicaState.Equivocation(author: k.publicKey.base64url, seq: 1, ids: [x.id.hex, y.id.hex])])
    }

    @Test func brokenChainsBackwardClocksAndFutureTimes() throws {
        var net = TestNetwork(authors: 2, seed: 13)
        let a1 = net.write(0)
        let b1 = net.write(1)
        let k = net.keys[0]
        var r = MemoryReplica(network: net.network)
        r.ingest([net.genesis, a1, b1], now: net.clock)
        func op(seq: Int64, prev: Digest?, deps: [Digest] = [], time: Int64) throws -> VerifiedOp {
            try OpSigner.sign(key: k, network: net.network, seq: seq, prev: prev, deps: deps, clock: HLC(time: time, ctr: 0), kind: "note", body: ["text": "t"])
        }
        // prev names another author's op.
        #expect(try r.ingest([op(seq: 2, prev: b1.id, time: net.clock + 1)], now: net.clock).first.map(code) == .chainBroken)
        // prev is the right op but seq skips.
        #expect(try r.ingest([op(seq: 3, prev: a1.id, time: net.clock + 1)], now: net.clock).first.map(code) == .chainBroken)
        // deps names the author's own op.
        #expect(try r.ingest([op(seq: 2, prev: a1.id, deps: [a1.id], time: net.clock + 1)], now: net.clock).first.map(code) == .chainBroken)
        // Clock not after prev.
        #expect(try r.ingest([op(seq: 2, prev: a1.id, time: a1.header.clock.time)], now: net.clock).first.map(code) == .clockRegression)
        // Clock not after a dependency.
        #expect(try r.ingest([op(seq: 2, prev: a1.id, deps: [b1.id], time: b1.header.clock.time - 1)], now: net.clock).first.map(code) == .clockRegression)
        // Dated beyond the skew: waits, then applies once the clock catches up.
        let future = try op(seq: 2, prev: a1.id, time: net.clock + 3_600_000)
        #expect(r.ingest([future], now: net.clock) == [.future(notBefore: net.clock + 3_600_000 - IngestDecider.defaultMaxSkewMillis)])
        #expect(r.held.count == 3)
        #expect(r.ingest([future], now: net.clock + 3_600_000) == [.accept(equivocatesWith: [])])
    }

    func code(_ d: IngestDecision) -> OpCode? { if case .reject(let r) = d { r.code } else { nil } }
}
