import ShenguanCrypto

/// The signed header of an operation (PROTOCOL.md §2.1).
public struct OpHeader: Equatable, Sendable {
    /// The protocol version this build writes and merges.
    public static let currentVersion: Int64 = 1
    public static let maxDeps = 64
    public static let maxHeaderBytes = 8192
    public static let maxBodyBytes = 262_144

    public var v: Int64 = OpHeader.currentVersion
    public var net: Digest
    public var author: PublicKey
    public var seq: Int64
    public var prev: Digest?
    /// The author's operation at `skipSeq(seq)` (§2.1 "Skip links"); nil in
    /// headers written before skip links, and for `seq` < 3.
    public var skip: Digest?
    public var deps: [Digest]
    public var clock: HLC
    public var kind: String
    public var bodyHash: Digest

    public init(net: Digest, author: PublicKey, seq: Int64, prev: Digest?, skip: Digest? = nil, deps: [Digest],
                clock: HLC, kind: String, bodyHash: Digest) {
        self.net = net; self.author = author; self.seq = seq; self.prev = prev; self.skip = skip
        self.deps = deps; self.clock = clock; self.kind = kind; self.bodyHash = bodyHash
    }

    /// The seq a header at `seq` links to with `skip` (PROTOCOL.md §2.1):
    /// Bitcoin's skip heights on 0-based positions, 1 ≤ result ≤ seq − 2;
    /// nil for `seq` < 3, where there is nothing beyond `prev` to skip to.
    public static func skipSeq(_ seq: Int64) -> Int64? {
        guard seq >= 3 else { return nil }
        func clear(_ x: Int64) -> Int64 { x & (x &- 1) }
        let h = seq - 1
        return h & 1 == 1 ? clear(clear(h - 1)) + 2 : clear(h) + 1
    }

    /// `prev`, `skip` and `deps`: the operations this one names by hash, its
    /// parents in the causal DAG (§4.3).
    public var parents: [Digest] { [prev, skip].compactMap { $0 } + deps }

    /// The links within the author's chain and the seq each must name
    /// (§2.5 step 12): `prev` at seq − 1, `skip` at `skipSeq(seq)`.
    public var chainLinks: [(id: Digest, seq: Int64, name: String)] {
        var links = [(id: Digest, seq: Int64, name: String)]()
        if let prev { links.append((prev, seq - 1, "prev")) }
        if let skip, let t = Self.skipSeq(seq) { links.append((skip, t, "skip")) }
        return links
    }

    /// The header as a JSON value (encode with `CanonicalJSON.encode`).
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "author": .string(author.base64url),
            "bodyHash": .string(bodyHash.hex),
            "ctr": .int(clock.ctr),
            "deps": .array(deps.map { .string($0.hex) }),
            "kind": .string(kind),
            "net": .string(net.hex),
            "prev": prev.map { .string($0.hex) } ?? .null,
            "seq": .int(seq),
            "time": .int(clock.time),
            "v": .int(v),
        ]
        if let skip { o["skip"] = .string(skip.hex) }
        return .object(o)
    }

    static let members: Set<String> = ["author", "bodyHash", "ctr", "deps", "kind", "net", "prev", "seq", "skip", "time", "v"]

    /// Reads a parsed header, checking PROTOCOL.md §2.1 (step 5).
    public init(json: JSONValue) throws(OpRejection) {
        func bad(_ s: String) -> OpRejection { OpRejection(.malformed, s) }
        guard let o = json.objectValue else { throw bad("header is not a JSON object") }
        if let extra = Set(o.keys).subtracting(Self.members).sorted().first { throw bad("unexpected header member \"\(extra)\"") }
        guard let v = o["v"]?.intValue else { throw bad("header v missing") }
        guard let a = o["author"]?.stringValue, let author = PublicKey(base64url: a) else { throw bad("header author invalid") }
        guard let n = o["net"]?.stringValue, let net = Digest(hex: n) else { throw bad("header net invalid") }
        guard let seq = o["seq"]?.intValue, seq >= 1 else { throw bad("header seq must be an integer ≥ 1") }
        let prev: Digest?
        switch o["prev"] {
        case .null?: prev = nil
        case .string(let p)?:
            guard let d = Digest(hex: p) else { throw bad("header prev is not an id") }
            prev = d
        default: throw bad("header prev missing")
        }
        guard (seq == 1) == (prev == nil) else { throw bad("prev must be null exactly when seq is 1") }
        var skip: Digest?
        if let s = o["skip"] {
            guard let str = s.stringValue, let d = Digest(hex: str) else { throw bad("header skip is not an id") }
            guard seq >= 3 else { throw bad("skip is allowed only when seq is 3 or more") }
            skip = d
        }
        guard let depsJSON = o["deps"]?.arrayValue else { throw bad("header deps missing") }
        guard depsJSON.count <= Self.maxDeps else { throw bad("more than \(Self.maxDeps) deps") }
        var deps = [Digest]()
        for d in depsJSON {
            guard let s = d.stringValue, let id = Digest(hex: s) else { throw bad("deps entry is not an id") }
            if let last = deps.last, !(last < id) { throw bad("deps must be strictly ascending") }
            deps.append(id)
        }
        guard let time = o["time"]?.intValue, time >= 0 else { throw bad("header time invalid") }
        guard let ctr = o["ctr"]?.intValue, ctr >= 0, ctr <= HLC.maxCounter else { throw bad("header ctr invalid") }
        guard let kind = o["kind"]?.stringValue, Self.isValidKind(kind) else { throw bad("header kind invalid") }
        guard let bh = o["bodyHash"]?.stringValue, let bodyHash = Digest(hex: bh) else { throw bad("header bodyHash invalid") }
        self.init(net: net, author: author, seq: seq, prev: prev, skip: skip, deps: deps,
                  clock: HLC(time: time, ctr: ctr), kind: kind, bodyHash: bodyHash)
        self.v = v
    }

    /// `^[a-z][a-z0-9_.]{0,63}$`
    public static func isValidKind(_ k: String) -> Bool {
        let u = Array(k.utf8)
        guard (1...64).contains(u.count), (97...122).contains(u[0]) else { return false }
        return u.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 || $0 == 46 }
    }
}

/// A hybrid logical clock value: the author's physical time in ms since the
/// Unix epoch and a counter, compared lexicographically (DESIGN.md "Clock").
public struct HLC: Comparable, Hashable, Sendable, CustomStringConvertible {
    public static let maxCounter: Int64 = 1 << 31
    public let time: Int64
    public let ctr: Int64

    public init(time: Int64, ctr: Int64) { self.time = time; self.ctr = ctr }

    public static func < (a: HLC, b: HLC) -> Bool { (a.time, a.ctr) < (b.time, b.ctr) }
    public var description: String { "\(time).\(ctr)" }

    /// The next clock value for a new operation: never behind `now`, and
    /// strictly after every clock it builds on (its `prev` and its `deps`).
    public static func next(now: Int64, after: [HLC]) -> HLC {
        guard let latest = after.max(), latest.time >= now else { return HLC(time: max(now, 0), ctr: 0) }
        return HLC(time: latest.time, ctr: latest.ctr + 1)
    }
}
