import ShenguanCalendar
import ShenguanCrypto

/// Reads a workflow body member by member, refusing with `op.invalid_body`
/// and a sentence naming the field (PROTOCOL.md §4).
struct BodyReader {
    let kind: String
    let o: [String: JSONValue]

    init(kind: String, _ body: JSONValue, allowed: Set<String>) throws(OpRejection) {
        self.kind = kind
        guard let o = body.objectValue else { throw OpRejection(.invalidBody, "\(kind): the body must be an object") }
        let extra = Set(o.keys).subtracting(allowed.union(["staff"]))
        guard extra.isEmpty else {
            throw OpRejection(.invalidBody, "\(kind): unknown field \(extra.sorted().joined(separator: ", ")); allowed: \(allowed.sorted().joined(separator: ", "))")
        }
        if o["staff"] != nil, OpKinds.staffRef(body) == nil {
            throw OpRejection(.invalidBody, "\(kind): staff must be a staff registration id (64 hex digits)")
        }
        self.o = o
    }

    func bad(_ field: String, _ what: String) -> OpRejection { OpRejection(.invalidBody, "\(kind): \(field) \(what)") }

    func text(_ f: String, max: Int = 2000, optional: Bool = false) throws(OpRejection) -> String? {
        guard let v = o[f] else {
            if optional { return nil }
            throw bad(f, "is required")
        }
        guard let s = v.stringValue, Self.isText(s, max: max) else {
            throw bad(f, "must be text of 1 to \(max) characters without control characters")
        }
        return s
    }

    /// PROTOCOL.md §4.1 text: 1 to `max` Unicode scalar values (never
    /// grapheme clusters, which depend on Unicode tables), no control
    /// character below U+0020 other than `\n`.
    static func isText(_ s: String, max: Int) -> Bool {
        (1...max).contains(s.unicodeScalars.count) && s.unicodeScalars.allSatisfy { $0.value >= 0x20 || $0 == "\n" }
    }

    func string(_ f: String, max: Int = 2000) throws(OpRejection) -> String { try text(f, max: max)! }

    func oneOf(_ f: String, _ values: [String]) throws(OpRejection) -> String {
        let s = try string(f, max: 64)
        guard values.contains(s) else { throw bad(f, "must be one of \(values.joined(separator: ", ")), not \"\(s)\"") }
        return s
    }

    func id(_ f: String, optional: Bool = false) throws(OpRejection) -> Digest? {
        guard let v = o[f] else {
            if optional { return nil }
            throw bad(f, "is required (an operation id)")
        }
        guard let d = v.stringValue.flatMap({ Digest(hex: $0) }) else { throw bad(f, "must be an operation id (64 hex digits)") }
        return d
    }

    func ids(_ f: String, max: Int = 64) throws(OpRejection) -> [Digest] {
        guard let v = o[f] else { return [] }
        guard let a = v.arrayValue, a.count <= max else { throw bad(f, "must be a list of at most \(max) operation ids") }
        var out = [Digest]()
        for e in a {
            guard let d = e.stringValue.flatMap({ Digest(hex: $0) }) else { throw bad(f, "must hold operation ids (64 hex digits)") }
            out.append(d)
        }
        guard Set(out).count == out.count, out == out.sorted() else { throw bad(f, "must be sorted and without repeats") }
        return out
    }

    func date(_ f: String, optional: Bool = false) throws(OpRejection) -> CivilDate? {
        guard let v = o[f] else {
            if optional { return nil }
            throw bad(f, "is required (YYYY-MM-DD)")
        }
        guard let d = v.stringValue.flatMap({ CivilDate(iso: $0) }) else { throw bad(f, "must be a date YYYY-MM-DD") }
        return d
    }

    func department(_ f: String) throws(OpRejection) -> String {
        let s = try string(f, max: 32)
        guard RosterOps.isValidID(s) else { throw bad(f, "must be a department id ([a-z0-9-], 1 to 32)") }
        return s
    }

    /// A list of 1 to `max` department ids, sorted (code points) and without repeats.
    func departments(_ f: String, max: Int) throws(OpRejection) -> [String] {
        guard let a = o[f]?.arrayValue, (1...max).contains(a.count) else { throw bad(f, "must be a list of 1 to \(max) department ids") }
        var out = [String]()
        for e in a {
            guard let s = e.stringValue, RosterOps.isValidID(s) else { throw bad(f, "must hold department ids ([a-z0-9-], 1 to 32)") }
            out.append(s)
        }
        // Department ids are ASCII, so code-point order is byte order on every platform.
        guard Set(out).count == out.count, out == out.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) else {
            throw bad(f, "must be sorted and without repeats")
        }
        return out
    }

    func creditCode(_ f: String) throws(OpRejection) -> CreditCode {
        let s = try string(f, max: 64)
        if let why = CreditCode.problem(s) { throw bad(f, "is invalid: \(why)") }
        return CreditCode(s)!
    }

    func bool(_ f: String) throws(OpRejection) -> Bool {
        guard let b = o[f]?.boolValue else { throw bad(f, "must be true or false") }
        return b
    }

    func int(_ f: String, in range: ClosedRange<Int64>) throws(OpRejection) -> Int64 {
        guard let i = o[f]?.intValue, range.contains(i) else { throw bad(f, "must be an integer from \(range.lowerBound) to \(range.upperBound)") }
        return i
    }

    func texts(_ f: String, max: Int = 32) throws(OpRejection) -> [String] {
        guard let v = o[f] else { return [] }
        guard let a = v.arrayValue, a.count <= max else { throw bad(f, "must be a list of at most \(max) texts") }
        var out = [String]()
        for e in a {
            guard let s = e.stringValue, Self.isText(s, max: 500) else { throw bad(f, "must hold texts of 1 to 500 characters without control characters") }
            out.append(s)
        }
        return out
    }

    func object(_ f: String, allowed: Set<String>, optional: Bool = false) throws(OpRejection) -> BodyReader? {
        guard let v = o[f] else {
            if optional { return nil }
            throw bad(f, "is required")
        }
        guard let inner = v.objectValue else { throw bad(f, "must be an object") }
        let extra = Set(inner.keys).subtracting(allowed)
        guard extra.isEmpty else { throw bad(f, "has unknown field \(extra.sorted().joined(separator: ", "))") }
        return BodyReader(kind: "\(kind) \(f)", inner)
    }

    private init(kind: String, _ o: [String: JSONValue]) { self.kind = kind; self.o = o }
}
