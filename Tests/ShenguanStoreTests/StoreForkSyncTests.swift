import Foundation
import Testing
@testable import ShenguanStore
import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// Issue 14 item 6: forks are carried by sync. Two real stores exchange
/// operations with the calls `shenguan serve` and `shenguan sync` make
/// (`opsLacking` over the peer's vector adjusted by its tips), in small
/// pages, without HTTP (the HTTP path is `CLIForkTests`).
@Suite struct StoreForkSyncTests {
    /// One sync of `client` with `server` as PROTOCOL.md §7.3 does it: pull
    /// (pages of 3), push, and pull once more if the push was accepted.
    /// `tips: false` is the old vector-only exchange.
    @discardableResult
    static func sync(_ client: ReplicaStore, _ server: ReplicaStore, now: Int64, tips: Bool = true) throws -> (pulled: Int, pushed: Int, sent: Int) {
        var pulled = 0, pushed = 0, sent = 0
        func send(from: ReplicaStore, to: ReplicaStore, asking: ReplicaStore) throws -> Int {
            let held = try asking.chainTips()
            let vector = try from.effectiveVector(held.mapValues(\.seq), tips: tips ? held.mapValues(\.tips) : nil).vector
            var cursor: Int64 = 0, accepted = 0
            while true {
                let page = try from.opsLacking(vector: vector, after: cursor, limit: 3, maxBytes: 1 << 20)
                sent += page.envelopes.count
                accepted += try to.ingest(page.envelopes, now: now).accepted
                cursor = page.cursor
                if !page.more { return accepted }
            }
        }
        pulled += try send(from: server, to: client, asking: client)
        pushed += try send(from: client, to: server, asking: server)
        if pushed > 0 { pulled += try send(from: server, to: client, asking: client) }
        return (pulled, pushed, sent)
    }

    /// A history in which author 0's chain splits after seq `k`: the
    /// original goes on for `orig` more operations (held by `b`), a second
    /// branch signed from the same prefix for `branch` operations (held by
    /// `a`, as a replica restored from a copy would sign them); `c` holds
    /// the common prefix only.
    struct Forked {
        let net: TestNetwork
        let a: [VerifiedOp], b: [VerifiedOp], c: [VerifiedOp]
        let now: Int64

        init(seed: UInt64, orig: Int, branch: Int) {
            var net = TestNetwork.random(authors: 3, ops: 30, seed: seed)
            let prefix = net.ops
            let me = net.keys[0].publicKey
            let head = prefix.filter { $0.header.author == me }.max { $0.header.seq < $1.header.seq }!
            var origOps = [VerifiedOp]()
            for _ in 0..<orig { origOps.append(net.write(0)) }
            var branchOps = [VerifiedOp](), prev = head
            for i in 0..<branch {
                let op = net.sign(0, seq: prev.header.seq + 1, prev: prev.id, time: head.header.clock.time + 500 + Int64(i),
                                  body: ["text": .string("restored copy \(i)")])
                branchOps.append(op); prev = op
            }
            self.net = net
            a = prefix + branchOps; b = prefix + origOps; c = prefix
            now = net.clock + 60_000
        }

        func reference(_ parts: [VerifiedOp]...) -> MemoryReplica {
            var r = MemoryReplica(network: net.network)
            r.ingest(parts.flatMap { $0 }, now: now)
            return r
        }
    }

    func store(_ f: Forked, _ ops: [VerifiedOp], _ dir: TempDir, _ name: String) throws -> ReplicaStore {
        let s = try ReplicaStore(path: dir.file(name), network: f.net.network)
        _ = try s.ingest(ops.map(\.envelope), now: f.now)
        return s
    }

    @Test(arguments: [(UInt64(61), 2, 1), (62, 1, 1), (63, 1, 3), (64, 3, 2)])
    func bothBranchesReachBothSidesInOneSync(seed: UInt64, orig: Int, branch: Int) throws {
        let dir = TempDir("store-fork"); defer { dir.remove() }
        let f = Forked(seed: seed, orig: orig, branch: branch)
        let all = f.reference(f.a, f.b)
        for restoredIsClient in [true, false] {
            let a = try store(f, f.a, dir, "a\(restoredIsClient).sqlite"), b = try store(f, f.b, dir, "b\(restoredIsClient).sqlite")
            let tipsBefore = try a.chainTips()[f.net.keys[0].publicKey.base64url]
            #expect(tipsBefore?.tips.count == 1, "a fork not yet seen: one tip")
            if restoredIsClient { try Self.sync(a, b, now: f.now) } else { try Self.sync(b, a, now: f.now) }
            for s in [a, b] {
                #expect(try s.count() == all.held.count && s.pendingCount() == 0)
                #expect(try s.state().digest == all.state.digest)
                let eq = try s.equivocations()
                // One equivocation per seq both branches reach, from the first after the prefix.
                let first = Int64(f.c.filter { $0.header.author == f.net.keys[0].publicKey }.count) + 1
                #expect(eq.map(\.seq).sorted() == Array(first..<(first + Int64(min(orig, branch)))), "\(eq)")
                #expect(try s.chainTips()[f.net.keys[0].publicKey.base64url]?.tips.count == 2, "both branches' tips")
            }
            // The fork spreads on: a replica holding only the prefix gets
            // both branches from either side, and a second sync sends nothing.
            let c = try store(f, f.c, dir, "c\(restoredIsClient).sqlite")
            try Self.sync(c, restoredIsClient ? b : a, now: f.now)
            #expect(try c.state().digest == all.state.digest)
            let again = try Self.sync(c, a, now: f.now)
            #expect(again.sent == 0, "equal tips: nothing is sent again")
        }
    }

