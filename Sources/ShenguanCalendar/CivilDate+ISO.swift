// CivilDate+ISO: the ISO 8601 calendar-date form "YYYY-MM-DD" for printing,
// parsing and Codable. Hand-written on UTF-8 bytes: no Foundation formatter
// (whose behaviour depends on locale and time zone) is involved.

extension CivilDate: CustomStringConvertible {
    /// Parses an ISO 8601 calendar date in extended form, `YYYY-MM-DD`
    /// (exactly four year digits, two month digits, two day digits), e.g.
    /// `"2026-10-09"`. Returns `nil` for any other shape, for dates that
    /// do not exist (`"2026-02-29"`) and for the year 0000 (PROTOCOL.md
    /// §4.1: years 0001 to 9999, as every verifier's date type reads them).
    public init?(iso: String) {
        let b = Array(iso.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y = ASCIIDigits.value(b, 0, 4),
              let m = ASCIIDigits.value(b, 5, 2),
              let d = ASCIIDigits.value(b, 8, 2), y >= 1
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The ISO 8601 form `YYYY-MM-DD`, e.g. `"2026-10-09"`. Years outside
    /// 0...9999 get a sign and at least four digits (ISO 8601 expanded form),
    /// e.g. `"-0001-03-01"`, `"+10000-01-01"`.
    public var description: String {
        let yearText: String
        if (0...9999).contains(year) {
            yearText = ASCIIDigits.padded(year, width: 4)
        } else {
            yearText = (year < 0 ? "-" : "+") + ASCIIDigits.padded(abs(year), width: 4)
        }
        return yearText + "-" + ASCIIDigits.padded(month, width: 2)
            + "-" + ASCIIDigits.padded(day, width: 2)
    }

    /// Same as ``description``: the `YYYY-MM-DD` form.
    public var iso: String { description }
}

extension CivilDate: Codable {
    /// Decodes from a single `YYYY-MM-DD` string; any other value is a
    /// `DecodingError.dataCorrupted` naming the offending text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CivilDate(iso: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "Expected an ISO date YYYY-MM-DD, got \"\(text)\"")
        }
        self = date
    }

    /// Encodes as a single `YYYY-MM-DD` string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Small ASCII helpers shared by the date and instant parsers/printers.
enum ASCIIDigits {
    /// The decimal value of `count` ASCII digits of `bytes` starting at
    /// `start`, or `nil` if any of them is not a digit or the range is out of
    /// bounds.
    static func value(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start >= 0, count > 0, start + count <= bytes.count else { return nil }
        var v = 0
        for i in start..<(start + count) {
            let c = bytes[i]
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            v = v * 10 + Int(c - UInt8(ascii: "0"))
        }
        return v
    }

    /// `n` (non-negative) in decimal, left-padded with zeros to `width`.
    static func padded<T: BinaryInteger>(_ n: T, width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
