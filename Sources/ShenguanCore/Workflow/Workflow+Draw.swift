import ShenguanCalendar
import ShenguanCrypto

/// R16 (000 第十四条; 004 #25): experts are drawn at random from a pool the
/// departments keep together, and anyone can check the draw. The pool is
/// `expert.register` / `expert.retire`; a `draw.request` fixes the
/// candidates, the exclusions (conflicts of interest, with reasons), the
/// number drawn and the departments that make the randomness; each of them
/// commits to a secret (`draw.commit`) and, once every commitment is held,
/// reveals it (`draw.reveal`, naming every commitment). The seed hashes the
/// request and every secret, so no department controls it and none existed
/// when the request was made; the selection is a pure function of the seed
/// (PROTOCOL.md §4.5), which both verifiers recompute from a bundle.
public struct ExpertBody: Equatable, Sendable {
    public let expertNo: String, name: String, field: String, employer: String
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.expertRegister, json, allowed: ["expertNo", "name", "field", "employer"])
        expertNo = try r.string("expertNo", max: 32); name = try r.string("name", max: 64)
        field = try r.string("field", max: 64); employer = try r.string("employer", max: 200)
    }
}

/// R16: an expert taken out of the pool by the department that registered it.
public struct ExpertRetireBody: Equatable, Sendable {
    public let expert: Digest, reason: String
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.expertRetire, json, allowed: ["expert", "reason"])
        expert = try r.id("expert")!; reason = try r.string("reason")
    }
}

/// R16: what is drawn, from whom, and who makes the randomness.
public struct DrawRequestBody: Equatable, Sendable {
    public static let maxCandidates = 256
    public let topic: String, field: String, count: Int, candidates: [Digest]
    /// A candidate left out, with why (回避: conflicts of interest).
    public struct Exclusion: Equatable, Sendable {
        public let expert: Digest, reason: String
    }
    /// Candidates left out, by expert id.
    public let excluded: [Exclusion]
    public let participants: [String], review: Digest?
    /// The candidates that may be drawn, ascending.
    public var eligible: [Digest] { let out = Set(excluded.map(\.expert)); return candidates.filter { !out.contains($0) } }

    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.drawRequest, json, allowed: ["topic", "field", "count", "candidates", "excluded", "participants", "review"])
        topic = try r.string("topic", max: 200); field = try r.string("field", max: 64)
        count = Int(try r.int("count", in: 1...9))
        candidates = try r.ids("candidates", max: Self.maxCandidates)
        if candidates.isEmpty { throw r.bad("candidates", "must name at least one expert") }
        var ex = [Exclusion]()
        if let v = json["excluded"] {
            guard let a = v.arrayValue, a.count <= candidates.count else { throw r.bad("excluded", "must be a list of {expert, reason}") }
            for e in a {
                guard let o = e.objectValue, Set(o.keys) == ["expert", "reason"], let id = o["expert"]?.stringValue.flatMap({ Digest(hex: $0) }),
                      let why = o["reason"]?.stringValue, BodyReader.isText(why, max: 500) else {
                    throw r.bad("excluded", "must hold {expert: id, reason: text of 1 to 500}")
                }
                ex.append(Exclusion(expert: id, reason: why))
            }
        }
        let ids = ex.map(\.expert)
        guard Set(ids).count == ids.count, ids == ids.sorted(), Set(ids).isSubset(of: Set(candidates)) else {
            throw r.bad("excluded", "must name candidates, sorted by expert id and without repeats")
        }
        excluded = ex
        participants = try r.departments("participants", max: 8)
        if participants.count < 2 { throw r.bad("participants", "must name at least two departments (no single department makes the randomness)") }
        review = try r.id("review", optional: true)
        if count > candidates.count - excluded.count { throw r.bad("count", "is more than the \(candidates.count - excluded.count) candidates not excluded") }
    }
}

/// R16: a participant's commitment to its secret.
public struct DrawCommitBody: Equatable, Sendable {
    public let request: Digest, commitment: Digest
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.drawCommit, json, allowed: ["request", "commitment"])
        request = try r.id("request")!; commitment = try r.id("commitment")!
    }
}

