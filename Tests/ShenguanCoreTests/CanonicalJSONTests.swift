import Foundation
import Testing
@testable import ShenguanCore
import ShenguanTestSupport

/// PROTOCOL.md §1: RFC 8785 serialisation and the strict reader.
@Suite struct CanonicalJSONTests {
    func text(_ v: JSONValue) throws -> String { String(decoding: try CanonicalJSON.encode(v), as: UTF8.self) }

    @Test func rfc8785StringsAndLiterals() throws {
        // RFC 8785 §3.2.2 sample, without its floating-point part.
        let v: JSONValue = ["string": "€$\u{0f}\nA'B\"\\\\\"/", "literals": [nil, true, false]]
        #expect(try text(v) == #"{"literals":[null,true,false],"string":"€$\u000f\nA'B\"\\\\\"/"}"#)
    }

    @Test func membersAreASCIIAndSortByCodeUnits() throws {
        // Rule 3: ASCII names (controls included), sorted by code unit.
        let v: JSONValue = .object(["b": 1, "\r": 2, "B": 3, "1": 4, "": 5, "\u{7f}": 6])
        #expect(try text(v) == "{\"\":5,\"\\r\":2,\"1\":4,\"B\":3,\"b\":1,\"\u{7f}\":6}")
        // Any other name is refused by the writer and the reader: equality of
        // names never depends on Unicode tables (é precomposed or not).
        for name in ["\u{e9}", "e\u{301}", "审", "\u{1f600}", "\u{80}"] {
            #expect(throws: CanonicalJSON.EncodeError.nameNotASCII(name)) { try CanonicalJSON.encode(.object([name: 1])) }
            #expect(throws: CanonicalJSON.ParseError.self) { try CanonicalJSON.parse(Array("{\"\(name)\":1}".utf8)) }
        }
    }

    @Test func controlCharactersEscapeLikeECMAScript() throws {
        #expect(try text(.string("\u{08}\u{09}\u{0a}\u{0c}\u{0d}\u{01}\u{1f}\u{7f}")) == #""\b\t\n\f\r\u0001\u001f"# + "\u{7f}\"")
    }

    /// Rule 4: text is signed exactly as typed, and read back byte for
    /// byte: no normalisation anywhere (Foundation's NFC on Linux is wrong
    /// for these, and Unicode versions differ between platforms).
    @Test func textIsSignedAsTypedAndReadBackByteForByte() throws {
        for typed in ["e\u{301}", "\u{e9}", "\u{d558}\u{11ab}", "\u{230cb}\u{3099}", "A\u{30a}", "\u{1fae8}", "\u{fb33}"] {
            let bytes = try CanonicalJSON.encode(.string(typed))
            #expect(bytes == [34] + Array(typed.utf8) + [34], "\(typed.unicodeScalars.map { String($0.value, radix: 16) })")
            guard case .string(let back) = try CanonicalJSON.parseCanonical(bytes) else { Issue.record("not a string"); continue }
            #expect(back.utf8.elementsEqual(typed.utf8))
        }
    }

    @Test func integersBeyondSafeRangeCannotBeEncoded() {
        #expect(throws: CanonicalJSON.EncodeError.self) { try CanonicalJSON.encode(.int(JSONValue.maxSafeInteger + 1)) }
    }

