import ShenguanCrypto

/// The answer to `POST /v1/sync` (PROTOCOL.md §7.3): a page of operations the
/// caller lacks, the cursor to continue from, and the server's version vector.
///
/// Written straight into bytes: the members are always cursor < more < ops <
/// vector and each envelope is already canonical (`Envelope.encode(into:)`),
/// so the result equals `CanonicalJSON.encode` of the same tree (tested)
/// without building one for a page of thousands of operations.
public enum SyncPage {
    public static func encode(envelopes: [Envelope], cursor: Int64, more: Bool, vector: [String: Int64]) throws -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256 + envelopes.reduce(0) { $0 + ($1.header.count + $1.sig.count + ($1.body?.count ?? 0) + 32) * 4 / 3 + 40 })
        out.append(contentsOf: #"{"cursor":"#.utf8)
        out.append(contentsOf: try CanonicalJSON.encode(.int(cursor)))
        out.append(contentsOf: (more ? #","more":true,"ops":["# : #","more":false,"ops":["#).utf8)
        for (i, e) in envelopes.enumerated() {
            if i > 0 { out.append(44) }
            e.encode(into: &out)
        }
        out.append(contentsOf: #"],"vector":"#.utf8)
        out.append(contentsOf: try CanonicalJSON.encode(.object(vector.mapValues { .int($0) })))
        out.append(125)
        return out
    }

    /// The same page as a JSON tree (what `encode` must equal).
    public static func json(envelopes: [Envelope], cursor: Int64, more: Bool, vector: [String: Int64]) -> JSONValue {
        ["ops": .array(envelopes.map(\.json)), "cursor": .int(cursor), "more": .bool(more),
         "vector": .object(vector.mapValues { .int($0) })]
    }
}
