import ShenguanCrypto

/// A replica held in memory: the pure reference model of ingest (pending
/// operations, duplicates, equivocations) used by property tests of the merge
/// laws and by tools. The SQLite store must behave the same.
public struct MemoryReplica: OpIndex, Sendable {
    public let network: Digest
    public private(set) var held: [Digest: VerifiedOp] = [:]
    public private(set) var pending: [Digest: VerifiedOp] = [:]
    private var bySeq: [PublicKey: [Int64: [Digest]]] = [:]
    private var rosterSeqs: [Digest: Int64] = [:]
    /// Roster versions, index = root-chain seq − 1.
    private var rosters: [RosterState] = []

    public init(network: Digest) { self.network = network }

    public func meta(of id: Digest) -> OpMeta? {
        held[id].map { OpMeta(author: $0.header.author, seq: $0.header.seq, clock: $0.header.clock, rosterSeq: rosterSeqs[id] ?? 0) }
    }

    public func roster(at version: Int64) -> RosterState? {
        version >= 1 && version <= Int64(rosters.count) ? rosters[Int(version) - 1] : nil
    }

    public func staff(_ id: Digest) -> StaffMember? {
        guard let op = held[id], op.header.kind == RosterOps.staff, let body = op.body else { return nil }
        return try? StaffMember(json: body)
    }

    public func operation(_ id: Digest) -> VerifiedOp? { held[id] }

    /// The latest roster held.
    public var roster: RosterState? { rosters.last }

    public func ids(author: PublicKey, seq: Int64) -> [Digest] { bySeq[author]?[seq] ?? [] }

    /// Offers operations in the given order; pending ones apply as soon as
    /// what they wait for arrives. Returns each operation's decision.
    @discardableResult
    public mutating func ingest(_ ops: [VerifiedOp], now: Int64) -> [IngestDecision] {
        var out = [IngestDecision]()
        for op in ops {
            let d = IngestDecider.decide(op, index: self, now: now)
            out.append(d)
            switch d {
            case .accept: apply(op); drainPending(now: now)
            case .wait, .future: pending[op.id] = op
            case .duplicate, .reject: break
            }
        }
        return out
    }

    /// Set union with another replica's operations (the CRDT merge): what it
    /// has applied and what it holds pending, since both are part of what a
    /// replica stores.
    public mutating func merge(_ other: MemoryReplica, now: Int64) {
        let theirs = Array(other.held.values) + Array(other.pending.values)
        ingest(theirs.sorted { ($0.header.clock, $0.id) < ($1.header.clock, $1.id) }, now: now)
    }

    private mutating func apply(_ op: VerifiedOp) {
        let parents = op.header.parents.compactMap { meta(of: $0) }
        let version = IngestDecider.rosterSeq(of: op, parents: parents, rosterAt: roster(at:))
        rosterSeqs[op.id] = version
        if op.header.kind == RosterOps.genesis, let g = try? RosterState(genesis: op) {
            rosters = [g]
        } else if op.header.kind.hasPrefix("roster."), version == Int64(rosters.count) + 1, var next = rosters.last,
                  (try? next.apply(op)) != nil {   // the decider applied it successfully before accepting
            rosters.append(next)
        }
        held[op.id] = op
        pending[op.id] = nil
        bySeq[op.header.author, default: [:]][op.header.seq, default: []].append(op.id)
    }

    private mutating func drainPending(now: Int64) {
        var progress = true
        while progress {
            progress = false
            for op in pending.values.sorted(by: { $0.id < $1.id }) {
                if case .accept = IngestDecider.decide(op, index: self, now: now) {
                    apply(op); progress = true
                } else if case .reject = IngestDecider.decide(op, index: self, now: now) {
                    pending[op.id] = nil
                }
            }
        }
    }

    public var state: ReplicaState { ReplicaState.project(held.values, roster: roster) }

    /// The workflow projection of what is held (the reference for the store's).
    public var workflow: Workflow {
        Workflow(ops: held.values.filter { Workflow.inputKinds.contains($0.header.kind) },
                 roster: roster, rosterSeq: { rosterSeqs[$0] ?? 0 })
    }

    /// The roster versions held, oldest first (index = version − 1).
    public var rosterVersions: [RosterState] { rosters }
}