    @Test(arguments: [
        ("1.5", "floating"), ("1e3", "floating"), ("-0", "-0"), ("01", "leading zero"),
        ("9007199254740992", "beyond"), (#"{"a":1,"a":2}"#, "duplicate"), (#""\ud800""#, "lone surrogate"),
        (#"{"a":1}x"#, "trailing"), ("[1,]", "unexpected"), (#""a"#, "unterminated"),
    ])
    func strictReaderRefuses(input: String, reason: String) {
        #expect {
            try CanonicalJSON.parse(Array(input.utf8))
        } throws: { ($0 as? CanonicalJSON.ParseError)?.reason.contains(reason) == true }
    }

    @Test func strictReaderRefusesInvalidUTF8AcceptsAnyText() throws {
        #expect(throws: CanonicalJSON.ParseError.self) { try CanonicalJSON.parse([34, 0xC3, 0x28, 34]) }
        #expect(try CanonicalJSON.parseCanonical(Array("\"e\u{301}\"".utf8)) == .string("e\u{301}"))
    }

    @Test func canonicalReaderRefusesEveryNonCanonicalSpelling() throws {
        for s in [#"{"b":1,"a":2}"#, #"{ "a":1}"#, #"["\u0041"]"#, #""\/""#, "[1, 2]", "\"\\u00e9\""] {
            #expect(throws: CanonicalJSON.ParseError.self, "\(s)") { try CanonicalJSON.parseCanonical(Array(s.utf8)) }
        }
        #expect(try CanonicalJSON.parseCanonical(Array(#"{"a":[1,-2,"x",null]}"#.utf8)) == ["a": [1, -2, "x", nil]])
    }

    /// The single-pass canonical check equals its definition (parse,
    /// re-encode, compare bytes) on canonical documents and on mutations of
    /// them: inserted whitespace, swapped members, alternative escapes,
    /// uppercase hex, escaped slashes.
    @Test func singlePassCanonicalCheckEqualsReencoding() throws {
        var rng = SeededRNG(seed: 3339)
        let mutations: [(String, String)] = [(",", ", "), (":", " : "), ("{", "{ "), ("]", " ]"), ("/", "\\/"),
                                             ("\\n", "\\u000a"), ("\\u001f", "\\u001F"), ("A", "\\u0041"), ("\\t", "\\u0009"),
                                             ("é", "\\u00e9"), ("\\\"", "\\u0022"), ("\u{7f}", "\\u007f")]
        var accepted = 0, refused = 0
        for n in 0..<2000 {
            let doc = RandomJSON.value(depth: 0, rng: &rng)
            var text = String(decoding: try CanonicalJSON.encode(doc), as: UTF8.self)
            if n % 4 != 0 {
                for (from, to) in mutations.shuffled(using: &rng) {
                    if let r = text.range(of: from) { text.replaceSubrange(r, with: to); break }
                }
            }
            if n % 7 == 1, case .object(let o) = doc, o.count >= 2 {
                // Members in reverse order.
                let keys = o.keys.sorted { CanonicalJSON.utf16Less($1, $0) }
                text = "{" + (try keys.map { String(decoding: try CanonicalJSON.encode(.string($0)), as: UTF8.self) + ":" + String(decoding: try CanonicalJSON.encode(o[$0]!), as: UTF8.self) }.joined(separator: ",")) + "}"
            }
            let bytes = Array(text.utf8)
            let single = Result { () throws(CanonicalJSON.ParseError) in try CanonicalJSON.parseCanonical(bytes) }
            let twice = Result { () throws(CanonicalJSON.ParseError) in try CanonicalJSON.parseCanonicalByReencoding(bytes) }
            #expect((try? single.get()) == (try? twice.get()), "\(text)")
            if case .success = single { accepted += 1 } else { refused += 1 }
        }
        // Both outcomes are exercised, not just one.
        #expect(accepted > 500 && refused > 300, "accepted \(accepted), refused \(refused)")
    }

    @Test func nestingIsLimitedTo64() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try CanonicalJSON.parseCanonical(Array(ok.utf8)) }
        let deep = "[" + ok + "]"
        #expect(throws: CanonicalJSON.ParseError.self) { try CanonicalJSON.parse(Array(deep.utf8)) }
    }

    /// ≥ 1,000 random documents: Swift's bytes must round-trip through its own
    /// strict reader and equal what Python's `rfc8785` produces.
    @Test func randomDocumentsAgreeWithPythonRFC8785() throws {
        var rng = SeededRNG(seed: 8785)
        var lines = [String]()
        for _ in 0..<1500 {
            let bytes = try CanonicalJSON.encode(RandomJSON.value(depth: 0, rng: &rng))
            #expect(try CanonicalJSON.parseCanonical(bytes) == (try CanonicalJSON.parse(bytes)))
            lines.append(String(decoding: bytes, as: UTF8.self))
        }
        let dir = TempDir("jcs"); defer { dir.remove() }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir.file("docs.txt"), atomically: true, encoding: .utf8)
        let r = try Subprocess.python("shenguan_verify.py", ["jcs", dir.file("docs.txt")])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("jcs: 1500 lines agree"))
    }
}

/// Random values of the canonical profile, rich in the awkward cases:
/// astral and combining characters, escapes, extreme integers, deep nesting.
enum RandomJSON {
    static let alphabet: [String] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1f}", "\u{7f}", "\u{80}",
                                     "é", "e\u{301}", "审", "管", "€", "\u{fb33}", "😀", "\u{2028}", "\u{ffff}", "\u{10ffff}"]

    static func string(rng: inout SeededRNG) -> String {
        (0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
    }

    /// Member names are ASCII (PROTOCOL.md §1 rule 3), controls and escapes included.
    static func name(rng: inout SeededRNG) -> String {
        (0..<Int.random(in: 0...6, using: &rng)).map { _ in ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\u{1}", "\u{7f}"].randomElement(using: &rng)! }.joined()
    }

    static func value(depth: Int, rng: inout SeededRNG) -> JSONValue {
        switch Int.random(in: 0..<(depth > 4 ? 5 : 7), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2:
            let edge: [Int64] = [0, -1, 1, JSONValue.maxSafeInteger, -JSONValue.maxSafeInteger, 1 << 31]
            return .int(Bool.random(using: &rng) ? edge.randomElement(using: &rng)! : Int64.random(in: -JSONValue.maxSafeInteger...JSONValue.maxSafeInteger, using: &rng))
        case 3, 4: return .string(string(rng: &rng))
        case 5: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in value(depth: depth + 1, rng: &rng) })
        default:
            var o = [String: JSONValue]()
            for _ in 0..<Int.random(in: 0...5, using: &rng) { o[name(rng: &rng)] = value(depth: depth + 1, rng: &rng) }
            return .object(o)
        }
    }
}

