import Foundation
import ShenguanReplica

/// A submitted form: `application/x-www-form-urlencoded` or
/// `multipart/form-data` (attachments), parsed strictly and within limits.
public struct Form: Sendable {
    public private(set) var fields: [String: [String]] = [:]
    public private(set) var files: [String: [FileUpload]] = [:]

    public init() {}

    /// The first value of `name`, trimmed; nil when absent or blank.
    public subscript(_ name: String) -> String? {
        guard let v = fields[name]?.first?.trimmingWhitespace, !v.isEmpty else { return nil }
        return v
    }

    /// Every non-blank value of `name` (checkboxes, repeated fields).
    public func all(_ name: String) -> [String] { (fields[name] ?? []).map(\.trimmingWhitespace).filter { !$0.isEmpty } }

    mutating func add(_ name: String, _ value: String) { fields[name, default: []].append(value) }

    /// The refusal of a form the server cannot read.
    static func malformed(_ why: String) -> ReplicaError {
        ReplicaError("web.form_malformed", "The form could not be read (\(why)); reload the page and send it again.",
                     zh: "表单无法读取（\(why)）；请刷新页面后重新提交。")
    }

    /// Parses a urlencoded body (`a=1&b=%E4%B8%AD`, `+` is a space).
    public static func urlencoded(_ bytes: [UInt8]) throws(ReplicaError) -> Form {
        var form = Form()
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = percentDecode(parts[0]), let value = percentDecode(parts.count > 1 ? parts[1] : []) else {
                throw malformed("bad percent-encoding")
            }
            form.add(name, value)
        }
        return form
    }

    /// Percent-decoding with `+` as space; nil on a bad escape or bytes that
    /// are not UTF-8.
    static func percentDecode(_ s: ArraySlice<UInt8>) -> String? {
        var out = [UInt8](), i = s.startIndex
        out.reserveCapacity(s.count)
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 65...70: c - 55
            case 97...102: c - 87
            default: nil
            }
        }
        while i < s.endIndex {
            let c = s[i]
            if c == UInt8(ascii: "+") { out.append(32); i += 1 } else if c == UInt8(ascii: "%") {
                guard i + 2 < s.endIndex, let h = hex(s[i + 1]), let l = hex(s[i + 2]) else { return nil }
                out.append(h << 4 | l); i += 3
            } else { out.append(c); i += 1 }
        }
        return String(validating: out, as: UTF8.self)
    }

    /// Parses a `multipart/form-data` body (RFC 7578) with `boundary`.
    /// Parts with a `filename` are files (an empty file input is skipped).
    public static func multipart(_ body: [UInt8], boundary: String) throws(ReplicaError) -> Form {
        guard !boundary.isEmpty, boundary.utf8.count <= 70 else { throw malformed("bad boundary") }
        let delimiter = Array("--\(boundary)".utf8), crlf: [UInt8] = [13, 10]
        var form = Form()
        guard var at = find(delimiter, in: body, from: 0) else { throw malformed("no parts") }
        while true {
            at += delimiter.count
            if body.count >= at + 2, body[at] == 45, body[at + 1] == 45 { return form }   // "--": the end
            guard body.count >= at + 2, Array(body[at..<at + 2]) == crlf else { throw malformed("bad part delimiter") }
            at += 2
            guard let headEnd = find(crlf + crlf, in: body, from: at) else { throw malformed("part without headers") }
            guard let head = String(validating: body[at..<headEnd], as: UTF8.self) else { throw malformed("headers not UTF-8") }
            let contentStart = headEnd + 4
            guard let next = find(crlf + delimiter, in: body, from: contentStart) else { throw malformed("unterminated part") }
            let content = Array(body[contentStart..<next])
            var name: String?, filename: String?
            for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                name = parameter("name", in: String(line)); filename = parameter("filename", in: String(line))
            }
            guard let name else { throw malformed("part without a name") }
            if let filename {
                if !filename.isEmpty || !content.isEmpty {
                    // Only the last path component: browsers on some systems send a full path.
                    let base = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? "file"
                    form.files[name, default: []].append(FileUpload(name: base, bytes: content))
                }
            } else {
                guard let value = String(validating: content, as: UTF8.self) else { throw malformed("field \(name) not UTF-8") }
                form.add(name, value)
            }
            at = next + 2
        }
    }

    /// `name="value"` in a Content-Disposition line (quoted form only, as
    /// browsers send it; `%22` is a quote in a file name).
    static func parameter(_ key: String, in line: String) -> String? {
        for piece in line.split(separator: ";") {
            let p = piece.trimmingWhitespace
            guard p.hasPrefix(key + "=\"") && p.hasSuffix("\"") && p.count >= key.count + 3 else { continue }
            return String(p.dropFirst(key.count + 2).dropLast()).replacingOccurrences(of: "%22", with: "\"")
        }
        return nil
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count else { return nil }
        var i = from
        let last = hay.count - needle.count, first = needle[0]
        while i <= last {
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}

extension StringProtocol {
    var trimmingWhitespace: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
