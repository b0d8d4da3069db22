import Foundation
import Testing
@testable import ShenguanStore
import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// The SQLite store (real files): batch verdicts, pending release,
/// equivocation, rebuild, and agreement with the pure reference model.
@Suite struct StoreIngestTests {
    func store(_ net: TestNetwork, _ dir: TempDir, _ name: String = "r.sqlite") throws -> ReplicaStore {
        try ReplicaStore(path: dir.file(name), network: net.network)
    }

    @Test func aBatchWithBadOperationsAppliesTheGoodOnes() throws {
        let dir = TempDir("store"); defer { dir.remove() }
        let net = TestNetwork.random(authors: 3, ops: 30, seed: 21)
        let s = try store(net, dir)
        var envs = net.ops.map(\.envelope)
        var h = envs[5].header; h[h.count / 2] ^= 1
        envs[5] = Envelope(author: envs[5].author, header: h, sig: envs[5].sig, body: envs[5].body)   // tampered
        let other = TestNetwork(authors: 1, seed: 99)
        var foreign = other; let f = foreign.write(0)
        envs.append(f.envelope)                                                                      // other network
        envs.append(envs[0])                                                                         // replayed
        let report = try s.ingest(envs, now: net.clock)
        #expect(report.results.count == envs.count)
        #expect(report.results[5].code == "op.bad_signature")
        #expect(report.results[30].code == "op.wrong_network")
        #expect(report.results[31].outcome == .duplicate)
        // Ops that build on the tampered one wait for it; nothing else is lost.
        let applied = try s.count(), pending = try s.pendingCount()
        #expect(applied + pending == 29)
        #expect(applied >= 5)
        // The real op 5 arrives later: everything applies.
        let late = try s.ingest([net.ops[5].envelope], now: net.clock)
        #expect(late.results.first?.outcome == .accepted)
        #expect(late.released.count == pending)
        #expect(try s.count() == 30 && s.pendingCount() == 0)
        var reference = MemoryReplica(network: net.network)
        reference.ingest(net.ops, now: net.clock)
        #expect(try s.state().digest == reference.state.digest)
    }

    @Test(arguments: [UInt64(31), 32, 33, 34])
    func shuffledBatchesGiveTheSameDigestAsTheReference(seed: UInt64) throws {
        let dir = TempDir("store"); defer { dir.remove() }
        let net = TestNetwork.random(authors: 4, ops: 80, seed: seed)
        var reference = MemoryReplica(network: net.network)
        reference.ingest(net.ops, now: net.clock)
        var rng = SeededRNG(seed: seed)
        for i in 0..<3 {
            let s = try store(net, dir, "r\(i).sqlite")
            let shuffled = net.ops.shuffled(using: &rng)
            var start = 0
            while start < shuffled.count {   // random batch sizes
                let n = Int.random(in: 1...25, using: &rng)
                _ = try s.ingest(shuffled[start..<min(start + n, shuffled.count)].map(\.envelope), now: net.clock)
                start += n
            }
            #expect(try s.count() == 80 && s.pendingCount() == 0)
            #expect(try s.state().digest == reference.state.digest)
            try s.rebuildProjections()
            #expect(try s.state().digest == reference.state.digest, "rebuild from ops alone")
        }
    }

    @Test func equivocationsAreKeptAndFlagged() throws {
        let dir = TempDir("store"); defer { dir.remove() }
        let net = TestNetwork(authors: 1, seed: 41)
        let x = net.sign(0, seq: 1, prev: nil, time: net.clock + 10, body: ["text": "甲"])
        let y = net.sign(0, seq: 1, prev: nil, time: net.clock + 10, body: ["text": "乙"])
        let s = try store(net, dir)
        let r = try s.ingest([net.genesis.envelope, x.envelope, y.envelope], now: net.clock + 1_000)
        #expect(r.results.map(\.equivocation) == [false, false, true])
        let state = try s.state()
        #expect(state.equivocations.count == 1 && state.equivocations[0].ids == [x.id.hex, y.id.hex].sorted())
        #expect(state.authors.first { $0.author == net.keys[0].publicKey.base64url }?.heads.count == 2)
        try s.rebuildProjections()
        #expect(try s.state() == state)
    }

    @Test func futureOperationsWaitForTheClock() throws {
        let dir = TempDir("store"); defer { dir.remove() }
        var net = TestNetwork(authors: 1, seed: 51)
        let op = net.write(0)
        let s = try store(net, dir)
        let early = op.header.clock.time - 3_600_000
        _ = try s.ingest([net.genesis.envelope], now: net.clock)
        #expect(try s.ingest([op.envelope], now: early).results.last?.outcome == .pending(.future))
        #expect(try s.count() == 1)
        #expect(try s.releaseDue(now: op.header.clock.time) == [op.id])
        #expect(try s.count() == 2)
    }

    @Test func aDatabaseIsBoundToItsNetwork() throws {
        let dir = TempDir("store"); defer { dir.remove() }
        let net = TestNetwork(authors: 1, seed: 61)
        _ = try store(net, dir)
        #expect { try ReplicaStore(path: dir.file("r.sqlite"), network: SHA256.hash([9])) } throws: {
            ($0 as? StoreError)?.code == "store.network_mismatch"
        }
        #expect(try ReplicaStore(path: dir.file("r.sqlite")).network == net.network)
    }

    /// PROTOCOL.md §7.3: paging through `opsLacking` from cursor 0 yields
    /// exactly the held operations above the peer's vector, each once, in
    /// arrival order (causal), whichever query serves the page: the
    /// per-author index ranges (few missing) or the table walk (most missing).
    @Test(arguments: [UInt64(71), 72, 73])
    func pagesOfWhatAPeerLacksAreExactAndInArrivalOrder(seed: UInt64) throws {
        let dir = TempDir("store"); defer { dir.remove() }
        let net = TestNetwork.random(authors: 5, ops: 200, seed: seed)
        let s = try store(net, dir)
        _ = try s.ingest(net.ops.map(\.envelope), now: net.clock)
        let held = try s.versionVector()
        var arrival = [Digest: Int]()
        for (i, op) in net.ops.enumerated() { arrival[op.id] = i }   // ingested in this order: rowid order
        var rng = SeededRNG(seed: seed)
        for round in 0..<12 {
            // From "lacks everything" to "lacks a few ops of one author".
            var vector = [String: Int64]()
            for (author, max) in held where round > 0 {
                vector[author] = round < 6 ? Int64.random(in: 0...max, using: &rng) : max - Int64.random(in: 0...2, using: &rng)
            }
            let expected = net.ops.filter { $0.header.seq > vector[$0.header.author.base64url] ?? 0 }.map(\.id)
            var got = [Digest](), cursor: Int64 = 0, pages = 0
            while true {
                let page = try s.opsLacking(vector: vector, after: cursor, limit: Int.random(in: 1...40, using: &rng), maxBytes: 1 << 20)
                got += page.envelopes.map(\.id)
                cursor = page.cursor; pages += 1
                if !page.more { break }
                #expect(!page.envelopes.isEmpty)
            }
            #expect(got == expected, "round \(round): \(got.count) of \(expected.count) in \(pages) pages")
            #expect(got.map { arrival[$0]! } == got.map { arrival[$0]! }.sorted())
        }
        // A byte bound smaller than one op still makes progress, one op per page.
        let one = try s.opsLacking(vector: [:], after: 0, limit: 10, maxBytes: 1)
        #expect(one.envelopes.count == 1 && one.more)
    }
}
