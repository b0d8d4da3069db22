import Foundation
/// The strict reader of PROTOCOL.md §1: it refuses floats, integers beyond
/// ±(2^53−1), member names that are not ASCII or not unique, invalid UTF-8,
/// lone surrogates, nesting deeper than 64, and (`parseCanonical`) any input
/// that is not already byte-identical to its canonical serialisation. It
/// consults no Unicode table: strings are taken as they are.
extension CanonicalJSON {
    /// Why a text was refused, with the byte offset where it went wrong.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// Parses `bytes` strictly and requires them to be canonical.
    public static func parseCanonical(_ bytes: [UInt8]) throws(ParseError) -> JSONValue {
        try parse(bytes, canonical: true)
    }

    /// Parses `bytes` strictly (profile rules), without the byte-identity check.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSONValue {
        try parse(bytes, canonical: false)
    }

    /// With `canonical`, the parser also refuses, in the same single pass,
    /// every spelling RFC 8785 would not write: whitespace outside strings,
    /// members out of UTF-16 order, escapes other than the ones JCS emits.
    /// That is exactly "re-encoding gives the same bytes" (tested against the
    /// re-encoding definition on mutated documents), without a second pass.
    static func parse(_ bytes: [UInt8], canonical: Bool) throws(ParseError) -> JSONValue {
        var p = StrictParser(bytes: bytes, canonical: canonical)
        let v = try p.value(depth: 0)
        try p.skipWhitespace()
        guard p.i == bytes.count else { throw p.fail("trailing bytes after the JSON value") }
        return v
    }

    /// The definition `parseCanonical` implements: parse, re-encode, compare.
    static func parseCanonicalByReencoding(_ bytes: [UInt8]) throws(ParseError) -> JSONValue {
        let value = try parse(bytes)
        let again: [UInt8]
        do { again = try encode(value) } catch { throw ParseError(offset: 0, reason: "\(error)") }
        if again != bytes {
            let at = zip(again, bytes).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset ?? min(again.count, bytes.count)
            throw ParseError(offset: at, reason: notCanonical)
        }
        return value
    }

    static let notCanonical = "not in canonical form (RFC 8785: member order, escaping or whitespace)"
}

struct StrictParser {
    let bytes: [UInt8]
    /// Refuse any spelling JCS would not write (see `CanonicalJSON.parse(_:canonical:)`).
    let canonical: Bool
    var i = 0
    static let maxDepth = 64

    init(bytes: [UInt8], canonical: Bool = false) { self.bytes = bytes; self.canonical = canonical }

    func fail(_ reason: String) -> CanonicalJSON.ParseError { .init(offset: i, reason: reason) }
    func notCanonical(_ what: String) -> CanonicalJSON.ParseError { .init(offset: i, reason: "\(what): \(CanonicalJSON.notCanonical)") }

    mutating func skipWhitespace() throws(CanonicalJSON.ParseError) {
        guard i < bytes.count, bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 10 || bytes[i] == 13 else { return }
        if canonical { throw notCanonical("whitespace outside a string") }
        while i < bytes.count, [9, 10, 13, 32].contains(bytes[i]) { i += 1 }
    }

    mutating func value(depth: Int) throws(CanonicalJSON.ParseError) -> JSONValue {
        try skipWhitespace()
        guard i < bytes.count else { throw fail("unexpected end of input") }
        if bytes[i] == 123 || bytes[i] == 91, depth >= Self.maxDepth {
            throw fail("more than \(Self.maxDepth) arrays or objects nested")
        }
        switch bytes[i] {
        case 123: return try object(depth: depth)
        case 91: return try array(depth: depth)
        case 34: return .string(try string())
        case 116: try literal("true"); return .bool(true)
        case 102: try literal("false"); return .bool(false)
        case 110: try literal("null"); return .null
        case 45, 48...57: return .int(try integer())
        default: throw fail("unexpected character")
        }
    }

    mutating func literal(_ word: String) throws(CanonicalJSON.ParseError) {
        for b in word.utf8 {
            guard i < bytes.count, bytes[i] == b else { throw fail("invalid literal") }
            i += 1
        }
    }

