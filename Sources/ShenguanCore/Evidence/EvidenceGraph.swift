import ShenguanCrypto

/// Time evidence from signed material only (DESIGN.md "Time evidence";
/// PROTOCOL.md §4.3). For every operation X of department D:
///
/// - `hi` (existed no later than): the earliest time of an operation by a
///   replica of another department that has X in its causal past. A witness
///   operation cites the heads its replica holds, so it is such an
///   operation; so is a claim citing the push, or any later act.
/// - `lo` (created no earlier than): the latest time of an operation by
///   another department in X's causal past, raised by the time of any head
///   declaration of X's author with a lower seq recorded in a witness
///   (the author said "my chain ends at k at t", so op k+1 is after t).
///
/// Both are computed over the causal DAG (`prev` and `deps`) in one pass
/// each way; operations are taken in clock order, which is causal.
public struct EvidenceGraph: Sendable {
    public struct Mark: Equatable, Sendable {
        public let time: Int64
        public let op: Digest
        public let note: String
    }
    private var hiMark: [Digest: Mark] = [:]
    private var loMark: [Digest: Mark] = [:]
    private var owner: [Digest: String] = [:]
    /// Per author: the latest time another department cited its chain.
    private var lastCited: [PublicKey: Mark] = [:]
    public private(set) var ops: [Digest: VerifiedOp] = [:]

    /// `department` maps an author to its department (nil: not in the roster).
    public init(ops input: some Sequence<VerifiedOp>, department: (PublicKey) -> String?) {
        let sorted = input.sorted { ($0.header.clock, $0.id) < ($1.header.clock, $1.id) }
        for op in sorted {
            ops[op.id] = op
            owner[op.id] = department(op.header.author) ?? "?" + op.header.author.base64url
        }
        func parents(_ op: VerifiedOp) -> [Digest] { ([op.header.prev].compactMap { $0 } + op.header.deps).filter { ops[$0] != nil } }

        // lo: latest foreign time in the causal past, per department, forwards.
        var latest = [Digest: [String: Mark]]()
        for op in sorted {
            var m = [String: Mark]()
            for p in parents(op) {
                for (d, mark) in latest[p] ?? [:] where mark.time > m[d]?.time ?? .min { m[d] = mark }
            }
            let mine = owner[op.id]!
            if let best = m.filter({ $0.key != mine }).values.max(by: { ($0.time, $0.op) < ($1.time, $1.op) }) {
                loMark[op.id] = Mark(time: best.time, op: best.op, note: "in its causal past, by \(owner[best.op] ?? "?")")
            }
            m[mine] = Mark(time: op.header.clock.time, op: op.id, note: "")
            latest[op.id] = m
        }
        // Head declarations recorded in witnesses raise lo of the declarer's later ops.
        var declared = [PublicKey: [(seq: Int64, time: Int64, witness: Digest)]]()
        for op in sorted where op.header.kind == WitnessOps.kind {
            for d in op.body?["declarations"]?.arrayValue ?? [] {
                guard let decl = HeadDeclaration(json: d), owner[op.id] != department(decl.author) else { continue }
                declared[decl.author, default: []].append((decl.seq, decl.time, op.id))
            }
        }
        for op in sorted {
            for d in declared[op.header.author] ?? [] where d.seq < op.header.seq && d.time > loMark[op.id]?.time ?? .min {
                loMark[op.id] = Mark(time: d.time, op: d.witness, note: "its author declared head seq \(d.seq) at this time (recorded in witness)")
            }
        }
        for op in sorted {
            for p in parents(op) where owner[p] != owner[op.id] {
                let a = ops[p]!.header.author
                if op.header.clock.time > lastCited[a]?.time ?? .min { lastCited[a] = Mark(time: op.header.clock.time, op: op.id, note: "") }
            }
        }
        // hi: earliest foreign descendant, per department, backwards.
        var earliest = [Digest: [String: Mark]]()
        for op in sorted.reversed() {
            let mine = owner[op.id]!
            var m = earliest[op.id] ?? [:]
            if let best = m.filter({ $0.key != mine }).values.min(by: { ($0.time, $0.op) < ($1.time, $1.op) }) {
                hiMark[op.id] = Mark(time: best.time, op: best.op, note: "held by \(owner[best.op] ?? "?")")
            }
            let me = Mark(time: op.header.clock.time, op: op.id, note: "")
            if me.time < m[mine]?.time ?? .max { m[mine] = me }
            for p in parents(op) {
                var pm = earliest[p] ?? [:]
                for (d, mark) in m where mark.time < pm[d]?.time ?? .max { pm[d] = mark }
                earliest[p] = pm
            }
            earliest[op.id] = nil   // every descendant is done: free it
        }
    }

    public func department(of id: Digest) -> String? { owner[id] }

    /// The latest time another department showed it held part of a chain
    /// of `department` (R12: silence is final once the chain is seen past
    /// the limit plus grace with no reply in it).
    public func lastCited(department: String, roster: (PublicKey) -> String?) -> (time: Int64, op: Digest)? {
        lastCited.filter { roster($0.key) == department }.values.max { ($0.time, $0.op) < ($1.time, $1.op) }.map { ($0.time, $0.op) }
    }

    /// The bounds of `op` (`hi` = `Int64.max` when no other department has shown it holds it).
    public func bounds(of op: VerifiedOp) -> TimeBounds {
        let lo = loMark[op.id], hi = hiMark[op.id]
        return TimeBounds(own: op.header.clock.time, lo: lo?.time ?? .min, hi: hi?.time ?? .max,
                          loSource: lo.map { "\($0.op.hex.prefix(12))… \($0.note)" } ?? "no earlier evidence",
                          hiSource: hi.map { "\($0.op.hex.prefix(12))… \($0.note)" } ?? "not yet witnessed by another department",
                          loOp: lo?.op, hiOp: hi?.op)
    }

    /// Operations whose own timestamp lies outside their interval.
    public var clockInconsistent: [Digest] {
        ops.values.filter { op in
            let b = bounds(of: op)
            return b.own < b.lo || b.own > b.hi
        }.map(\.id).sorted()
    }

    /// Authors with at least `times` clock-inconsistent operations.
    public func repeatOffenders(times: Int = 2) -> [PublicKey: Int] {
        var n = [PublicKey: Int]()
        for id in clockInconsistent { n[ops[id]!.header.author, default: 0] += 1 }
        return n.filter { $0.value >= times }
    }
}

/// Proven intervals as the time evidence of deadline judgements.
public struct ProvenEvidence: TimeEvidence {
    public let graph: EvidenceGraph
    let departmentOf: @Sendable (PublicKey) -> String?
    public init(graph: EvidenceGraph, departmentOf: @escaping @Sendable (PublicKey) -> String?) {
        self.graph = graph; self.departmentOf = departmentOf
    }
    public func bounds(of op: VerifiedOp) -> TimeBounds { graph.bounds(of: op) }
    public func lastCited(department: String) -> (time: Int64, op: Digest)? { graph.lastCited(department: department, roster: departmentOf) }
}
