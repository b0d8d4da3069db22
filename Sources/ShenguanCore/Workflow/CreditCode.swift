/// The 18-character unified social credit code (统一社会信用代码,
/// GB 32100-2015) that links approvals and supervision records to one
/// subject (RULES.md R1, R8).
public struct CreditCode: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    /// GB 32100-2015 alphabet: digits and 21 capitals (no I, O, Z, S, V).
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    /// Weight of positions 1–17 (3^(i−1) mod 31).
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// Why `s` is not a valid code, in a sentence a clerk can act on (nil: valid).
    public static func problem(_ s: String) -> String? {
        let chars = Array(s)
        guard chars.count == 18 else {
            return "a unified social credit code has 18 characters, \"\(s)\" has \(chars.count)"
        }
        var values = [Int]()
        for (i, c) in chars.enumerated() {
            guard let v = alphabet.firstIndex(of: c) else {
                return "character \(i + 1) of \"\(s)\" (\(c)) is not allowed in a credit code (digits and capitals except I, O, Z, S, V)"
            }
            values.append(v)
        }
        let expected = check(values)
        guard values[17] == expected else {
            return "check character of \"\(s)\" should be \(alphabet[expected]), not \(chars[17]): a character was mistyped (GB 32100-2015)"
        }
        return nil
    }

    /// The check character's value for the first 17 character values.
    static func check(_ values: [Int]) -> Int {
        let sum = zip(values.prefix(17), weights).reduce(0) { $0 + $1.0 * $1.1 }
        let c = 31 - sum % 31
        return c == 31 ? 0 : c
    }

    /// Completes 17 characters with their check character (for test data and demos).
    public static func withCheck(_ first17: String) -> String? {
        let chars = Array(first17)
        guard chars.count == 17 else { return nil }
        let values = chars.compactMap { alphabet.firstIndex(of: $0) }
        guard values.count == 17 else { return nil }
        return first17 + String(alphabet[check(values)])
    }

    public init?(_ s: String) {
        guard Self.problem(s) == nil else { return nil }
        value = s
    }

    public var description: String { value }
}
