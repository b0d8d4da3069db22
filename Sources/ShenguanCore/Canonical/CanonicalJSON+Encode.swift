import Foundation

/// RFC 8785 (JCS) serialisation for Shenguan's profile (PROTOCOL.md §1).
///
/// `JSONEncoder(.sortedKeys)` is not usable here: it sorts by code point
/// rather than by UTF-16 code units and formats numbers its own way.
public enum CanonicalJSON {
    /// Errors of values that cannot be canonical at all.
    public enum EncodeError: Error, Equatable, CustomStringConvertible {
        case integerOutOfRange(Int64)
        case nameNotASCII(String)
        public var description: String {
            switch self {
            case .integerOutOfRange(let n): "integer \(n) is outside ±(2^53−1)"
            case .nameNotASCII(let s): "member name \"\(s)\" is not ASCII (PROTOCOL.md §1 rule 3)"
            }
        }
    }

    /// The canonical bytes of `value`: every string exactly as given (no
    /// normalisation: a signature covers the text as the clerk typed it,
    /// PROTOCOL.md §1 rule 4); the output is always accepted by `parse`.
    public static func encode(_ value: JSONValue) throws -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256)
        try write(value, into: &out)
        return out
    }

    static func write(_ value: JSONValue, into out: inout [UInt8]) throws {
        switch value {
        case .null: out.append(contentsOf: [110, 117, 108, 108])
        case .bool(let b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case .int(let n):
            guard n >= -JSONValue.maxSafeInteger, n <= JSONValue.maxSafeInteger else {
                throw EncodeError.integerOutOfRange(n)
            }
            out.append(contentsOf: String(n).utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(91)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(44) }
                try write(item, into: &out)
            }
            out.append(93)
        case .object(let members):
            out.append(123)
            // ASCII names (rule 3): byte, code-point and UTF-16 order agree,
            // and two names are equal only when their bytes are.
            for name in members.keys where !name.utf8.allSatisfy({ $0 < 0x80 }) { throw EncodeError.nameNotASCII(name) }
            for (i, name) in members.keys.sorted(by: utf16Less).enumerated() {
                if i > 0 { out.append(44) }
                writeString(name, into: &out)
                out.append(58)
                try write(members[name]!, into: &out)
            }
            out.append(125)
        }
    }

    /// RFC 8785 §3.2.3: member names compare as arrays of UTF-16 code units.
    public static func utf16Less(_ a: String, _ b: String) -> Bool {
        a.utf16.lexicographicallyPrecedes(b.utf16)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// RFC 8785 §3.2.2.2 string escaping (ECMAScript JSON.stringify).
    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(34)
        for b in s.utf8 {
            switch b {
            case 34: out.append(92); out.append(34)
            case 92: out.append(92); out.append(92)
            case 8: out.append(92); out.append(98)
            case 9: out.append(92); out.append(116)
            case 10: out.append(92); out.append(110)
            case 12: out.append(92); out.append(102)
            case 13: out.append(92); out.append(114)
            case 0..<32:
                out.append(contentsOf: [92, 117, 48, 48, hexDigits[Int(b >> 4)], hexDigits[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(34)
    }
}
