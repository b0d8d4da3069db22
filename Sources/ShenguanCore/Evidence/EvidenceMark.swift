import ShenguanCrypto

/// The operation that sets one end of an interval (PROTOCOL.md §4.3), with
/// the reason in words. Marks are ordered by the operation's clock, then id:
/// a strict total order that every causal edge respects (a child's HLC is
/// after its parents'), so the earliest foreign descendant and the latest
/// foreign ancestor are unique whatever order operations arrive in.
public struct EvidenceMark: Equatable, Sendable {
    public let clock: HLC
    public let op: Digest
    public let note: String
    public var time: Int64 { clock.time }

    public init(clock: HLC, op: Digest, note: String) { self.clock = clock; self.op = op; self.note = note }

    /// Whether `self` comes before `other` in (clock, id) order.
    public func precedes(_ other: EvidenceMark) -> Bool { (clock, op) < (other.clock, other.op) }

    /// `hi`: an operation by another department that holds the act in its causal past.
    public static func heldBy(_ department: String, clock: HLC, op: Digest) -> EvidenceMark {
        EvidenceMark(clock: clock, op: op, note: "held by \(department)")
    }

    /// `lo`: an operation by another department in the act's causal past.
    public static func inPast(_ department: String, clock: HLC, op: Digest) -> EvidenceMark {
        EvidenceMark(clock: clock, op: op, note: "in its causal past, by \(department)")
    }

    /// `lo`: a head declaration of the act's author with a lower seq, recorded in `witness`.
    public static func declared(seq: Int64, time: Int64, witness: Digest) -> EvidenceMark {
        EvidenceMark(clock: HLC(time: time, ctr: 0), op: witness,
                     note: "its author declared head seq \(seq) at this time (recorded in witness)")
    }

    /// The lower bound from the causal past and the best head declaration:
    /// a declaration counts only when strictly later than the causal past.
    public static func lower(dag: EvidenceMark?, declaration: EvidenceMark?) -> EvidenceMark? {
        guard let d = declaration, d.time > dag?.time ?? .min else { return dag }
        return d
    }
}

/// A head declaration recorded in a witness, as time evidence: the best one
/// for an act of seq s is the latest time among those with seq < s, then
/// the smallest seq, then the smallest witness id.
public struct DeclarationPoint: Equatable, Sendable {
    public let seq: Int64
    public let time: Int64
    public let witness: Digest
    public init(seq: Int64, time: Int64, witness: Digest) { self.seq = seq; self.time = time; self.witness = witness }

    /// `self` is better evidence than `other`: later, then a lower seq, then a smaller witness id.
    public func beats(_ other: DeclarationPoint) -> Bool {
        if time != other.time { return time > other.time }
        if seq != other.seq { return seq < other.seq }
        return witness < other.witness
    }

    public var mark: EvidenceMark { .declared(seq: seq, time: time, witness: witness) }
}

extension TimeBounds {
    /// Bounds from the marks that set them (nil: no evidence on that side).
    public static func proven(own: Int64, lo: EvidenceMark?, hi: EvidenceMark?) -> TimeBounds {
        TimeBounds(own: own, lo: lo?.time ?? .min, hi: hi?.time ?? .max,
                   loSource: lo.map { "\($0.op.hex.prefix(12))… \($0.note)" } ?? "no earlier evidence",
                   hiSource: hi.map { "\($0.op.hex.prefix(12))… \($0.note)" } ?? "not yet witnessed by another department",
                   loOp: lo?.op, hiOp: hi?.op)
    }
}
