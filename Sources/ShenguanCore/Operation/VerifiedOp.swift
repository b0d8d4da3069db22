import ShenguanCrypto

/// An operation whose signature, canonical form, header schema, network and
/// body hash have been checked (PROTOCOL.md §2.5 steps 1–11). What remains
/// (chain, dependencies, clock) needs a replica's store: see `IngestDecider`.
public struct VerifiedOp: Equatable, Sendable {
    public let id: Digest
    public let envelope: Envelope
    public let header: OpHeader
    /// The parsed body, nil when the body is not carried (erased).
    public let body: JSONValue?
    /// The operations its body names (`WorkflowKinds.refs`), read once.
    public let refs: [WorkflowRef]

    /// Steps 1–11 of PROTOCOL.md §2.5 on one envelope, in that order.
    public static func verify(_ env: Envelope, network: Digest) throws(OpRejection) -> VerifiedOp {
        guard env.header.count <= OpHeader.maxHeaderBytes else {
            throw OpRejection(.tooLarge, "header of \(env.header.count) bytes, limit \(OpHeader.maxHeaderBytes)")
        }
        if let b = env.body, b.count > OpHeader.maxBodyBytes {
            throw OpRejection(.tooLarge, "body of \(b.count) bytes, limit \(OpHeader.maxBodyBytes)")
        }
        let signed = Envelope.pae(env.header)
        guard let key = PublicKey(bytes: env.author), key.verify(signature: env.sig, message: signed) else {
            throw OpRejection(.badSignature, "Ed25519 signature check failed")
        }
        // Steps 4–5: the canonical layout read directly (the common case),
        // else the strict parser, which names what is wrong.
        let header: OpHeader
        if let h = OpHeader(canonical: env.header) { header = h } else { header = try strictHeader(env.header) }
        guard header.author == key else { throw OpRejection(.authorMismatch, "header author differs from the signing key") }
        // The genesis roster names no network (its own id is the network id).
        let id = SHA256.hash(signed)
        let isGenesis = header.kind == RosterOps.genesis && header.net == RosterOps.genesisNet && id == network
        guard header.net == network || isGenesis else {
            throw OpRejection(.wrongNetwork, "network \(header.net.hex.prefix(12))…, this replica is on \(network.hex.prefix(12))…")
        }
        var body: JSONValue?
        if let b = env.body {
            guard SHA256.hash(b) == header.bodyHash else { throw OpRejection(.bodyMismatch, "body hash differs from bodyHash") }
            do { body = try CanonicalJSON.parseCanonical(b) } catch { throw OpRejection(.notCanonical, "body: \(error)") }
            try OpKinds.validate(kind: header.kind, body: body!)
        } else {
            try OpKinds.requireKnown(header.kind)
        }
        return VerifiedOp(id: id, envelope: env, header: header, body: body)
    }

    /// Steps 4–5 by the strict parser: canonical form, then the version
    /// first (a future version is set aside whatever its other members look
    /// like), then the header schema.
    static func strictHeader(_ bytes: [UInt8]) throws(OpRejection) -> OpHeader {
        let headerJSON: JSONValue
        do { headerJSON = try CanonicalJSON.parseCanonical(bytes) } catch {
            throw OpRejection(.notCanonical, "header: \(error)")
        }
        guard let v = headerJSON["v"]?.intValue else { throw OpRejection(.malformed, "header is not an object with an integer v") }
        guard v == OpHeader.currentVersion else {
            throw OpRejection(.unsupportedVersion, "version \(v), this replica speaks \(OpHeader.currentVersion)")
        }
        return try OpHeader(json: headerJSON)
    }

    init(id: Digest, envelope: Envelope, header: OpHeader, body: JSONValue?) {
        self.id = id; self.envelope = envelope; self.header = header; self.body = body
        refs = header.kind == RosterOps.staffEnd
            ? (body?["registration"]?.stringValue.flatMap { Digest(hex: $0) }.map { [WorkflowRef(field: "registration", id: $0, kinds: [RosterOps.staff])] } ?? [])
            : WorkflowKinds.refs(kind: header.kind, body: body)
    }
}