/// R16: a participant's secret, revealed after every commitment is held.
public struct DrawRevealBody: Equatable, Sendable {
    public let request: Digest, nonce: Digest, commits: [Digest]
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.drawReveal, json, allowed: ["request", "nonce", "commits"])
        request = try r.id("request")!; nonce = try r.id("nonce")!
        commits = try r.ids("commits", max: 8)
        if commits.count < 2 { throw r.bad("commits", "must name every participant's commitment (at least two)") }
    }
}

/// The draw's hashes and selection (PROTOCOL.md §4.5): pure, and the same
/// in every verifier.
public enum ExpertDraw {
    static let commitDomain = Array("shenguan-draw-commit\n".utf8)
    static let seedDomain = Array("shenguan-draw-seed\n".utf8)
    static let nonceDomain = Array("shenguan-draw-nonce\n".utf8)

    /// SHA-256("shenguan-draw-commit\n" ‖ request id ‖ nonce).
    public static func commitment(request: Digest, nonce: Digest) -> Digest {
        SHA256.hash(commitDomain + request.bytes + nonce.bytes)
    }

    /// SHA-256("shenguan-draw-seed\n" ‖ request id ‖ each participant's nonce, in the request's order).
    public static func seed(request: Digest, nonces: [Digest]) -> Digest {
        SHA256.hash(seedDomain + request.bytes + nonces.flatMap(\.bytes))
    }

    /// The `count` eligible experts whose SHA-256(seed ‖ expert id) is smallest, in that order.
    public static func select(seed: Digest, eligible: [Digest], count: Int) -> [Digest] {
        eligible.map { (rank: SHA256.hash(seed.bytes + $0.bytes), id: $0) }.sorted { $0.rank < $1.rank }.prefix(count).map(\.id)
    }

    /// A participant's secret, derived from its key so that nothing needs
    /// keeping between commitment and reveal: SHA-256 of its (deterministic,
    /// RFC 8032) signature of "shenguan-draw-nonce\n" ‖ request id. Only
    /// the key's holder can compute it; it is never signed into anything
    /// before the reveal. (A participant may choose any secret: only the
    /// commitment binds it.)
    public static func nonce(key: SigningKey, request: Digest) -> Digest {
        SHA256.hash(key.sign(nonceDomain + request.bytes))
    }
}

extension Workflow {
    public struct DrawRequest: Sendable {
        public let act: Act
        public let body: DrawRequestBody
        public var commits: [Act] = []
        public var reveals: [Act] = []
    }

    /// Where a draw stands and, once complete, whom it drew.
    public struct DrawStatus: Sendable {
        /// awaiting_commits, awaiting_reveals, drawn, or void.
        public let status: String
        public let seed: Digest?
        public let selected: [Digest]
        /// Participants whose commitment (awaiting_commits) or reveal (awaiting_reveals) is missing.
        public let waitingFor: [String]
        /// Why a draw is void.
        public let reason: String?
    }

    /// The draw of a request from the commitments and reveals counted
    /// (PROTOCOL.md §4.5): void when a participant committed twice or two
    /// reveals name different commitments; drawn once every participant's
    /// reveal is held.
    public func drawStatus(of d: DrawRequest) -> DrawStatus {
        Self.drawStatus(request: d.act.id, body: d.body, commits: d.commits.map { ($0.id, $0.department) },
                        reveals: d.reveals.compactMap { a in a.op.body.flatMap { try? DrawRevealBody(json: $0) }.map { (a.department, $0) } })
    }

