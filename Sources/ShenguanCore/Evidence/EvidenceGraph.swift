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
/// Both are computed over the causal DAG (`prev`, `skip`, `deps`) in one pass
/// each way; operations are taken in clock order, which is causal.
public struct EvidenceGraph: Sendable {
    public typealias Mark = EvidenceMark
    private var hiMark: [Digest: Mark] = [:]
    private var loMark: [Digest: Mark] = [:]
    private var owner: [Digest: String] = [:]
    /// Per author: the latest operation by another department that cited its chain.
    private var lastCited: [PublicKey: Mark] = [:]
    public private(set) var ops: [Digest: VerifiedOp] = [:]

    /// `department` maps an author to its department (nil: not in the roster).
    /// Every comparison is in (clock, id) order (`EvidenceMark`), so the
    /// operation named as evidence does not depend on delivery order; the
    /// store's maintained read model is checked against this fold.
    public init(ops input: some Sequence<VerifiedOp>, department: (PublicKey) -> String?) {
        let sorted = input.sorted { ($0.header.clock, $0.id) < ($1.header.clock, $1.id) }
        for op in sorted {
            ops[op.id] = op
            owner[op.id] = Self.owner(op.header.author, department)
        }
        func parents(_ op: VerifiedOp) -> [Digest] { op.header.parents.filter { ops[$0] != nil } }
        func me(_ op: VerifiedOp) -> Mark { Mark(clock: op.header.clock, op: op.id, note: "") }

        // lo: latest foreign operation in the causal past, per department, forwards.
        var latest = [Digest: [String: Mark]]()
        for op in sorted {
            var m = [String: Mark]()
            for p in parents(op) {
                for (d, mark) in latest[p] ?? [:] where m[d].map({ $0.precedes(mark) }) ?? true { m[d] = mark }
            }
            let mine = owner[op.id]!
            if let best = m.filter({ $0.key != mine }).values.max(by: { $0.precedes($1) }) {
                loMark[op.id] = .inPast(owner[best.op] ?? "?", clock: best.clock, op: best.op)
            }
            m[mine] = me(op)
            latest[op.id] = m
        }
        // Head declarations recorded in witnesses raise lo of the declarer's later ops.
        var declared = [PublicKey: [DeclarationPoint]]()
        for op in sorted where op.header.kind == WitnessOps.kind {
            for d in op.body?["declarations"]?.arrayValue ?? [] {
                guard let decl = HeadDeclaration(json: d), owner[op.id] != department(decl.author) else { continue }
                declared[decl.author, default: []].append(DeclarationPoint(seq: decl.seq, time: decl.time, witness: op.id))
            }
        }
        for op in sorted {
            let best = (declared[op.header.author] ?? []).filter { $0.seq < op.header.seq }.max { $1.beats($0) }
            loMark[op.id] = Mark.lower(dag: loMark[op.id], declaration: best?.mark)
        }
        for op in sorted {
            for p in parents(op) where owner[p] != owner[op.id] {
                let a = ops[p]!.header.author
                if lastCited[a].map({ $0.precedes(me(op)) }) ?? true { lastCited[a] = me(op) }
            }
        }
        // hi: earliest foreign descendant, per department, backwards.
        var earliest = [Digest: [String: Mark]]()
        for op in sorted.reversed() {
            let mine = owner[op.id]!
            var m = earliest[op.id] ?? [:]
            if let best = m.filter({ $0.key != mine }).values.min(by: { $0.precedes($1) }) {
                hiMark[op.id] = .heldBy(owner[best.op] ?? "?", clock: best.clock, op: best.op)
            }
            if m[mine].map({ me(op).precedes($0) }) ?? true { m[mine] = me(op) }
            for p in parents(op) {
                var pm = earliest[p] ?? [:]
                for (d, mark) in m where pm[d].map({ mark.precedes($0) }) ?? true { pm[d] = mark }
                earliest[p] = pm
            }
            earliest[op.id] = nil   // every descendant is done: free it
        }
    }

    /// The department an author counts as (PROTOCOL.md §4.3): its replica's,
    /// or `"?" + key` for a key that is not a replica (the root key).
    public static func owner(_ author: PublicKey, _ department: (PublicKey) -> String?) -> String {
        department(author) ?? "?" + author.base64url
    }

    public func department(of id: Digest) -> String? { owner[id] }

    /// The latest time another department showed it held part of a chain
    /// of `department` (R12: silence is final once the chain is seen past
    /// the limit plus grace with no reply in it).
    public func lastCited(department: String, roster: (PublicKey) -> String?) -> (time: Int64, op: Digest)? {
        lastCited.filter { roster($0.key) == department }.values.max { $0.precedes($1) }.map { ($0.time, $0.op) }
    }

    /// The bounds of `op` (`hi` = `Int64.max` when no other department has shown it holds it).
    public func bounds(of op: VerifiedOp) -> TimeBounds {
        .proven(own: op.header.clock.time, lo: loMark[op.id], hi: hiMark[op.id])
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
    public var isProven: Bool { true }
    public func lastCited(department: String) -> (time: Int64, op: Digest)? { graph.lastCited(department: department, roster: departmentOf) }
}
