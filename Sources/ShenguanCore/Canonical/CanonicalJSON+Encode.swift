import Foundation

/// RFC 8785 (JCS) serialisation for Shenguan's profile (PROTOCOL.md §1).
///
/// `JSONEncoder(.sortedKeys)` is not usable here: it sorts by code point
/// rather than by UTF-16 code units and formats numbers its own way.
public enum CanonicalJSON {
    /// Errors of values that cannot be canonical at all.
    public enum EncodeError: Error, Equatable, CustomStringConvertible {
        case integerOutOfRange(Int64)
        public var description: String {
            switch self {
            case .integerOutOfRange(let n): "integer \(n) is outside ±(2^53−1)"
            }
        }
    }

    /// The canonical bytes of `value`. Strings are normalised to NFC first, so
    /// the output is always accepted by `parse` (PROTOCOL.md §1 rule 4).
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
        case .string(let s): writeString(nfc(s), into: &out)
        case .array(let items):
            out.append(91)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(44) }
                try write(item, into: &out)
            }
            out.append(93)
        case .object(let members):
            out.append(123)
            let keys = members.keys.map { (nfc($0), $0) }.sorted { utf16Less($0.0, $1.0) }
            for (i, (name, original)) in keys.enumerated() {
                if i > 0 { out.append(44) }
                writeString(name, into: &out)
                out.append(58)
                try write(members[original]!, into: &out)
            }
            out.append(125)
        }
    }

    /// RFC 8785 §3.2.3: member names compare as arrays of UTF-16 code units.
    public static func utf16Less(_ a: String, _ b: String) -> Bool {
        a.utf16.lexicographicallyPrecedes(b.utf16)
    }

    static func nfc(_ s: String) -> String { NFC.normalize(s) }

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