    /// The control: with the vector alone (the protocol before tips), the
    /// same sync leaves the two replicas apart and no fork is seen.
    @Test func withoutTipsTheForkIsNeverCarried() throws {
        let dir = TempDir("store-fork"); defer { dir.remove() }
        let f = Forked(seed: 65, orig: 2, branch: 1)
        let a = try store(f, f.a, dir, "a.sqlite"), b = try store(f, f.b, dir, "b.sqlite")
        try Self.sync(a, b, now: f.now, tips: false)
        #expect(try a.state().digest != b.state().digest)
        #expect(try a.equivocations().isEmpty && b.equivocations().isEmpty)
    }

    /// Without a fork, tips change nothing: a replica behind gets exactly
    /// the operations it lacks (no author is sent in full), and one ahead
    /// pushes exactly its own.
    @Test func onOneChainOnlyWhatIsLackingIsSent() throws {
        let dir = TempDir("store-fork"); defer { dir.remove() }
        let f = Forked(seed: 66, orig: 3, branch: 0)
        let b = try store(f, f.b, dir, "b.sqlite")
        let behind = try store(f, f.c, dir, "c.sqlite")
        let pull = try Self.sync(behind, b, now: f.now)
        #expect(pull.sent == 3 && pull.pulled == 3 && pull.pushed == 0)
        let ahead = try store(f, f.b, dir, "b2.sqlite"), stale = try store(f, f.c, dir, "c2.sqlite")
        let push = try Self.sync(ahead, stale, now: f.now)
        #expect(push.sent == 3 && push.pushed == 3 && push.pulled == 0)
        #expect(try stale.state().digest == ahead.state().digest)
    }

    /// The pure rule, case by case.
    @Test func sendAboveCases() {
        let t1 = SHA256.hash(Array("1".utf8)), t2 = SHA256.hash(Array("2".utf8)), t3 = SHA256.hash(Array("3".utf8))
        let holds: (Digest) -> Bool = { $0 == t1 || $0 == t2 }
        // No tips from the peer, or equal tips: the vector rule.
        #expect(ChainTips.sendAbove(theirSeq: 4, theirTips: nil, mySeq: 9, myTips: [t2], holds: holds) == 4)
        #expect(ChainTips.sendAbove(theirSeq: 9, theirTips: [t2, t3], mySeq: 9, myTips: [t3, t2], holds: holds) == 9)
        // The peer's tip is held here: it holds a prefix.
        #expect(ChainTips.sendAbove(theirSeq: 4, theirTips: [t1], mySeq: 9, myTips: [t2], holds: holds) == 4)
        // Unknown tip, peer ahead on what may be the same chain: it decides.
        #expect(ChainTips.sendAbove(theirSeq: 12, theirTips: [t3], mySeq: 9, myTips: [t2], holds: holds) == 12)
        // Unknown tip at a seq reached here: a fork, everything.
        #expect(ChainTips.sendAbove(theirSeq: 9, theirTips: [t3], mySeq: 9, myTips: [t2], holds: holds) == 0)
        #expect(ChainTips.sendAbove(theirSeq: 5, theirTips: [t3], mySeq: 9, myTips: [t2], holds: holds) == 0)
        // A fork held on either side, not on the other: everything.
        #expect(ChainTips.sendAbove(theirSeq: 9, theirTips: [t1], mySeq: 9, myTips: [t1, t2], holds: holds) == 0)
        #expect(ChainTips.sendAbove(theirSeq: 9, theirTips: [t1, t3], mySeq: 9, myTips: [t1], holds: holds) == 0)
        // Nothing held here of that author: nothing to send beyond the vector.
        #expect(ChainTips.sendAbove(theirSeq: 3, theirTips: [t3], mySeq: 0, myTips: [], holds: holds) == 3)
    }
}
