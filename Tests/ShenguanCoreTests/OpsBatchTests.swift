import Testing
@testable import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// `POST /v1/ops` bodies read one envelope at a time (PROTOCOL.md §7.1): a
/// malformed envelope is refused alone, in place; the others are read.
@Suite struct OpsBatchTests {
    @Test func aMalformedEnvelopeIsRefusedAloneInPlace() throws {
        var net = TestNetwork(authors: 1, seed: 77)
        let a = net.write(0), b = net.write(0)
        let good = [a, b].map { String(decoding: $0.envelope.encoded(), as: UTF8.self) }
        for bad in [#"{"author":1.5}"#, "18446744073709551616", #"{"a":1,"a":2}"#, String(repeating: "[", count: 70) + String(repeating: "]", count: 70),
                    #""a string with ] and , and \" inside""#] {
            let body = "{\"ops\": [\(good[0]), \(bad) ,\n\(good[1])]}"
            let got = try #require(OpsBatch.split(Array(body.utf8)), "\(bad)")
            #expect(got.count == 3)
            #expect((try? got[0].get()) == a.envelope && (try? got[2].get()) == b.envelope, "\(bad)")
            guard case .failure(let why) = got[1] else { Issue.record("accepted \(bad)"); continue }
            #expect(why.code == .malformed || why.code == .notCanonical, "\(bad): \(why)")
        }
        #expect(OpsBatch.split(Array(#"{"ops":[]}"#.utf8))?.isEmpty == true)
        for notABatch in [#"{"ops":[1,2"#, #"{"other":[]}"#, #"[]"#, #"{"ops":[]}x"#, #"{"ops":[1]"#] {
            #expect(OpsBatch.split(Array(notABatch.utf8)) == nil, "\(notABatch)")
        }
    }
}
