import ShenguanCrypto

/// The answer to `POST /v1/sync` (PROTOCOL.md §7.3): a page of operations the
/// caller lacks, the cursor to continue from, and the server's version vector.
///
/// Written straight into bytes: the members are always cursor < more < ops <
/// tips < vector and each envelope is already canonical (`Envelope.encode(into:)`),
/// so the result equals `CanonicalJSON.encode` of the same tree (tested)
/// without building one for a page of thousands of operations.
public enum SyncPage {
    public static func encode(envelopes: [Envelope], cursor: Int64, more: Bool, tips: [String: [Digest]], vector: [String: Int64]) throws -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256 + envelopes.reduce(0) { $0 + ($1.header.count + $1.sig.count + ($1.body?.count ?? 0) + 32) * 4 / 3 + 40 })
        out.append(contentsOf: #"{"cursor":"#.utf8)
        out.append(contentsOf: try CanonicalJSON.encode(.int(cursor)))
        out.append(contentsOf: (more ? #","more":true,"ops":["# : #","more":false,"ops":["#).utf8)
        for (i, e) in envelopes.enumerated() {
            if i > 0 { out.append(44) }
            e.encode(into: &out)
        }
        out.append(contentsOf: #"],"tips":"#.utf8)
        out.append(contentsOf: try CanonicalJSON.encode(ChainTips.json(tips)))
        out.append(contentsOf: #","vector":"#.utf8)
        out.append(contentsOf: try CanonicalJSON.encode(.object(vector.mapValues { .int($0) })))
        out.append(125)
        return out
    }

    /// The same page as a JSON tree (what `encode` must equal).
    public static func json(envelopes: [Envelope], cursor: Int64, more: Bool, tips: [String: [Digest]], vector: [String: Int64]) -> JSONValue {
        ["ops": .array(envelopes.map(\.json)), "cursor": .int(cursor), "more": .bool(more), "tips": ChainTips.json(tips),
         "vector": .object(vector.mapValues { .int($0) })]
    }
}

extension SyncPage {
    /// A page as the client reads it.
    public struct Decoded: Equatable, Sendable {
        public var cursor: Int64
        public var more: Bool
        /// Each envelope, or the refusal of one that could not be read (in place).
        public var ops: [Result<Envelope, OpRejection>]
        /// The server's tips per author (nil: a server that does not send them).
        public var tips: [String: [Digest]]? = nil
        public var vector: [String: Int64]
    }

    /// Reads a page: the layout `encode` writes is read directly, one
    /// envelope at a time with no JSON tree for the page (`ByteScanner`);
    /// any other spelling goes through the strict parser (`strict`), with
    /// the same result (property-tested). nil if the bytes are not JSON.
    public static func decode(_ bytes: [UInt8]) -> Decoded? {
        if let page = canonicalLayout(bytes) { return page }
        return strict(bytes)
    }

    /// The fast path of `decode`, else nil.
    static func canonicalLayout(_ bytes: [UInt8]) -> Decoded? {
        bytes.withUnsafeBufferPointer { buf -> Decoded? in
            var s = ByteScanner(buf)
            guard s.take(#"{"cursor":"#), let cursor = s.natural(), s.take(#","more":"#) else { return nil }
            let more: Bool
            if s.take("true") { more = true } else if s.take("false") { more = false } else { return nil }
            guard s.take(#","ops":["#) else { return nil }
            var ops = [Result<Envelope, OpRejection>]()
            if !s.take(byte: 93) {
                repeat {
                    guard let e = s.envelope() else { return nil }
                    ops.append(.success(e))
                } while s.take(byte: 44)
                guard s.take(byte: 93) else { return nil }
            }
            // The rest (tips and vector, small) through the strict parser.
            guard s.take(byte: 44), buf.count > s.i, buf[buf.count - 1] == 125,
                  let v = try? CanonicalJSON.parse([123] + Array(buf[s.i..<buf.count])), let o = v.objectValue,
                  Set(o.keys).isSubset(of: ["tips", "vector"]), let vector = o["vector"]?.objectValue else { return nil }
            let tips = (try? ChainTips.parse(o["tips"])) ?? nil
            return Decoded(cursor: cursor, more: more, ops: ops, tips: tips, vector: vector.compactMapValues(\.intValue))
        }
    }

    /// The strict path of `decode`: a JSON tree, then each member.
    static func strict(_ bytes: [UInt8]) -> Decoded? {
        guard let v = try? CanonicalJSON.parse(bytes) else { return nil }
        return Decoded(cursor: v["cursor"]?.intValue ?? 0, more: v["more"]?.boolValue == true,
                       ops: Envelope.decodeAll(v["ops"]?.arrayValue ?? []),
                       tips: (try? ChainTips.parse(v["tips"])) ?? nil,
                       vector: (v["vector"]?.objectValue ?? [:]).compactMapValues(\.intValue))
    }
}