    mutating func integer() throws(CanonicalJSON.ParseError) -> Int64 {
        let start = i
        var negative = false
        if bytes[i] == 45 { negative = true; i += 1 }
        guard i < bytes.count, (48...57).contains(bytes[i]) else { throw fail("invalid number") }
        if bytes[i] == 48, i + 1 < bytes.count, (48...57).contains(bytes[i + 1]) {
            throw fail("leading zero in number")
        }
        var n: Int64 = 0
        while i < bytes.count, (48...57).contains(bytes[i]) {
            n = n * 10 + Int64(bytes[i] - 48)
            guard n <= JSONValue.maxSafeInteger else { i = start; throw fail("integer beyond ±(2^53−1)") }
            i += 1
        }
        if i < bytes.count, [46, 101, 69].contains(bytes[i]) { i = start; throw fail("floating-point numbers are not allowed") }
        if negative && n == 0 { i = start; throw fail("-0 is not allowed") }
        return negative ? -n : n
    }

    mutating func array(depth: Int) throws(CanonicalJSON.ParseError) -> JSONValue {
        i += 1
        var items = [JSONValue]()
        try skipWhitespace()
        if i < bytes.count, bytes[i] == 93 { i += 1; return .array(items) }
        while true {
            items.append(try value(depth: depth + 1))
            try skipWhitespace()
            guard i < bytes.count else { throw fail("unexpected end of input in array") }
            if bytes[i] == 44 { i += 1; continue }
            if bytes[i] == 93 { i += 1; return .array(items) }
            throw fail("expected , or ] in array")
        }
    }

    mutating func object(depth: Int) throws(CanonicalJSON.ParseError) -> JSONValue {
        i += 1
        var members = [String: JSONValue]()
        var previous: String?
        try skipWhitespace()
        if i < bytes.count, bytes[i] == 125 { i += 1; return .object(members) }
        while true {
            try skipWhitespace()
            guard i < bytes.count, bytes[i] == 34 else { throw fail("expected a member name") }
            let at = i
            let name = try string()
            // Rule 3: ASCII names, so equality and order are those of the bytes.
            guard name.utf8.allSatisfy({ $0 < 0x80 }) else { i = at; throw fail("member name is not ASCII") }
            if canonical, let previous, !CanonicalJSON.utf16Less(previous, name), previous != name {
                i = at; throw notCanonical("member \"\(name)\" after \"\(previous)\"")
            }
            previous = name
            try skipWhitespace()
            guard i < bytes.count, bytes[i] == 58 else { throw fail("expected : after member name") }
            i += 1
            let v = try value(depth: depth + 1)
            guard members.updateValue(v, forKey: name) == nil else {
                i = at; throw fail("duplicate member name \"\(name)\"")
            }
            try skipWhitespace()
            guard i < bytes.count else { throw fail("unexpected end of input in object") }
            if bytes[i] == 44 { i += 1; continue }
            if bytes[i] == 125 { i += 1; return .object(members) }
            throw fail("expected , or } in object")
        }
    }

    mutating func string() throws(CanonicalJSON.ParseError) -> String {
        let start = i
        i += 1
        var out = [UInt8]()
        while true {
            guard i < bytes.count else { throw fail("unterminated string") }
            let b = bytes[i]
            if b == 34 { i += 1; break }
            if b < 0x20 { throw fail("unescaped control character in string") }
            if b != 92 { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { throw fail("unterminated escape") }
            let e = bytes[i]; i += 1
            switch e {
            case 34: out.append(34)
            case 92: out.append(92)
            case 47:
                if canonical { i -= 2; throw notCanonical("escaped /") }
                out.append(47)
            case 98: out.append(8)
            case 102: out.append(12)
            case 110: out.append(10)
            case 114: out.append(13)
            case 116: out.append(9)
            case 117:
                let escapeAt = i - 2
                var cp = try hex4()
                // JCS writes \u00xx (lowercase) only for controls without a short escape.
                if canonical, cp >= 0x20 || [8, 9, 10, 12, 13].contains(cp) || bytes[(i - 4)..<i].contains(where: { (65...70).contains($0) }) {
                    i = escapeAt; throw notCanonical("\\u escape where RFC 8785 writes the character or a short escape")
                }
                if (0xD800...0xDBFF).contains(cp) {
                    guard i + 1 < bytes.count, bytes[i] == 92, bytes[i + 1] == 117 else { throw fail("lone surrogate in string") }
                    i += 2
                    let lo = try hex4()
                    guard (0xDC00...0xDFFF).contains(lo) else { throw fail("lone surrogate in string") }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(cp) {
                    throw fail("lone surrogate in string")
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(cp)!)).utf8)
            default: throw fail("invalid escape")
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { i = start; throw fail("invalid UTF-8 in string") }
        return s
    }

    mutating func hex4() throws(CanonicalJSON.ParseError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 97...102: d = UInt32(c - 87)
            case 65...70: d = UInt32(c - 55)
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | d; i += 1
        }
        return v
    }
}
