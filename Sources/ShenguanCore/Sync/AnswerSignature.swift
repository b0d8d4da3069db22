import ShenguanCrypto

/// The signature a serving replica puts on every answer (PROTOCOL.md §7.2):
/// its key over the answer's status, the request's path and nonce, the
/// body's hash and its time. The nonce binds the answer to the one request
/// it answers (an old answer cannot be replayed); the key must be an active
/// replica of the caller's roster, so a proxy or a foreign server on the
/// path cannot answer in a replica's name (`"pushed": 1` for operations the
/// peer never got).
public struct AnswerSignature: Equatable, Sendable {
    public let author: PublicKey
    public let time: Int64
    public let signature: [UInt8]

    public static func message(status: Int, path: String, nonce: String?, body: [UInt8], time: Int64) -> [UInt8] {
        Array("SHENGUANv1-ans \(status) \(path) \(nonce ?? "-") \(SHA256.hash(body).hex) \(time)".utf8)
    }

    public static func sign(key: SigningKey, status: Int, path: String, nonce: String?, body: [UInt8], time: Int64) -> AnswerSignature {
        AnswerSignature(author: key.publicKey, time: time,
                        signature: key.sign(message(status: status, path: path, nonce: nonce, body: body, time: time)))
    }

    public init(author: PublicKey, time: Int64, signature: [UInt8]) {
        self.author = author; self.time = time; self.signature = signature
    }

    public var headers: [(String, String)] {
        [("Shenguan-Author", author.base64url), ("Shenguan-Time", String(time)), ("Shenguan-Signature", Base64URL.encode(signature))]
    }

    public init?(author: String?, time: String?, signature: String?) {
        guard let a = author.flatMap({ PublicKey(base64url: $0) }), let t = time.flatMap({ Int64($0) }),
              let s = signature.flatMap({ Base64URL.decode($0) }), s.count == 64 else { return nil }
        self.init(author: a, time: t, signature: s)
    }

    /// Whether this signs that answer and comes from an active replica of `roster`.
    public func authenticates(status: Int, path: String, nonce: String?, body: [UInt8], roster: RosterState?) -> Bool {
        guard roster?.activeReplica(author) != nil else { return false }
        return author.verify(signature: signature, message: Self.message(status: status, path: path, nonce: nonce, body: body, time: time))
    }
}
