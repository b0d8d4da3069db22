import ShenguanCrypto

/// Forks carried by sync (PROTOCOL.md §7.1 "tips", issue 14 item 6).
///
/// A version vector (`author → highest seq`) says how far each chain
/// reaches, not which chain: a replica restored from a copy that signs a
/// seq again, or two replicas run with one key, hold chains of equal or
/// comparable length that the vectors cannot tell apart, and they would
/// never exchange them. So each side also names, per author, the *tips* of
/// what it holds: the operations no other held operation of that author
/// builds on (`prev`). What a replica holds of an author is closed under
/// `prev` (an operation is applied only after its `prev`), so the tips
/// determine the whole set: equal tips, equal sets. One tip is the usual
/// case; two or more mean the holder knows of a fork.
///
/// Pure: the caller says which ids it holds.
public enum ChainTips {
    /// The most tips listed for one author; a list that names more is malformed.
    public static let maxPerAuthor = 64

    /// The seq above which operations of one author are to be sent to a
    /// peer that reports `theirSeq` and `theirTips` for it, given this
    /// replica's `mySeq` and `myTips`: `theirSeq` when the peer's chain is a
    /// prefix of ours or may be ahead of it on the same chain (the vector
    /// rule), 0 (everything held of that author) when the two diverge or
    /// either side holds a fork whose branches the other may lack.
    ///
    /// - `theirTips == nil`: the peer does not report tips: the vector rule.
    /// - Equal tips: equal sets, nothing beyond the vector rule.
    /// - Both on one chain, and we hold the peer's tip: the peer holds a
    ///   prefix of ours: the vector rule.
    /// - Both on one chain, we do not hold the peer's tip, and the peer is
    ///   ahead: its chain may extend ours; the peer, holding our tip or not,
    ///   decides the same way from its side (and sends everything if not).
    /// - Otherwise (a fork on either side, or a peer tip we lack at a seq we
    ///   reach): everything.
    public static func sendAbove(theirSeq: Int64, theirTips: [Digest]?, mySeq: Int64, myTips: [Digest],
                                 holds: (Digest) throws -> Bool) rethrows -> Int64 {
        guard let theirTips, !theirTips.isEmpty, !myTips.isEmpty else { return theirSeq }
        if Set(theirTips) == Set(myTips) { return theirSeq }
        if theirTips.count == 1, myTips.count == 1 {
            if try holds(theirTips[0]) { return theirSeq }
            if theirSeq > mySeq { return theirSeq }
        }
        return 0
    }

    /// A peer's vector with the entries of diverging authors lowered to 0
    /// (``sendAbove(theirSeq:theirTips:mySeq:myTips:holds:)`` for each
    /// author held here): what is to be sent is then "every held operation
    /// above the adjusted vector".
    public static func effectiveVector(theirs vector: [String: Int64], theirTips: [String: [Digest]]?,
                                       mine: [String: (seq: Int64, tips: [Digest])],
                                       holds: (Digest) throws -> Bool) rethrows -> [String: Int64] {
        guard let theirTips else { return vector }
        var out = vector
        for (author, m) in mine {
            let theirSeq = vector[author] ?? 0
            let above = try sendAbove(theirSeq: theirSeq, theirTips: theirTips[author], mySeq: m.seq, myTips: m.tips, holds: holds)
            if above != theirSeq { out[author] = above }
        }
        return out
    }

    /// The `tips` member as JSON: author → hex ids, sorted.
    public static func json(_ tips: [String: [Digest]]) -> JSONValue {
        .object(tips.mapValues { .array($0.map(\.hex).sorted().map { .string($0) }) })
    }

    /// Reads a `tips` member: nil if it is absent; throws if it is not an
    /// object of author → non-empty array of at most `maxPerAuthor` hex ids.
    public static func parse(_ v: JSONValue?) throws(ChainTipsError) -> [String: [Digest]]? {
        guard let v else { return nil }
        guard let o = v.objectValue else { throw ChainTipsError() }
        var out = [String: [Digest]]()
        for (author, list) in o {
            guard let a = list.arrayValue, !a.isEmpty, a.count <= maxPerAuthor else { throw ChainTipsError() }
            var ids = [Digest]()
            for x in a {
                guard let s = x.stringValue, let d = Digest(hex: s) else { throw ChainTipsError() }
                ids.append(d)
            }
            out[author] = ids
        }
        return out
    }
}

/// A `tips` member that is not author → list of operation ids.
public struct ChainTipsError: Error, Sendable {
    public init() {}
    public let detail = "tips must map each author to a list of 1 to \(ChainTips.maxPerAuthor) operation ids (64 hex digits)"
}
