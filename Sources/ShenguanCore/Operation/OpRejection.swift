/// Stable codes for operations a replica refuses or holds back
/// (PROTOCOL.md §2.5). Codes never change meaning; new ones are added.
public enum OpCode: String, Sendable, CaseIterable, Codable {
    case malformed = "op.malformed"
    case tooLarge = "op.too_large"
    case badSignature = "op.bad_signature"
    case notCanonical = "op.not_canonical"
    case authorMismatch = "op.author_mismatch"
    case unsupportedVersion = "op.unsupported_version"
    case wrongNetwork = "op.wrong_network"
    case bodyMismatch = "op.body_mismatch"
    case unknownKind = "op.unknown_kind"
    case invalidBody = "op.invalid_body"
    case chainBroken = "op.chain_broken"
    case clockRegression = "op.clock_regression"
    case notAdmitted = "auth.not_admitted"
    case forbiddenKind = "auth.forbidden_kind"
    case rosterInvalid = "roster.invalid"
    case weakKey = "roster.weak_key"
    case staffUnknown = "staff.unknown"
    case staffInvalid = "staff.invalid"
    case invalidRef = "workflow.invalid_ref"
    case notAddressee = "workflow.not_addressee"
    /// Not a rejection: the operation waits for what it names.
    case missingDeps = "op.missing_deps"
    /// Not a rejection: the operation waits for the local clock.
    case future = "clock.future"
}

/// Why an operation was refused: a stable code and a sentence a clerk can act on.
public struct OpRejection: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: OpCode
    /// What was wrong, specifically; never contains key material.
    public let detail: String

    public init(_ code: OpCode, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// One sentence for a clerk: what happened and what to do.
    public var reason: String { "\(Self.advice(code)) (\(detail))" }
    public var description: String { "\(code.rawValue): \(reason)" }

    static func advice(_ code: OpCode) -> String {
        switch code {
        case .malformed: "The operation is not in the Shenguan format; ask the sender to export it again"
        case .tooLarge: "The operation exceeds the size limit; large documents must travel as attachments"
        case .badSignature: "The signature does not match the content: the operation was altered after signing or forged; nothing from it was applied"
        case .notCanonical: "The operation's bytes are not in canonical form, so its signature cannot be trusted to mean one thing; ask the sender to re-export"
        case .authorMismatch: "The operation claims an author other than the key that signed it; treat it as forged"
        case .unsupportedVersion: "The operation uses a protocol version this replica does not know; it was set aside, upgrade Shenguan to read it"
        case .wrongNetwork: "The operation belongs to another Shenguan network (deployment); it cannot be merged here"
        case .bodyMismatch: "The operation's content does not match the hash its author signed; it was altered in transit"
        case .unknownKind: "The operation is of a kind this version does not know; upgrade Shenguan to read it"
        case .invalidBody: "The operation's content is incomplete or invalid for its kind"
        case .chainBroken: "The operation does not continue its author's chain (wrong previous operation); the author's replica may be damaged"
        case .clockRegression: "The operation's clock runs backwards from what it builds on; the author's clock or replica is faulty"
        case .notAdmitted: "The author's key is not admitted to this network (or was revoked) in the roster this operation builds on; ask the oversight office to admit the replica"
        case .forbiddenKind: "The author's department may not write this kind of operation (permission table, RULES.md R21)"
        case .rosterInvalid: "The roster operation is inconsistent with the roster it changes"
        case .weakKey: "The key is not a valid Ed25519 public key of the kind a replica has (PROTOCOL.md §2.2: small order, off the curve or non-canonical; anyone could sign for it); generate the replica's key again with `shenguan init`"
        case .staffUnknown: "The operation names a staff member whose registration is not a staff record of the author's department"
        case .invalidRef: "The operation names another operation of the wrong kind or subject; the author's replica wrote something inconsistent"
        case .notAddressee: "The operation acts on something addressed to, or owned by, another department; only that department may do this"
        case .staffInvalid: "The staff member named was not valid on the operation's date (expired or not yet valid, RULES.md R3)"
        case .missingDeps: "The operation builds on operations this replica does not hold yet; it will apply automatically once they arrive by sync or import"
        case .future: "The operation is dated in the future beyond the allowed clock skew; it will apply once this replica's clock reaches its time"
        }
    }
}
