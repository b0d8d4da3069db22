/// Ed25519 validity, written out (PROTOCOL.md §2.2) so that whether a
/// signature or a key is valid never depends on the library a verifier
/// links: OpenSSL accepts signatures that libsodium refuses (keys and R of
/// small order). These are libsodium's criteria (1.0.18, not
/// `ED25519_COMPAT`); the Python verifier implements the same ones
/// (`Tools/verify-py/ed25519_rules.py`), and the conformance corpus
/// (`Tests/Conformance`) holds both to them.
package enum Ed25519Rules {
    /// The y coordinates (sign bit cleared, little-endian) of the points of
    /// order 1, 2, 4 and 8, and the non-canonical spellings p and p + 1 of
    /// y = 0 and y = 1: with either sign bit, the 14 encodings §2.2 excludes.
    static let smallOrderY: [[UInt8]] = [
        [UInt8](repeating: 0, count: 32),
        [0x01] + [UInt8](repeating: 0, count: 31),
        [0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
         0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05],
        [0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
         0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a],
        [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f],   // p − 1
        [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f],   // p
        [0xee] + [UInt8](repeating: 0xff, count: 30) + [0x7f],   // p + 1
    ]

    /// p = 2^255 − 19, little-endian.
    static let p: [UInt8] = [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f]

    /// The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian.
    static let l: [UInt8] = [0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                             0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10]

    /// `a < b` for 32-byte little-endian numbers, `a`'s top bit cleared if asked.
    static func less(_ a: some Collection<UInt8>, _ b: [UInt8], clearingSignBit: Bool) -> Bool {
        let a = Array(a)
        for i in stride(from: 31, through: 0, by: -1) {
            let x = i == 31 && clearingSignBit ? a[i] & 0x7f : a[i]
            if x != b[i] { return x < b[i] }
        }
        return false
    }

    /// The encoding's y (sign bit ignored) is below p.
    package static func isCanonicalPoint(_ e: [UInt8]) -> Bool {
        e.count == 32 && less(e, p, clearingSignBit: true)
    }

    /// One of the 14 encodings of a point of small order.
    package static func hasSmallOrder(_ e: some Collection<UInt8>) -> Bool {
        guard e.count == 32 else { return false }
        var y = Array(e)
        y[31] &= 0x7f
        return smallOrderY.contains(y)
    }

    /// §2.2 rules 1–4, checked before the equation (rule 5, libsodium):
    /// S < L, R not of small order, A canonical and not of small order.
    package static func signaturePrecheck(key: [UInt8], signature: [UInt8]) -> Bool {
        guard key.count == 32, signature.count == 64 else { return false }
        return less(signature[32...], l, clearingSignBit: false) && !hasSmallOrder(signature[..<32])
            && isCanonicalPoint(key) && !hasSmallOrder(key)
    }
}

extension PublicKey {
    /// §2.2's rule for a key entering a roster (genesis root and replicas,
    /// `roster.admit`, `roster.root`, join requests): canonical, not of small
    /// order, a point of the curve in the prime-order subgroup. Refused keys
    /// get `roster.weak_key`.
    public var isStrong: Bool {
        Ed25519Rules.isCanonicalPoint(bytes) && !Ed25519Rules.hasSmallOrder(bytes) && Sodium.ed25519IsValidPoint(bytes)
    }
}
