import Foundation
import ShenguanCore
import ShenguanCrypto

/// A deterministic network of authors that write notes and see each other's
/// operations at random moments, producing a realistic causal DAG (chains,
/// cross-author deps) for tests and benchmarks.
public struct TestNetwork: Sendable {
    public let network: Digest
    public let keys: [SigningKey]
    /// Every operation written, in the order written (a causal order).
    public private(set) var ops: [VerifiedOp] = []
    private var views: [MemoryReplica]
    private var cited: [[PublicKey: Int64]]
    public private(set) var clock: Int64

    /// Keys derive from `seed`, so the same seed gives the same ids.
    public init(authors: Int, seed: UInt64 = 1, startMillis: Int64 = 1_790_000_000_000) {
        var rng = SeededRNG(seed: seed)
        network = SHA256.hash((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
        keys = (0..<authors).map { _ in SigningKey(seed: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })! }
        views = Array(repeating: MemoryReplica(network: network), count: authors)
        cited = Array(repeating: [:], count: authors)
        clock = startMillis
    }

    /// Author `a` writes a note (text defaults to a counter).
    @discardableResult
    public mutating func write(_ a: Int, text: String? = nil, kind: String = OpKinds.note) -> VerifiedOp {
        clock += 1000
        let me = keys[a].publicKey
        let view = views[a]
        let mine = view.held.values.filter { $0.header.author == me }.max { $0.header.seq < $1.header.seq }
        var deps = [Digest](), after = [HLC]()
        if let mine { after.append(mine.header.clock) }
        for k in keys where k.publicKey != me {
            guard let head = view.held.values.filter({ $0.header.author == k.publicKey }).max(by: { $0.header.seq < $1.header.seq }),
                  head.header.seq > cited[a][k.publicKey, default: 0] else { continue }
            deps.append(head.id); after.append(head.header.clock)
            cited[a][k.publicKey] = head.header.seq
        }
        let op = try! OpSigner.sign(key: keys[a], network: network, seq: (mine?.header.seq ?? 0) + 1, prev: mine?.id,
                                    deps: deps, clock: HLC.next(now: clock, after: after), kind: kind,
                                    body: ["text": .string(text ?? "note \(ops.count) by \(a)")])
        views[a].ingest([op], now: clock)
        ops.append(op)
        return op
    }

    /// Author `to` receives everything author `from` holds.
    public mutating func sync(from: Int, to: Int) {
        views[to].merge(views[from], now: clock)
    }

    /// `count` operations by random authors with random syncs in between.
    public static func random(authors: Int, ops count: Int, seed: UInt64) -> TestNetwork {
        var net = TestNetwork(authors: authors, seed: seed)
        var rng = SeededRNG(seed: seed &+ 99)
        while net.ops.count < count {
            let a = Int.random(in: 0..<authors, using: &rng)
            if authors > 1, Int.random(in: 0..<3, using: &rng) == 0 {
                var b = Int.random(in: 0..<authors, using: &rng)
                if b == a { b = (a + 1) % authors }
                net.sync(from: b, to: a)
            }
            net.write(a)
        }
        return net
    }
}
