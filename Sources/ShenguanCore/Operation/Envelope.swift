import ShenguanCrypto

/// An operation as it travels and is stored: the exact signed header bytes,
/// the signature, the author's key and (unless erased) the body bytes
/// (PROTOCOL.md §2.4).
public struct Envelope: Equatable, Sendable {
    public let author: [UInt8]
    public let header: [UInt8]
    public let sig: [UInt8]
    public let body: [UInt8]?

    public init(author: [UInt8], header: [UInt8], sig: [UInt8], body: [UInt8]?) {
        self.author = author; self.header = header; self.sig = sig; self.body = body
    }

    /// The DSSE-style context string and payload type of PROTOCOL.md §2.2.
    public static let context = "SHENGUANv1"
    public static let payloadType = "application/vnd.shenguan.op+json"
    private static let paePrefix: [UInt8] = Array("\(context) \(payloadType.utf8.count) \(payloadType) ".utf8)

    /// Pre-authentication encoding of a header: the bytes that are signed.
    public static func pae(_ header: [UInt8]) -> [UInt8] {
        var out = paePrefix
        out.reserveCapacity(paePrefix.count + 8 + header.count)
        out.append(contentsOf: String(header.count).utf8)
        out.append(32)
        out.append(contentsOf: header)
        return out
    }

    /// The same envelope without its body (PROTOCOL.md §2.4: the header, which
    /// the signature covers, names the body by hash; §8 carries causal paths so).
    public var withoutBody: Envelope { Envelope(author: author, header: header, sig: sig, body: nil) }

    /// The operation id: SHA-256 of the signed bytes (PROTOCOL.md §2.3).
    public var id: Digest { SHA256.hash(Self.pae(header)) }

    /// The envelope as wire JSON (one line, canonical).
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "author": .string(Base64URL.encode(author)),
            "header": .string(Base64URL.encode(header)),
            "sig": .string(Base64URL.encode(sig)),
        ]
        if let body { o["body"] = .string(Base64URL.encode(body)) }
        return .object(o)
    }

    /// The canonical wire bytes, written directly: the members are always
    /// author < body < header < sig and base64url needs no escaping, so this
    /// equals `CanonicalJSON.encode(json)` (tested) without building a tree.
    public func encoded() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(64 + (author.count + header.count + sig.count + (body?.count ?? 0)) * 4 / 3)
        encode(into: &out)
        return out
    }

    /// Appends `encoded()` to `out` (pages and export files are built this way).
    public func encode(into out: inout [UInt8]) {
        func member(_ name: StaticString, _ bytes: [UInt8], first: Bool = false) {
            if !first { out.append(44) }
            out.append(34)
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: [34, 58, 34])
            Base64URL.encode(bytes, into: &out)
            out.append(34)
        }
        out.append(123)
        member("author", author, first: true)
        if let body { member("body", body) }
        member("header", header)
        member("sig", sig)
        out.append(125)
    }

    /// Reads a wire envelope (step 1 of PROTOCOL.md §2.5).
    public init(json: JSONValue) throws(OpRejection) {
        func bad(_ s: String) -> OpRejection { OpRejection(.malformed, s) }
        guard let o = json.objectValue else { throw bad("envelope is not a JSON object") }
        if let extra = Set(o.keys).subtracting(["author", "header", "sig", "body"]).sorted().first {
            throw bad("unexpected envelope member \"\(extra)\"")
        }
        guard let a = o["author"]?.stringValue.flatMap({ Base64URL.decode($0) }), a.count == 32 else { throw bad("author is not a base64url 32-byte key") }
        guard let h = o["header"]?.stringValue.flatMap({ Base64URL.decode($0) }) else { throw bad("header is not base64url") }
        guard let s = o["sig"]?.stringValue.flatMap({ Base64URL.decode($0) }), s.count == 64 else { throw bad("sig is not a base64url 64-byte signature") }
        var body: [UInt8]?
        if let b = o["body"] {
            guard let bytes = b.stringValue.flatMap({ Base64URL.decode($0) }) else { throw bad("body is not base64url") }
            body = bytes
        }
        self.init(author: a, header: h, sig: s, body: body)
    }

    /// Parses one line of wire JSON into an envelope: the canonical layout
    /// is read directly (`ByteScanner.envelope`); anything else goes through
    /// the strict parser, which accepts other spellings or names the fault.
    public static func decode(_ bytes: [UInt8]) throws(OpRejection) -> Envelope {
        guard bytes.count <= 2 * (OpHeader.maxHeaderBytes + OpHeader.maxBodyBytes) else {
            throw OpRejection(.tooLarge, "envelope of \(bytes.count) bytes")
        }
        if let e = canonicalLayout(bytes) { return e }
        return try strict(bytes)
    }

    /// The fast path of `decode`: the canonical layout only, else nil.
    static func canonicalLayout(_ bytes: [UInt8]) -> Envelope? {
        bytes.withUnsafeBufferPointer { buf -> Envelope? in
            var s = ByteScanner(buf)
            guard let e = s.envelope(), s.atEnd else { return nil }
            return e
        }
    }

    /// The strict path of `decode`: any spelling the profile allows.
    static func strict(_ bytes: [UInt8]) throws(OpRejection) -> Envelope {
        let v: JSONValue
        do { v = try CanonicalJSON.parse(bytes) } catch { throw OpRejection(.malformed, "envelope is not JSON: \(error)") }
        return try Envelope(json: v)
    }

    /// Reads a list of wire envelopes; one that cannot be read becomes its
    /// refusal, in place, so the rest of a batch still applies.
    public static func decodeAll(_ list: [JSONValue]) -> [Result<Envelope, OpRejection>] {
        list.map { item in
            do throws(OpRejection) { return .success(try Envelope(json: item)) } catch { return .failure(error) }
        }
    }
}

extension ByteScanner {
    /// An envelope in its canonical layout, `{"author":"…","body":"…",
    /// "header":"…","sig":"…"}` (body optional), at the cursor (the caller
    /// checks what follows it); nil for anything else, which the strict path
    /// then reads or refuses. It checks what
    /// `Envelope(json:)` checks: a 32-byte author, a 64-byte signature,
    /// canonical base64url everywhere.
    mutating func envelope() -> Envelope? {
        guard take(#"{"author":"#), let a = base64url(), a.count == 32 else { return nil }
        var body: [UInt8]?
        if take(#","body":"#) {
            guard let b = base64url() else { return nil }
            body = b
        }
        guard take(#","header":"#), let h = base64url(),
              take(#","sig":"#), let sig = base64url(), sig.count == 64, take(byte: 125) else { return nil }
        return Envelope(author: a, header: h, sig: sig, body: body)
    }
}
