import ShenguanCrypto

/// What a replica knows about an operation it already holds.
public struct OpMeta: Equatable, Sendable {
    public let author: PublicKey
    public let seq: Int64
    public let clock: HLC
    /// The highest root-chain seq in the operation's causal past (itself
    /// included): which roster version it was written under.
    public let rosterSeq: Int64
    public init(author: PublicKey, seq: Int64, clock: HLC, rosterSeq: Int64) {
        self.author = author; self.seq = seq; self.clock = clock; self.rosterSeq = rosterSeq
    }
}

/// Read access to the operations a replica holds, as the decider needs it.
/// The store implements it over SQLite; tests implement it over a dictionary.
public protocol OpIndex {
    func meta(of id: Digest) -> OpMeta?
    /// Ids of held operations with this author and seq (more than one after an equivocation).
    func ids(author: PublicKey, seq: Int64) -> [Digest]
    /// The roster after root-chain seq `version` (nil if not held).
    func roster(at version: Int64) -> RosterState?
    /// A held staff registration: the member and the registering author.
    func staff(_ id: Digest) -> StaffMember?
    /// A held operation, for the workflow checks of the operations that name it.
    func operation(_ id: Digest) -> VerifiedOp?
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

    /// `fillingBody`: the operation is held without its body and this copy
    /// carries it (§2.6); it is decided again as if it arrived now with it,
    /// so the body passes exactly the checks it would have passed then.
    public static func decide(_ op: VerifiedOp, index: some OpIndex, now: Int64,
                              maxSkew: Int64 = defaultMaxSkewMillis, fillingBody: Bool = false) -> IngestDecision {
        if !fillingBody, index.meta(of: op.id) != nil { return .duplicate }
        let h = op.header
        var missing = [Digest]()
        var before = [HLC]()
        var parents = [OpMeta]()
        // Links within the author's chain (`prev`, `skip`): each names the author's operation at its seq.
        for (id, seq, name) in h.chainLinks {
            guard let m = index.meta(of: id) else { missing.append(id); continue }
            guard m.author == h.author, m.seq == seq else {
                return .reject(OpRejection(.chainBroken, "\(name) is seq \(m.seq) of another chain or position, expected seq \(seq) of the same author"))
            }
            before.append(m.clock); parents.append(m)
        }
        for d in h.deps {
            if let m = index.meta(of: d) {
                guard m.author != h.author else {
                    return .reject(OpRejection(.chainBroken, "deps names the author's own seq \(m.seq); the chain already carries it"))
                }
                before.append(m.clock); parents.append(m)
            } else { missing.append(d) }
        }
        let staffRef = OpKinds.staffRef(op.body)
        if let s = staffRef, index.meta(of: s) == nil { missing.append(s) }
        // What an operation names must be held with its body (§2.6): the
        // checks of steps 12–13 read it. One held without its body is waited
        // for like a missing dependency, so a body delivered late never makes
        // the same operations end in a different state.
        if let s = staffRef, !missing.contains(s), let held = index.operation(s), held.body == nil { missing.append(s) }
        for ref in op.refs where !missing.contains(ref.id) {
            if index.meta(of: ref.id) == nil {
                missing.append(ref.id)
            } else if ref.needsBody, let held = index.operation(ref.id), held.body == nil {
                missing.append(ref.id)
            }
        }
        if !missing.isEmpty { return .wait(missing: missing) }
        if let latest = before.max(), !(latest < h.clock) {
            return .reject(OpRejection(.clockRegression, "clock \(h.clock) is not after \(latest)"))
        }
        if let refusal = authorize(op, parents: parents, staffRef: staffRef, index: index) { return .reject(refusal) }
        if h.clock.time > now + maxSkew { return .future(notBefore: h.clock.time - maxSkew) }
        return .accept(equivocatesWith: index.ids(author: h.author, seq: h.seq))
    }

