/// The body of `POST /v1/ops`, `{"ops":[envelope, …]}`, read one envelope
/// at a time (PROTOCOL.md §7.1): an envelope that is not valid JSON (a
/// float, 2^64, a duplicate member, 70 levels of nesting) is refused alone
/// with `op.malformed` and the others still apply. The elements are found
/// by an iterative scan (strings and nesting tracked, no recursion), then
/// each is read by the envelope reader.
public enum OpsBatch {
    /// The envelopes of the batch (or each one's refusal, in place); nil
    /// when the body is not `{"ops":[…]}` at all.
    public static func split(_ bytes: [UInt8]) -> [Result<Envelope, OpRejection>]? {
        var i = 0
        func ws() { while i < bytes.count, [9, 10, 13, 32].contains(bytes[i]) { i += 1 } }
        func take(_ s: String) -> Bool {
            let u = Array(s.utf8)
            guard i + u.count <= bytes.count, Array(bytes[i..<(i + u.count)]) == u else { return false }
            i += u.count
            return true
        }
        ws()
        guard take("{") else { return nil }
        ws()
        guard take(#""ops""#) else { return nil }
        ws()
        guard take(":") else { return nil }
        ws()
        guard take("[") else { return nil }
        var out = [Result<Envelope, OpRejection>]()
        ws()
        if take("]") {
            ws(); guard take("}") else { return nil }
            ws(); return i == bytes.count ? out : nil
        }
        while true {
            ws()
            let start = i
            // To the end of this element: a comma or bracket outside strings at depth 0.
            var depth = 0, inString = false, escaped = false
            while i < bytes.count {
                let b = bytes[i]
                if inString {
                    if escaped { escaped = false } else if b == 92 { escaped = true } else if b == 34 { inString = false }
                } else if b == 34 { inString = true
                } else if b == 123 || b == 91 { depth += 1
                } else if b == 125 || b == 93 {
                    if depth == 0 { break }
                    depth -= 1
                } else if b == 44, depth == 0 { break }
                i += 1
            }
            guard i < bytes.count else { return nil }
            var end = i
            while end > start, [9, 10, 13, 32].contains(bytes[end - 1]) { end -= 1 }
            do throws(OpRejection) { out.append(.success(try Envelope.decode(Array(bytes[start..<end])))) } catch { out.append(.failure(error)) }
            if bytes[i] == 44 { i += 1; continue }
            guard bytes[i] == 93 else { return nil }
            i += 1
            ws(); guard take("}") else { return nil }
            ws(); return i == bytes.count ? out : nil
        }
    }
}
