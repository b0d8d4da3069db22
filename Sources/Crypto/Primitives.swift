import Foundation

/// A SHA-256 digest: operation ids, body hashes and network ids (PROTOCOL.md §2.3).
///
/// Held inline as four big-endian 64-bit words rather than an array: ids are
/// hashed, compared and copied on every ingest lookup, and an inline value
/// needs no allocation and no reference counting (BENCHMARKS.md).
public struct Digest: Hashable, Comparable, Sendable, CustomStringConvertible {
    private let w0, w1, w2, w3: UInt64

    /// The 32 raw bytes.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        for (k, w) in [w0, w1, w2, w3].enumerated() {
            for j in 0..<8 { out[k * 8 + j] = UInt8(truncatingIfNeeded: w >> (56 - 8 * UInt64(j))) }
        }
        return out
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.init(raw: bytes.withUnsafeBytes { $0 })
    }

    /// From exactly 32 bytes (checked by the callers).
    package init(raw b: UnsafeRawBufferPointer) {
        func word(_ k: Int) -> UInt64 { UInt64(bigEndian: b.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self)) }
        w0 = word(0); w1 = word(1); w2 = word(2); w3 = word(3)
    }

    /// Parses 64 lowercase hex characters.
    public init?(hex: some StringProtocol) {
        var s = String(hex)
        guard let d = s.withUTF8({ Digest(hexBytes: $0) }) else { return nil }
        self = d
    }

    /// Parses 64 lowercase hex digits given as UTF-8 bytes, straight into the
    /// four words (no intermediate array; it runs for every id in every header).
    public init?(hexBytes s: UnsafeBufferPointer<UInt8>) {
        guard s.count == 64 else { return nil }
        var w: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for k in 0..<4 {
            var v: UInt64 = 0
            for j in 0..<16 {
                guard let n = Hex.nibble(s[k * 16 + j]) else { return nil }
                v = v << 4 | UInt64(n)
            }
            switch k {
            case 0: w.0 = v
            case 1: w.1 = v
            case 2: w.2 = v
            default: w.3 = v
            }
        }
        (w0, w1, w2, w3) = w
    }

    /// Lowercase hex, the form ids take on the wire and in the CLI.
    public var hex: String {
        String(unsafeUninitializedCapacity: 64) { out in
            for (k, w) in [w0, w1, w2, w3].enumerated() {
                for j in 0..<16 { out[k * 16 + j] = Hex.digit(Int(truncatingIfNeeded: w >> (60 - 4 * UInt64(j))) & 15) }
            }
            return 64
        }
    }
    public var description: String { hex }

    /// Byte-wise (lexicographic) order: big-endian words compare the same way.
    public static func < (a: Digest, b: Digest) -> Bool { (a.w0, a.w1, a.w2, a.w3) < (b.w0, b.w1, b.w2, b.w3) }

    /// SHA-256 output is uniform: one 64-bit word hashes as well as 32 bytes.
    public func hash(into hasher: inout Hasher) { hasher.combine(w0) }
    public static func == (a: Digest, b: Digest) -> Bool { a.w0 == b.w0 && a.w1 == b.w1 && a.w2 == b.w2 && a.w3 == b.w3 }
}

/// SHA-256 (FIPS 180-4) through libsodium.
public enum SHA256 {
    public static func hash(_ bytes: [UInt8]) -> Digest {
        Digest(bytes: bytes.withUnsafeBytes { Sodium.sha256($0) })!
    }

    public static func hash(_ data: Data) -> Digest {
        Digest(bytes: data.withUnsafeBytes { Sodium.sha256($0) })!
    }

    public static func hash(_ bytes: ArraySlice<UInt8>) -> Digest {
        Digest(bytes: bytes.withUnsafeBytes { Sodium.sha256($0) })!
    }

    /// SHA-256 of bytes given piece by piece (a digest over more than fits in memory).
    public struct Hasher {
        private let stream = Sodium.SHA256Stream()
        public init() {}
        public func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { stream.update($0) } }
        /// The digest; the hasher is not used again.
        public func finish() -> Digest { Digest(bytes: stream.finish())! }
    }
}

/// Cryptographically secure random bytes (libsodium `randombytes_buf`).
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] { Sodium.randomBytes(count) }
}

/// An Ed25519 public key: a replica's identity as an author.
public struct PublicKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]
    /// Base64url without padding (43 characters), the form used in headers
    /// and the database; computed once.
    public let base64url: String

    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
        self.base64url = Base64URL.encode(bytes)
    }

    public init?(base64url: some StringProtocol) {
        guard let b = Base64URL.decode(base64url), b.count == 32 else { return nil }
        self.bytes = b
        self.base64url = String(base64url)
    }

    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine($0.loadUnaligned(as: UInt64.self)) }
    }
    public static func == (a: PublicKey, b: PublicKey) -> Bool { a.bytes == b.bytes }
    public var description: String { base64url }

    /// Checks a detached Ed25519 signature over `message` under the validity
    /// criteria of PROTOCOL.md §2.2 (RFC 8032's equation, cofactorless, plus
    /// S < L and no key or R of small order), the same in every verifier.
    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        guard Ed25519Rules.signaturePrecheck(key: bytes, signature: signature) else { return false }
        return message.withUnsafeBytes { Sodium.ed25519Verify(signature: signature, message: $0, publicKey: bytes) }
    }

    public static func < (a: PublicKey, b: PublicKey) -> Bool { a.base64url < b.base64url }
}

