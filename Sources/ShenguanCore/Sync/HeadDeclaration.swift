import ShenguanCrypto

/// "My chain ends at seq k, id h, at my time t", signed by the calling
/// replica and carried by every sync request (DESIGN.md "Time evidence").
/// The receiver records it in its next witness.
public struct HeadDeclaration: Equatable, Sendable {
    public let author: PublicKey
    public let seq: Int64
    public let id: Digest?
    public let time: Int64
    public let signature: [UInt8]

    static func message(author: PublicKey, seq: Int64, id: Digest?, time: Int64) -> [UInt8] {
        Array("SHENGUANv1-head ".utf8) + (try! CanonicalJSON.encode(["author": .string(author.base64url), "seq": .int(seq),
                                                                   "id": id.map { .string($0.hex) } ?? .null, "time": .int(time)]))
    }

    public static func sign(key: SigningKey, seq: Int64, id: Digest?, time: Int64) -> HeadDeclaration {
        HeadDeclaration(author: key.publicKey, seq: seq, id: id, time: time,
                        signature: key.sign(message(author: key.publicKey, seq: seq, id: id, time: time)))
    }

    public init(author: PublicKey, seq: Int64, id: Digest?, time: Int64, signature: [UInt8]) {
        self.author = author; self.seq = seq; self.id = id; self.time = time; self.signature = signature
    }

    public var json: JSONValue {
        ["author": .string(author.base64url), "seq": .int(seq), "id": id.map { .string($0.hex) } ?? .null,
         "time": .int(time), "sig": .string(Base64URL.encode(signature))]
    }

    /// Reads and verifies a declaration; nil if malformed or forged.
    public init?(json v: JSONValue) {
        guard let o = v.objectValue, Set(o.keys) == ["author", "seq", "id", "time", "sig"],
              let a = v["author"]?.stringValue.flatMap({ PublicKey(base64url: $0) }), let seq = v["seq"]?.intValue, seq >= 0,
              let time = v["time"]?.intValue, let sig = v["sig"]?.stringValue.flatMap({ Base64URL.decode($0) }) else { return nil }
        let id: Digest?
        switch v["id"] {
        case .null?: id = nil
        case .string(let s)?: guard let d = Digest(hex: s) else { return nil }; id = d
        default: return nil
        }
        guard a.verify(signature: sig, message: Self.message(author: a, seq: seq, id: id, time: time)) else { return nil }
        self.init(author: a, seq: seq, id: id, time: time, signature: sig)
    }
}

/// Witness operations (DESIGN.md "Time evidence"): after a sync that brought
/// new operations, the receiver signs what it now holds, per author, and the
/// head declarations it received since its last witness.
public enum WitnessOps {
    public static let kind = "witness"

    public static func body(heads: [(author: String, seq: Int64, id: String)], declarations: [HeadDeclaration]) -> JSONValue {
        .object([
            "heads": .array(heads.sorted { $0.author < $1.author }.map { .object(["author": .string($0.author), "seq": .int($0.seq), "id": .string($0.id)]) }),
            "declarations": .array(declarations.map(\.json)),
        ])
    }

    public static func validate(_ body: JSONValue) throws(OpRejection) {
        guard let heads = body["heads"]?.arrayValue, let decls = body["declarations"]?.arrayValue, body.objectValue?.count == 2 else {
            throw OpRejection(.invalidBody, "a witness is {\"declarations\": [...], \"heads\": [{author, id, seq}...]}")
        }
        for h in heads {
            guard h.objectValue?.count == 3, h["author"]?.stringValue.flatMap({ PublicKey(base64url: $0) }) != nil, h["seq"]?.intValue != nil,
                  h["id"]?.stringValue.flatMap({ Digest(hex: $0) }) != nil else { throw OpRejection(.invalidBody, "witness head entry invalid") }
        }
        for d in decls where HeadDeclaration(json: d) == nil { throw OpRejection(.invalidBody, "witness declaration does not verify") }
    }
}
