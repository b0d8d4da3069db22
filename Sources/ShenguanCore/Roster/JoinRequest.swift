import ShenguanCrypto

/// A replica's request to be admitted to a department (`shenguan init
/// --genesis`), signed by the new key to prove its holder asked; the
/// oversight office turns it into `roster.admit` (`shenguan network admit`).
public struct JoinRequest: Equatable, Sendable {
    public static let format = "shenguan-join/1"
    public let network: Digest
    public let department: String
    public let key: PublicKey

    public init(network: Digest, department: String, key: PublicKey) {
        self.network = network; self.department = department; self.key = key
    }

    var unsigned: JSONValue {
        ["format": .string(Self.format), "network": .string(network.hex), "department": .string(department), "key": .string(key.base64url)]
    }

    private func message() -> [UInt8] { Array("SHENGUANv1-join ".utf8) + (try! CanonicalJSON.encode(unsigned)) }

    /// The signed request as canonical JSON bytes.
    public func signed(by signer: SigningKey) -> [UInt8] {
        var o = unsigned.objectValue!
        o["sig"] = .string(Base64URL.encode(signer.sign(message())))
        return try! CanonicalJSON.encode(.object(o))
    }

    /// Reads and checks a signed request.
    public init(bytes: [UInt8]) throws(OpRejection) {
        func bad(_ s: String) -> OpRejection { OpRejection(.malformed, "join request: \(s)") }
        let v: JSONValue
        do { v = try CanonicalJSON.parse(bytes) } catch { throw bad("not JSON") }
        guard v["format"]?.stringValue == Self.format, let n = v["network"]?.stringValue.flatMap({ Digest(hex: $0) }),
              let d = v["department"]?.stringValue, let k = v["key"]?.stringValue.flatMap({ PublicKey(base64url: $0) }),
              let sig = v["sig"]?.stringValue.flatMap({ Base64URL.decode($0) }) else { throw bad("fields missing") }
        self.init(network: n, department: d, key: k)
        try RosterState.requireStrong(k, "the requesting replica's key")
        guard k.verify(signature: sig, message: message()) else { throw OpRejection(.badSignature, "join request signature does not verify") }
    }
}
