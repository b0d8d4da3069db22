import ShenguanCrypto

/// What a replica knows about an operation it already holds.
public struct OpMeta: Equatable, Sendable {
    public let author: PublicKey
    public let seq: Int64
    public let clock: HLC
    public init(author: PublicKey, seq: Int64, clock: HLC) { self.author = author; self.seq = seq; self.clock = clock }
}

/// Read access to the operations a replica holds, as the decider needs it.
/// The store implements it over SQLite; tests implement it over a dictionary.
public protocol OpIndex {
    func meta(of id: Digest) -> OpMeta?
    /// Ids of held operations with this author and seq (more than one after an equivocation).
    func ids(author: PublicKey, seq: Int64) -> [Digest]
}

/// The outcome of offering one verified operation to a replica.
public enum IngestDecision: Equatable, Sendable {
    /// Already held: nothing changes (replays are harmless).
    case duplicate
    /// Apply it. `equivocatesWith` lists held operations with the same author
    /// and seq: non-empty means the author forked its chain.
    case accept(equivocatesWith: [Digest])
    /// Keep it unapplied until these ids are held (PROTOCOL.md §2.5, `op.missing_deps`).
    case wait(missing: [Digest])
    /// Keep it unapplied until the local clock reaches `notBefore` ms (`clock.future`).
    case future(notBefore: Int64)
    case reject(OpRejection)
}

/// Steps 12–13 of PROTOCOL.md §2.5 plus the duplicate, pending, future and
/// equivocation outcomes: a pure function of the operation, what the replica
/// holds and the local clock.
public enum IngestDecider {
    /// Default maximum clock skew (DESIGN.md "Clock"; policy `maxSkew`).
    public static let defaultMaxSkewMillis: Int64 = 300_000

    public static func decide(_ op: VerifiedOp, index: some OpIndex, now: Int64,
                              maxSkew: Int64 = defaultMaxSkewMillis) -> IngestDecision {
        if index.meta(of: op.id) != nil { return .duplicate }
        let h = op.header
        var missing = [Digest]()
        var before = [HLC]()
        if let prev = h.prev {
            if let m = index.meta(of: prev) {
                guard m.author == h.author, m.seq == h.seq - 1 else {
                    return .reject(OpRejection(.chainBroken, "prev is seq \(m.seq) of another chain or position, expected seq \(h.seq - 1) of the same author"))
                }
                before.append(m.clock)
            } else {
                missing.append(prev)
            }
        }
        for d in h.deps {
            if let m = index.meta(of: d) {
                guard m.author != h.author else {
                    return .reject(OpRejection(.chainBroken, "deps names the author's own seq \(m.seq); the chain already carries it"))
                }
                before.append(m.clock)
            } else { missing.append(d) }
        }
        if !missing.isEmpty { return .wait(missing: missing) }
        if let latest = before.max(), !(latest < h.clock) {
            return .reject(OpRejection(.clockRegression, "clock \(h.clock) is not after \(latest)"))
        }
        if h.clock.time > now + maxSkew { return .future(notBefore: h.clock.time - maxSkew) }
        return .accept(equivocatesWith: index.ids(author: h.author, seq: h.seq))
    }
}
