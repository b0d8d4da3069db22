import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

/// A deterministic network of authors that write notes and see each other's
/// operations at random moments, producing a realistic causal DAG (chains,
/// cross-author deps) for tests and benchmarks.
public struct TestNetwork: Sendable {
    public let network: Digest
    public let keys: [SigningKey]
    /// The oversight office's root key and the genesis roster it signed
    /// (department `d<i>` for key i, role `roles[i]`, policy 临淄).
    public let root: SigningKey
    public let genesis: VerifiedOp
    /// Every operation written, genesis first, in the order written (a causal order).
    public private(set) var ops: [VerifiedOp] = []
    private var views: [MemoryReplica]
    private var cited: [[PublicKey: Int64]]
    public private(set) var clock: Int64
    /// Authors that write headers without skip links (PROTOCOL.md §2.1), as
    /// replicas did before them: both forms must give the same state.
    public var legacyAuthors: Set<Int> = []

    /// Keys derive from `seed`, so the same seed gives the same ids.
    public init(authors: Int, seed: UInt64 = 1, startMillis: Int64 = 1_790_000_000_000, roles: [Role]? = nil,
                policy: Policy = .linzi) {
        var rng = SeededRNG(seed: seed)
        func key() -> SigningKey { SigningKey(seed: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })! }
        root = key()
        keys = (0..<authors).map { _ in key() }
        let roleOf = roles ?? Array(repeating: .regulator, count: authors)
        let body = RosterOps.Genesis(
            name: "test-\(seed)", root: root.publicKey, policy: policy, calendar: OfficialCalendar.builtInYears,
            departments: (0..<authors).map { RosterState.Department(id: "d\($0)", name: "部门\($0)", role: roleOf[$0]) },
            replicas: keys.enumerated().map { ($0.element.publicKey, "d\($0.offset)") })
        genesis = try! OpSigner.sign(key: root, network: RosterOps.genesisNet, seq: 1, prev: nil, deps: [],
                                     clock: HLC(time: startMillis, ctr: 0), kind: RosterOps.genesis, body: body.json)
        network = genesis.id
        var view = MemoryReplica(network: network)
        view.ingest([genesis], now: startMillis)
        views = Array(repeating: view, count: authors)
        cited = Array(repeating: [:], count: authors)
        clock = startMillis
        ops = [genesis]
    }

    /// Signs an operation of author `a` by hand (for tests of odd cases); a
    /// first operation cites the genesis roster so that its author is admitted.
    public func sign(_ a: Int, seq: Int64, prev: Digest?, deps: [Digest] = [], time: Int64, kind: String = OpKinds.note,
                     body: JSONValue = ["text": "t"]) -> VerifiedOp {
        try! OpSigner.sign(key: keys[a], network: network, seq: seq, prev: prev, deps: seq == 1 ? deps + [genesis.id] : deps,
                           clock: HLC(time: time, ctr: 0), kind: kind, body: body)
    }

    /// The root key admits `key` to department `department` (`roster.admit`).
    @discardableResult
    public mutating func admit(_ key: PublicKey, to department: String) -> VerifiedOp {
        rootOp(RosterOps.admit, ["key": .string(key.base64url), "department": .string(department)])
    }

    /// The root key signs a roster operation, seen at once by every author
    /// (or only by the authors `seenBy`; the others learn it by `sync`).
    @discardableResult
    public mutating func rootOp(_ kind: String, _ body: JSONValue, at: Int64? = nil, seenBy: [Int]? = nil) -> VerifiedOp {
        clock = max(clock + 1000, at ?? 0)
        let last = ops.filter { $0.header.author == root.publicKey }.max { $0.header.seq < $1.header.seq }!
        let skip = OpHeader.skipSeq(last.header.seq + 1).flatMap { t in ops.first { $0.header.author == root.publicKey && $0.header.seq == t }?.id }
        let op = try! OpSigner.sign(key: root, network: network, seq: last.header.seq + 1, prev: last.id, skip: skip, deps: [],
                                    clock: HLC.next(now: clock, after: [last.header.clock]), kind: kind, body: body)
        for i in seenBy ?? Array(views.indices) { views[i].ingest([op], now: clock) }
        ops.append(op)
        return op
    }

    /// Author `a` forks its chain: a second operation at its current head's
    /// seq, with the head's own `prev` (an equivocation), seen by `a` only.
    @discardableResult
    public mutating func fork(_ a: Int, at: Int64) -> VerifiedOp? {
        let me = keys[a].publicKey
        guard let head = views[a].held.values.filter({ $0.header.author == me }).max(by: { $0.header.seq < $1.header.seq }),
              head.header.seq > 1 else { return nil }
        let prevClock = head.header.prev.flatMap { views[a].held[$0]?.header.clock }
        let op = try! OpSigner.sign(key: keys[a], network: network, seq: head.header.seq, prev: head.header.prev, skip: head.header.skip,
                                    deps: head.header.deps,
                                    clock: HLC.next(now: at, after: [prevClock, head.header.clock].compactMap { $0 }), kind: OpKinds.note,
                                    body: ["text": "a second operation at the same seq"])
        views[a].ingest([op], now: at)
        ops.append(op)
        return op
    }

    /// What author `a`'s replica holds.
    public func replica(_ a: Int) -> MemoryReplica { views[a] }

    /// Author `a` writes a note (text defaults to a counter), or an
    /// operation of `kind` with `body`; `at` sets its clock (ms), even
    /// backwards, to model an author's own (possibly wrong) clock.
    @discardableResult
    public mutating func write(_ a: Int, text: String? = nil, kind: String = OpKinds.note, body: JSONValue? = nil,
                               at: Int64? = nil) -> VerifiedOp {
        let (op, citing) = draft(a, text: text, kind: kind, body: body, at: at)
        clock = op.header.clock.time
        for (k, seq) in citing { cited[a][k] = seq }
        views[a].ingest([op], now: clock)
        ops.append(op)
        return op
    }

    /// The operation author `a` would write next, signed but not recorded
    /// (for refusal tests), and the heads it cites.
    public func draft(_ a: Int, text: String? = nil, kind: String = OpKinds.note, body: JSONValue? = nil,
                      at: Int64? = nil) -> (VerifiedOp, [PublicKey: Int64]) {
        let now = at ?? clock + 1000
        let me = keys[a].publicKey
        let view = views[a]
        let mine = view.held.values.filter { $0.header.author == me }.max { $0.header.seq < $1.header.seq }
        var deps = [Digest](), after = [HLC](), citing = [PublicKey: Int64]()
        if let mine { after.append(mine.header.clock) }
        for k in keys.map(\.publicKey) + [root.publicKey] where k != me {
            guard let head = view.held.values.filter({ $0.header.author == k }).max(by: { $0.header.seq < $1.header.seq }),
                  head.header.seq > cited[a][k, default: 0] else { continue }
            deps.append(head.id); after.append(head.header.clock)
            citing[k] = head.header.seq
        }
        let seq = (mine?.header.seq ?? 0) + 1
        let skip = legacyAuthors.contains(a) ? nil : OpHeader.skipSeq(seq).flatMap { t in
            view.held.values.filter { $0.header.author == me && $0.header.seq == t }.min { $0.id < $1.id }?.id
        }
        let op = try! OpSigner.sign(key: keys[a], network: network, seq: seq, prev: mine?.id, skip: skip,
                                    deps: deps, clock: HLC.next(now: now, after: after), kind: kind,
                                    body: body ?? ["text": .string(text ?? "note \(ops.count) by \(a)")])
        return (op, citing)
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