/// An Ed25519 signing key. Its description never prints secret material.
public struct SigningKey: Sendable, CustomStringConvertible {
    /// The 32-byte seed from which the key pair derives.
    let seed: [UInt8]
    private let secret: [UInt8]
    public let publicKey: PublicKey

    /// Derives the key pair from a 32-byte seed; nil if the seed has another length.
    public init?(seed: [UInt8]) {
        guard seed.count == 32 else { return nil }
        let kp = Sodium.ed25519KeyPair(seed: seed)
        self.seed = seed
        self.secret = kp.sk
        self.publicKey = PublicKey(bytes: kp.pk)!
    }

    /// A new key from libsodium's secure random generator.
    public static func generate() -> SigningKey { SigningKey(seed: SecureRandom.bytes(32))! }

    /// A detached signature over `message`.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { Sodium.ed25519Sign(message: $0, secretKey: secret) }
    }

    public var description: String { "SigningKey(public: \(publicKey.base64url), secret: <redacted>)" }
}

/// Lowercase hexadecimal.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// The lowercase hex digit of a nibble (0–15).
    static func digit(_ nibble: Int) -> UInt8 { UInt8(truncatingIfNeeded: nibble < 10 ? 48 + nibble : 87 + nibble) }

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8](); out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes lowercase hex only (the canonical form); nil otherwise.
    public static func decode(_ s: some StringProtocol) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out = [UInt8](); out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let hi = nibble(u[i]), let lo = nibble(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo); i += 2
        }
        return out
    }

    /// The value of a lowercase hex digit; nil for any other byte.
    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        default: return nil
        }
    }
}

/// Base64url without padding (RFC 4648 §5), strict: padding, whitespace and
/// non-zero trailing bits are refused so that every value has one spelling.
/// Table-driven over bytes: it sits on the ingest hot path.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        encode(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the base64url text of `bytes` to `out` as UTF-8 (no String in between).
    public static func encode(_ bytes: [UInt8], into out: inout [UInt8]) {
        out.reserveCapacity(out.count + (bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(alphabet[Int(v & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let v = UInt32(bytes[i]) << 16
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
        } else if rest == 2 {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)]); out.append(alphabet[Int(v >> 6 & 63)])
        }
    }

    public static func decode(_ s: some StringProtocol) -> [UInt8]? {
        var copy = String(s)
        return copy.withUTF8 { decode(bytes: $0) }
    }

    /// Decodes base64url text given as UTF-8 bytes; nil unless canonical.
    /// Four characters at a time into a buffer of the exact size, with the
    /// table held once per call (a global's lazy check per character and a
    /// growing array cost more than the decoding: profiled on import).
    public static func decode(bytes u: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let n = u.count
        guard n % 4 != 1 else { return nil }
        let full = n / 4, rest = n % 4
        let size = full * 3 + (rest == 0 ? 0 : rest - 1)
        return table.withUnsafeBufferPointer { t -> [UInt8]? in
            var ok = true
            let out = [UInt8](unsafeUninitializedCapacity: size) { o, count in
                var bad: UInt32 = 0
                for g in 0..<full {
                    let i = g * 4
                    let a = UInt32(t[Int(u[i])]), b = UInt32(t[Int(u[i + 1])]), c = UInt32(t[Int(u[i + 2])]), d = UInt32(t[Int(u[i + 3])])
                    bad |= a | b | c | d
                    let v = a << 18 | b << 12 | c << 6 | d
                    o[g * 3] = UInt8(truncatingIfNeeded: v >> 16)
                    o[g * 3 + 1] = UInt8(truncatingIfNeeded: v >> 8)
                    o[g * 3 + 2] = UInt8(truncatingIfNeeded: v)
                }
                // 0xFF marks a character outside the alphabet; valid digits are < 64.
                if bad & 0xC0 != 0 { ok = false; count = 0; return }
                if rest > 0 {
                    var acc: UInt32 = 0
                    for j in 0..<rest {
                        let d = t[Int(u[full * 4 + j])]
                        if d == 0xFF { ok = false; count = 0; return }
                        acc = acc << 6 | UInt32(d)
                    }
                    // Leftover bits must be zero (one spelling per value).
                    let bits = rest * 6 - (rest - 1) * 8
                    if acc & ((1 << UInt32(bits)) - 1) != 0 { ok = false; count = 0; return }
                    acc >>= UInt32(bits)
                    for j in 0..<(rest - 1) { o[full * 3 + j] = UInt8(truncatingIfNeeded: acc >> UInt32(8 * (rest - 2 - j))) }
                }
                count = size
            }
            return ok ? out : nil
        }
    }
}
