import ShenguanCrypto

/// Time evidence read from a maintained read model (the store's `op_time`,
/// `declared` and `cited` tables) instead of a fold over every operation:
/// the same bounds as `EvidenceGraph` for the operations a view loaded.
public struct StoredEvidence: TimeEvidence {
    public let bounds: [Digest: TimeBounds]
    /// Per department: the latest operation by another department that
    /// cited one of its chains (`EvidenceGraph.lastCited`).
    public let cited: [String: (time: Int64, op: Digest)]

    public init(bounds: [Digest: TimeBounds], cited: [String: (time: Int64, op: Digest)]) {
        self.bounds = bounds; self.cited = cited
    }

    public func bounds(of op: VerifiedOp) -> TimeBounds {
        bounds[op.id] ?? .proven(own: op.header.clock.time, lo: nil, hi: nil)
    }

    public func lastCited(department: String) -> (time: Int64, op: Digest)? { cited[department] }
    public var isProven: Bool { true }
}
