import ShenguanCrypto

extension OpHeader {
    /// The fast path of step 5 (PROTOCOL.md §2.5): reads a header written in
    /// its one canonical layout straight from the bytes, without a JSON tree:
    ///
    ///     {"author":"…","bodyHash":"…","ctr":N,"deps":["…",…],"kind":"…",
    ///      "net":"…","prev":null|"…","seq":N[,"skip":"…"],"time":N,"v":1}
    ///
    /// nil for anything else, including every header the strict path would
    /// refuse; the caller then runs `CanonicalJSON.parseCanonical` and
    /// `OpHeader(json:)`, which give the precise refusal. Where this accepts,
    /// it yields the same header as the strict path (property-tested).
    public init?(canonical bytes: [UInt8]) {
        guard let h = bytes.withUnsafeBufferPointer({ buf -> OpHeader? in
            var s = ByteScanner(buf)
            return s.header()
        }) else { return nil }
        self = h
    }
}

extension ByteScanner {
    /// See `OpHeader(canonical:)`; requires the header to fill the buffer.
    mutating func header() -> OpHeader? {
        guard take(#"{"author":"#), let a = base64url(), let author = PublicKey(bytes: a),
              take(#","bodyHash":"#), let bodyHash = digest(),
              take(#","ctr":"#), let ctr = natural(), ctr <= HLC.maxCounter,
              take(#","deps":["#) else { return nil }
        var deps = [Digest]()
        if !take(byte: 93) {
            repeat {
                guard let d = digest(), deps.last.map({ $0 < d }) ?? true else { return nil }
                deps.append(d)
            } while take(byte: 44)
            guard take(byte: 93), deps.count <= OpHeader.maxDeps else { return nil }
        }
        guard take(#","kind":"#),
              let k = string(),
              take(#","net":"#), let net = digest(),
              take(#","prev":"#) else { return nil }
        var prev: Digest?
        if !take("null") {
            guard let p = digest() else { return nil }
            prev = p
        }
        guard take(#","seq":"#), let seq = natural(), seq >= 1, (seq == 1) == (prev == nil) else { return nil }
        var skip: Digest?
        if take(#","skip":"#) {
            guard seq >= 3, let d = digest() else { return nil }
            skip = d
        }
        guard take(#","time":"#), let time = natural(),
              take(#","v":1}"#), atEnd else { return nil }
        let kind = String(decoding: k, as: UTF8.self)
        guard OpHeader.isValidKind(kind) else { return nil }
        return OpHeader(net: net, author: author, seq: seq, prev: prev, skip: skip, deps: deps,
                        clock: HLC(time: time, ctr: ctr), kind: kind, bodyHash: bodyHash)
    }
}
