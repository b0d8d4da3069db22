import ShenguanCrypto

/// A replica's projected state (PROTOCOL.md §6): a deterministic function of
/// the set of operations it holds, whatever order they arrived in.
public struct ReplicaState: Equatable, Sendable {
    public struct Author: Equatable, Sendable {
        public let author: String
        public let maxSeq: Int64
        public let heads: [String]
        public init(author: String, maxSeq: Int64, heads: [String]) { self.author = author; self.maxSeq = maxSeq; self.heads = heads.sorted() }
        public var json: JSONValue { .object(["author": .string(author), "heads": .array(heads.map { .string($0) }), "maxSeq": .int(maxSeq)]) }
    }
    public struct Equivocation: Equatable, Sendable {
        public let author: String
        public let seq: Int64
        public let ids: [String]
        public init(author: String, seq: Int64, ids: [String]) { self.author = author; self.seq = seq; self.ids = ids.sorted() }
        public var json: JSONValue { .object(["author": .string(author), "ids": .array(ids.map { .string($0) }), "seq": .int(seq)]) }
    }
    public struct Note: Equatable, Sendable {
        public let id: String
        public let author: String
        public let seq: Int64
        /// nil when the body is erased or not held.
        public let text: String?
        public init(id: String, author: String, seq: Int64, text: String?) { self.id = id; self.author = author; self.seq = seq; self.text = text }
        public var json: JSONValue { .object(["author": .string(author), "id": .string(id), "seq": .int(seq), "text": text.map { .string($0) } ?? .null]) }
    }

    public var authors: [Author]
    public var equivocations: [Equivocation]
    public var notes: [Note]
    /// The 审管互动 facts (`Workflow.factsJSON`).
    public var workflow: JSONValue

    /// Builds the state; inputs may come in any order, they are sorted here.
    public init(authors: [Author], equivocations: [Equivocation], notes: [Note], workflow: JSONValue) {
        self.workflow = workflow
        self.authors = authors.sorted { $0.author < $1.author }
        self.equivocations = equivocations.sorted { ($0.author, $0.seq) < ($1.author, $1.seq) }
        self.notes = notes.sorted { $0.id < $1.id }
    }

    public var json: JSONValue {
        .object([
            "authors": .array(authors.map(\.json)),
            "equivocations": .array(equivocations.map(\.json)),
            "notes": .array(notes.map(\.json)),
            "workflow": workflow,
        ])
    }

    /// `hex(SHA256(canonical JSON of the state))`: equal on replicas that hold the same operations.
    public var digest: Digest { SHA256.hash(try! CanonicalJSON.encode(json)) }

    /// The state of a set of operations, computed from scratch (the reference
    /// that incremental projections must agree with).
    public static func project(_ ops: some Collection<VerifiedOp>, roster: RosterState?) -> ReplicaState {
        var bySeq = [String: [Int64: [String]]]()
        var notes = [Note]()
        for op in ops {
            let a = op.header.author.base64url
            bySeq[a, default: [:]][op.header.seq, default: []].append(op.id.hex)
            if op.header.kind == OpKinds.note {
                notes.append(Note(id: op.id.hex, author: a, seq: op.header.seq, text: op.body?["text"]?.stringValue))
            }
        }
        var authors = [Author](), eqs = [Equivocation]()
        for (a, seqs) in bySeq {
            let maxSeq = seqs.keys.max()!
            authors.append(Author(author: a, maxSeq: maxSeq, heads: seqs[maxSeq]!))
            for (s, ids) in seqs where Set(ids).count > 1 { eqs.append(Equivocation(author: a, seq: s, ids: Array(Set(ids)))) }
        }
        let wf = Workflow(ops: ops.filter { Workflow.inputKinds.contains($0.header.kind) }, roster: roster)
        return ReplicaState(authors: authors, equivocations: eqs, notes: notes, workflow: wf.factsJSON)
    }
}
