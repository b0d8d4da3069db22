import Foundation

/// Unicode Normalization Form C checks (PROTOCOL.md §1 rule 4), with a fast
/// path: text made only of code points whose NFC_Quick_Check is Yes and whose
/// canonical combining class is 0 (ASCII, Latin-1, CJK ideographs, CJK and
/// fullwidth punctuation: what clerks type) is NFC without consulting
/// Foundation, which is slow on Linux. Anything else takes the full check.
enum NFC {
    static func isFastPathNFC(_ s: String) -> Bool {
        // ASCII (ids, keys, base64url: most bytes on the wire) is always NFC.
        var s = s
        if s.withUTF8({ $0.allSatisfy { $0 < 0x80 } }) { return true }
        for u in s.unicodeScalars {
            switch u.value {
            case 0..<0x300, 0x2010...0x2027, 0x2030...0x205E, 0x3000...0x3029, 0x3030...0x303F,
                 0x3041...0x3096, 0x30A1...0x30FA, 0x4E00...0x9FFF, 0xFF01...0xFFEF:
                continue
            default:
                return false
            }
        }
        return true
    }

    /// `s` in NFC.
    static func normalize(_ s: String) -> String {
        isFastPathNFC(s) ? s : s.precomposedStringWithCanonicalMapping
    }

    static func isNFC(_ s: String) -> Bool {
        isFastPathNFC(s) || s.precomposedStringWithCanonicalMapping.utf8.elementsEqual(s.utf8)
    }
}