    /// The roster version an operation was written under (PROTOCOL.md §2.7):
    /// 1 for the genesis; the largest version among its `prev` and `deps`,
    /// plus one if it is a roster operation by that version's root key.
    public static func rosterSeq(of op: VerifiedOp, parents: [OpMeta], rosterAt: (Int64) -> RosterState?) -> Int64 {
        if op.header.kind == RosterOps.genesis { return 1 }
        let v = parents.map(\.rosterSeq).max() ?? 0
        if op.header.kind.hasPrefix("roster."), rosterAt(v)?.root == op.header.author { return v + 1 }
        return v
    }

    /// A roster operation's refusal: `roster.weak_key` as such, anything else `roster.invalid`.
    static func rosterRefusal(_ e: OpRejection) -> OpRejection {
        e.code == .weakKey ? e : OpRejection(.rosterInvalid, e.detail)
    }

    /// Roster, role and staff checks (DESIGN.md "Roster, roles, policy";
    /// RULES.md R3, R21): a function of the operation's causal past only.
    static func authorize(_ op: VerifiedOp, parents: [OpMeta], staffRef: Digest?, index: some OpIndex) -> OpRejection? {
        let h = op.header
        if h.kind == RosterOps.genesis {
            do { _ = try RosterState(genesis: op); return nil } catch { return rosterRefusal(error) }
        }
        let version = parents.map(\.rosterSeq).max() ?? 0
        guard version > 0, let roster = index.roster(at: version) else {
            return OpRejection(.notAdmitted, "the operation builds on no roster this replica holds (roster version \(version))")
        }
        if h.author == roster.root {
            if let why = Permissions.refusal(kind: h.kind, role: nil, isRoot: true) { return OpRejection(.forbiddenKind, why) }
            guard index.roster(at: version + 1) == nil else {
                return OpRejection(.rosterInvalid, "roster version \(version + 1) exists already: a roster operation must build on the latest roster")
            }
            var next = roster
            do { try next.apply(op) } catch { return rosterRefusal(error) }
            return nil
        }
        guard let replica = roster.activeReplica(h.author) else {
            return OpRejection(.notAdmitted, "author \(h.author.base64url.prefix(10))… is not an active replica in roster version \(version)")
        }
        if let why = Permissions.refusal(kind: h.kind, role: roster.role(of: h.author), isRoot: false) {
            return OpRejection(.forbiddenKind, why)
        }
        // Without its body (not carried, §2.6) the department is checked when the body fills in.
        if h.kind == RosterOps.staff, let body = op.body, body["department"]?.stringValue != replica.department {
            return OpRejection(.forbiddenKind, "a replica registers staff of its own department (\(replica.department)) only")
        }
        if h.kind == RosterOps.staffEnd, let body = op.body, let end = try? StaffEnd(json: body) {
            guard end.department == replica.department else {
                return OpRejection(.forbiddenKind, "a replica ends staff registrations of its own department (\(replica.department)) only")
            }
            guard let member = index.staff(end.registration), member.department == replica.department else {
                return OpRejection(.staffUnknown, "registration \(end.registration.hex.prefix(12))… is not a staff registration of \(replica.department)")
            }
            guard end.lastDay < member.validUntil else {
                return OpRejection(.staffInvalid, "\(member.name) (\(member.staffNo)) is registered until \(member.validUntil.iso): an end's last day comes before it")
            }
        }
        if let ref = staffRef {
            guard let member = index.staff(ref), member.department == replica.department else {
                return OpRejection(.staffUnknown, "staff \(ref.hex.prefix(12))… is not registered for \(replica.department)")
            }
            guard member.isValid(atMillis: h.clock.time) else {
                return OpRejection(.staffInvalid, "\(member.name) (\(member.staffNo)) is valid \(member.validFrom.iso)…\(member.validUntil.iso)")
            }
        }
        return WorkflowRules.refusal(op, department: replica.department, roster: roster, lookup: index.operation)
    }
}
