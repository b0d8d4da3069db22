import ShenguanCrypto

/// A forward reader over canonical JSON bytes for the fast paths of the hot
/// decoders (`Envelope.decode`, `OpHeader(canonical:)`, `SyncPage.decode`).
///
/// It accepts only the one layout RFC 8785 writes for a known shape: exact
/// member names in order, no whitespace, strings without escapes (their
/// contents checked by the value's own decoder: base64url, hex or kind),
/// integers without sign, leading zeros or fraction. On any
/// other byte it answers nil and the caller falls back to the strict general
/// parser, which accepts or refuses with the precise reason. So a fast path
/// never accepts what the strict path refuses, and gives the same value when
/// it accepts (property-tested against the strict path).
struct ByteScanner {
    let buf: UnsafeBufferPointer<UInt8>
    var i: Int

    init(_ buf: UnsafeBufferPointer<UInt8>, at i: Int = 0) { self.buf = buf; self.i = i }

    var atEnd: Bool { i == buf.count }

    /// Consumes `literal` if the bytes at the cursor spell it.
    mutating func take(_ literal: StaticString) -> Bool {
        let matched = literal.withUTF8Buffer { p -> Bool in
            guard i + p.count <= buf.count else { return false }
            for k in 0..<p.count where buf[i + k] != p[k] { return false }
            return true
        }
        if matched { i += literal.utf8CodeUnitCount }
        return matched
    }

    /// Consumes one byte if it is `b`.
    mutating func take(byte b: UInt8) -> Bool {
        guard i < buf.count, buf[i] == b else { return false }
        i += 1
        return true
    }

    var peek: UInt8? { i < buf.count ? buf[i] : nil }

    /// The contents of a string without escapes (the opening quote at the
    /// cursor); nil at a backslash or at the end of input. What the contents
    /// may hold is checked by the decoder of the value (base64url, hex, kind).
    mutating func string() -> UnsafeBufferPointer<UInt8>? {
        guard take(byte: 34) else { return nil }
        let start = i
        while i < buf.count, buf[i] != 34 {
            guard buf[i] != 92 else { return nil }
            i += 1
        }
        guard i < buf.count else { return nil }
        defer { i += 1 }
        return UnsafeBufferPointer(rebasing: buf[start..<i])
    }

    /// Base64url text in quotes, decoded (canonical spelling only).
    mutating func base64url() -> [UInt8]? {
        string().flatMap { Base64URL.decode(bytes: $0) }
    }

    /// 64 lowercase hex digits in quotes, as a digest.
    mutating func digest() -> Digest? {
        string().flatMap { Digest(hexBytes: $0) }
    }

    /// A canonical non-negative integer up to 2^53 − 1 (0, or no leading zero).
    mutating func natural() -> Int64? {
        let start = i
        var v: Int64 = 0
        while i < buf.count, buf[i] >= 48, buf[i] <= 57 {
            v = v * 10 + Int64(buf[i] - 48)
            i += 1
            if i - start > 16 { return nil }
        }
        guard i > start, !(buf[start] == 48 && i - start > 1), v <= 9_007_199_254_740_991 else { return nil }
        return v
    }
}