    /// §4.5 from the commitments (id, department) and reveals (department,
    /// body) that count: what both verifiers and `Tests/Conformance/draws.json` compute.
    public static func drawStatus(request: Digest, body: DrawRequestBody, commits: [(id: Digest, department: String)],
                                  reveals: [(department: String, body: DrawRevealBody)]) -> DrawStatus {
        let parts = body.participants
        var commitOf = [String: Set<Digest>]()
        for c in commits { commitOf[c.department, default: []].insert(c.id) }
        if let twice = parts.first(where: { (commitOf[$0]?.count ?? 0) > 1 }) {
            return DrawStatus(status: "void", seed: nil, selected: [], waitingFor: [], reason: "\(twice) committed twice")
        }
        let missing = parts.filter { commitOf[$0] == nil }
        if !missing.isEmpty { return DrawStatus(status: "awaiting_commits", seed: nil, selected: [], waitingFor: missing, reason: nil) }
        if Set(reveals.map(\.body.commits)).count > 1 {
            return DrawStatus(status: "void", seed: nil, selected: [], waitingFor: [], reason: "reveals name different commitments")
        }
        var nonceOf = [String: Digest]()
        for r in reveals { nonceOf[r.department] = r.body.nonce }
        let unrevealed = parts.filter { nonceOf[$0] == nil }
        if !unrevealed.isEmpty { return DrawStatus(status: "awaiting_reveals", seed: nil, selected: [], waitingFor: unrevealed, reason: nil) }
        let seed = ExpertDraw.seed(request: request, nonces: parts.map { nonceOf[$0]! })
        return DrawStatus(status: "drawn", seed: seed, selected: ExpertDraw.select(seed: seed, eligible: body.eligible, count: body.count),
                          waitingFor: [], reason: nil)
    }

    /// The verdict a draw bundle carries and verifiers compare (§8).
    public static func json(_ s: DrawStatus) -> JSONValue {
        .object(["status": .string(s.status), "seed": s.seed.map { .string($0.hex) } ?? .null,
                 "selected": .array(s.selected.map { .string($0.hex) }),
                 "waitingFor": .array(s.waitingFor.map { .string($0) }), "reason": s.reason.map { .string($0) } ?? .null])
    }

    /// R16 on a participant's list: `commit` until its commitment is held;
    /// `reveal` once every participant's is held and until its reveal is.
    func drawItems(for department: String) -> [InboxItem] {
        var items = [InboxItem]()
        for d in draws.values where d.body.participants.contains(department) {
            let committed = Set(d.commits.map(\.department))
            if !committed.contains(department) {
                items.append(InboxItem(id: d.act.id, action: "commit", rule: "R16", title: d.body.topic, from: d.act.department, since: d.act.time, due: nil))
            } else if committed.isSuperset(of: d.body.participants), !d.reveals.contains(where: { $0.department == department }) {
                items.append(InboxItem(id: d.act.id, action: "reveal", rule: "R16", title: d.body.topic, from: d.act.department, since: d.act.time, due: nil))
            }
        }
        return items
    }

    mutating func placeDraw(_ act: Act, body: JSONValue) {
        switch act.op.header.kind {
        case WorkflowKinds.drawRequest:
            if let b = try? DrawRequestBody(json: body) { draws[act.id] = DrawRequest(act: act, body: b) }
        case WorkflowKinds.expertRegister:
            if let b = try? ExpertBody(json: body) { experts[act.id] = Expert(act: act, body: b) }
        default: break
        }
    }

    /// Commitments and reveals count only from participants (§4.4, §4.5);
    /// a retirement only from the department that registered the expert.
    mutating func linkDraw(_ act: Act, body: JSONValue) {
        switch act.op.header.kind {
        case WorkflowKinds.drawCommit:
            guard let b = try? DrawCommitBody(json: body), draws[b.request]?.body.participants.contains(act.department) == true else { return }
            draws[b.request]?.commits.append(act)
        case WorkflowKinds.drawReveal:
            // What a replica refuses at ingest counts nowhere (§8 4a): a reveal names one held
            // commitment per participant, and its secret opens its own department's.
            guard let b = try? DrawRevealBody(json: body), let d = draws[b.request], d.body.participants.contains(act.department) else { return }
            let named = d.commits.filter { b.commits.contains($0.id) }
            guard named.count == b.commits.count, Set(named.map(\.department)) == Set(d.body.participants), named.count == d.body.participants.count,
                  let mine = named.first(where: { $0.department == act.department }),
                  mine.op.body.flatMap({ try? DrawCommitBody(json: $0) })?.commitment == ExpertDraw.commitment(request: b.request, nonce: b.nonce) else { return }
            draws[b.request]?.reveals.append(act)
        case WorkflowKinds.expertRetire:
            guard let b = try? ExpertRetireBody(json: body), experts[b.expert]?.act.department == act.department else { return }
            experts[b.expert]?.retired.append(act)
        default: break
        }
    }

    public struct Expert: Sendable {
        public let act: Act
        public let body: ExpertBody
        public var retired: [Act] = []
    }
}
