/// A fragment of HTML. Interpolated strings are escaped; only other `HTML`
/// values are inserted as they are, so text a clerk or a peer typed can
/// never become markup (no cross-site scripting by construction).
public struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var raw: String

    public init(raw: String) { self.raw = raw }
    public init(stringLiteral value: String) { raw = value }
    public init(stringInterpolation: Interpolation) { raw = stringInterpolation.raw }
    public var description: String { raw }

    public static let empty = HTML(raw: "")

    /// `&`, `<`, `>`, `"` and `'` as character references: safe in text and
    /// in quoted attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    public struct Interpolation: StringInterpolationProtocol {
        var raw = ""
        public init(literalCapacity: Int, interpolationCount: Int) { raw.reserveCapacity(literalCapacity * 2) }
        public mutating func appendLiteral(_ literal: String) { raw += literal }
        /// Text: escaped.
        public mutating func appendInterpolation(_ text: String) { raw += HTML.escape(text) }
        public mutating func appendInterpolation(_ text: Substring) { raw += HTML.escape(String(text)) }
        public mutating func appendInterpolation(_ n: Int) { raw += String(n) }
        public mutating func appendInterpolation(_ n: Int64) { raw += String(n) }
        /// Markup built the same way: inserted as is.
        public mutating func appendInterpolation(_ html: HTML) { raw += html.raw }
        public mutating func appendInterpolation(_ list: [HTML]) { for h in list { raw += h.raw } }
        public mutating func appendInterpolation(_ html: HTML?) { if let html { raw += html.raw } }
    }

    public static func + (a: HTML, b: HTML) -> HTML { HTML(raw: a.raw + b.raw) }

    /// `html` when `condition` holds, else nothing.
    public static func when(_ condition: Bool, _ html: @autoclosure () -> HTML) -> HTML { condition ? html() : .empty }
}