/// Operation kinds and their body schemas (PROTOCOL.md §4).
public enum OpKinds {
    public static let note = "note"
    public static let noteMaxScalars = 4000

    public static func requireKnown(_ kind: String) throws(OpRejection) {
        guard Permissions.table[kind] != nil else { throw OpRejection(.unknownKind, "kind \"\(kind)\"") }
    }

    /// Schema checks that need nothing but the body. Roster bodies are
    /// checked against the roster they change (`RosterState.apply`).
    public static func validate(kind: String, body: JSONValue) throws(OpRejection) {
        try requireKnown(kind)
        switch kind {
        case note:
            guard let o = body.objectValue, let text = o["text"]?.stringValue,
                  Set(o.keys).isSubset(of: ["text", "staff"]), o["staff"] == nil || staffRef(body) != nil else {
                throw OpRejection(.invalidBody, "a note body is {\"text\": string, \"staff\"?: staff registration id}")
            }
            guard (1...noteMaxScalars).contains(text.unicodeScalars.count) else {
                throw OpRejection(.invalidBody, "a note has 1 to \(noteMaxScalars) characters")
            }
        case RosterOps.staff:
            _ = try StaffMember(json: body)
        case RosterOps.staffEnd:
            _ = try StaffEnd(json: body)
        case WitnessOps.kind:
            try WitnessOps.validate(body)
        default:
            try WorkflowKinds.validate(kind: kind, body: body)
            guard body.objectValue != nil else { throw OpRejection(.invalidBody, "\(kind) body must be an object") }
        }
    }

    /// The staff registration an operation says acted for its department (R3).
    public static func staffRef(_ body: JSONValue?) -> Digest? {
        body?["staff"]?.stringValue.flatMap { Digest(hex: $0) }
    }
}

/// Builds and signs new operations for one author.
public enum OpSigner {
    /// Signs a new operation. The caller supplies the chain position (with
    /// `skip`, the author's operation at `OpHeader.skipSeq(seq)`, which
    /// every writer gives from seq 3 on) and the clock (`HLC.next`); the
    /// body is canonicalised here.
    public static func sign(key: SigningKey, network: Digest, seq: Int64, prev: Digest?, skip: Digest? = nil, deps: [Digest],
                            clock: HLC, kind: String, body: JSONValue) throws -> VerifiedOp {
        let bodyBytes = try CanonicalJSON.encode(body)
        let header = OpHeader(net: network, author: key.publicKey, seq: seq, prev: prev, skip: skip,
                              deps: deps.sorted(), clock: clock, kind: kind, bodyHash: SHA256.hash(bodyBytes))
        let headerBytes = try CanonicalJSON.encode(header.json)
        let signed = Envelope.pae(headerBytes)
        let env = Envelope(author: key.publicKey.bytes, header: headerBytes, sig: key.sign(signed), body: bodyBytes)
        return VerifiedOp(id: SHA256.hash(signed), envelope: env, header: header,
                          body: try CanonicalJSON.parseCanonical(bodyBytes))
    }
}

extension VerifiedOp {
    /// Re-reads an envelope this replica verified (steps 1–11) before it
    /// stored it, skipping the signature check. Never use it on bytes from
    /// outside the replica's own database.
    public static func reload(_ env: Envelope) throws(OpRejection) -> VerifiedOp {
        let signed = Envelope.pae(env.header)
        let header: OpHeader
        // Stored headers passed steps 4–5, so the strict path is only a fallback.
        if let h = OpHeader(canonical: env.header) { header = h } else { header = try strictHeader(env.header) }
        var body: JSONValue?
        if let b = env.body {
            do { body = try CanonicalJSON.parse(b) } catch { throw OpRejection(.notCanonical, "body: \(error)") }
        }
        return VerifiedOp(id: SHA256.hash(signed), envelope: env, header: header, body: body)
    }
}
