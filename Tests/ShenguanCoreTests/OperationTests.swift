import Foundation
import Testing
@testable import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// PROTOCOL.md §2: signing, ids and the verification order.
@Suite struct OperationTests {
    static let net = TestNetwork(authors: 2, seed: 7).network

    func signed(seq: Int64 = 1, prev: Digest? = nil, deps: [Digest] = [], clock: HLC = HLC(time: 1_000, ctr: 0),
                kind: String = "note", body: JSONValue = ["text": "你好"], key: SigningKey? = nil) throws -> VerifiedOp {
        try OpSigner.sign(key: key ?? TestNetwork(authors: 1, seed: 7).keys[0], network: Self.net, seq: seq, prev: prev,
                          deps: deps, clock: clock, kind: kind, body: body)
    }

    func code(_ env: Envelope, network: Digest = OperationTests.net) -> OpCode? {
        do { _ = try VerifiedOp.verify(env, network: network); return nil } catch { return error.code }
    }

    @Test func idIsSHA256OfThePAEBytes() throws {
        let op = try signed()
        let pae = Envelope.pae(op.envelope.header)
        #expect(pae.starts(with: Array("SHENGUANv1 32 application/vnd.shenguan.op+json ".utf8)))
        #expect(op.id == SHA256.hash(pae))
        #expect(try VerifiedOp.verify(op.envelope, network: Self.net) == op)
        // The header is canonical and binds the body through its hash.
        #expect(try CanonicalJSON.parseCanonical(op.envelope.header) == op.header.json)
        #expect(op.header.bodyHash == SHA256.hash(op.envelope.body!))
    }

    @Test func wireEnvelopeRoundTrips() throws {
        let op = try signed()
        #expect(try Envelope.decode(op.envelope.encoded()) == op.envelope)
        // The direct writers equal the generic canonical encoder, with and without a body.
        let erased = Envelope(author: op.envelope.author, header: op.envelope.header, sig: op.envelope.sig, body: nil)
        for env in [op.envelope, erased] { #expect(env.encoded() == (try CanonicalJSON.encode(env.json))) }
        for (cursor, more, vector) in [(Int64(0), false, [String: Int64]()), (12_345, true, ["b": 7, "a": 1, "A-_": 3])] {
            let envs = cursor == 0 ? [] : [op.envelope, erased]
            let tips = vector.mapValues { [SHA256.hash(Array("tip \($0)".utf8))] }
            #expect(try SyncPage.encode(envelopes: envs, cursor: cursor, more: more, tips: tips, vector: vector)
                    == CanonicalJSON.encode(SyncPage.json(envelopes: envs, cursor: cursor, more: more, tips: tips, vector: vector)))
        }
        #expect(throws: OpRejection.self) { try Envelope.decode(Array(#"{"author":"x","header":"","sig":""}"#.utf8)) }
        #expect { try Envelope.decode(Array(#"{"author":"","header":"","sig":"","extra":1}"#.utf8)) } throws: {
            ($0 as? OpRejection)?.code == .malformed
        }
    }

    /// Tampering with any single byte of the header, signature or body is caught.
    @Test func everyFlippedByteIsRejected() throws {
        let env = try signed().envelope
        for i in env.header.indices {
            var h = env.header; h[i] ^= 0x01
            #expect(code(Envelope(author: env.author, header: h, sig: env.sig, body: env.body)) == .badSignature, "header byte \(i)")
        }
        for i in env.sig.indices {
            var s = env.sig; s[i] ^= 0x80
            #expect(code(Envelope(author: env.author, header: env.header, sig: s, body: env.body)) == .badSignature, "sig byte \(i)")
        }
        for i in env.body!.indices {
            var b = env.body!; b[i] ^= 0x01
            #expect(code(Envelope(author: env.author, header: env.header, sig: env.sig, body: b)) == .bodyMismatch, "body byte \(i)")
        }
        for i in env.author.indices {
            var a = env.author; a[i] ^= 0x01
            #expect(code(Envelope(author: a, header: env.header, sig: env.sig, body: env.body)) == .badSignature, "author byte \(i)")
        }
    }

    /// Operations signed correctly but with bad content get their own codes, in
    /// the order of PROTOCOL.md §2.5.
    @Test func verificationOrderAndCodes() throws {
        let key = SigningKey.generate()
        func resign(_ header: [UInt8], body: [UInt8]? = Array(#"{"text":"x"}"#.utf8), author: SigningKey? = nil) -> Envelope {
            let k = author ?? key
            return Envelope(author: k.publicKey.bytes, header: header, sig: k.sign(Envelope.pae(header)), body: body)
        }
        let good = try signed(key: key)
        var h = good.header.json.objectValue!
        func enc(_ o: [String: JSONValue]) -> [UInt8] { try! CanonicalJSON.encode(.object(o)) }
        // Not canonical: a space after the first brace, correctly signed.
        #expect(code(resign([123, 32] + good.envelope.header.dropFirst())) == .notCanonical)
        // A future version is set aside even when its members differ.
        #expect(code(resign(enc(["v": 2, "whatever": true]))) == .unsupportedVersion)
        h["seq"] = 0
        #expect(code(resign(enc(h))) == .malformed)
        h = good.header.json.objectValue!
        h["author"] = .string(SigningKey.generate().publicKey.base64url)
        #expect(code(resign(enc(h))) == .authorMismatch)
        h = good.header.json.objectValue!
        #expect(code(resign(enc(h)), network: SHA256.hash([1])) == .wrongNetwork)
        h["kind"] = "licence.burn"
        #expect(code(resign(enc(h), body: nil)) == .unknownKind)
        let empty = try CanonicalJSON.encode(["text": ""])
        h = good.header.json.objectValue!
        h["bodyHash"] = .string(SHA256.hash(empty).hex)
        #expect(code(resign(enc(h), body: empty)) == .invalidBody)
        let float = Array(#"{"text":1.5}"#.utf8)
        h["bodyHash"] = .string(SHA256.hash(float).hex)
        #expect(code(resign(enc(h), body: float)) == .notCanonical)
        #expect(code(Envelope(author: key.publicKey.bytes, header: [UInt8](repeating: 32, count: 9000), sig: good.envelope.sig, body: nil)) == .tooLarge)
    }

    @Test func erasedBodyStillVerifies() throws {
        let op = try signed()
        let erased = Envelope(author: op.envelope.author, header: op.envelope.header, sig: op.envelope.sig, body: nil)
        let v = try VerifiedOp.verify(erased, network: Self.net)
        #expect(v.id == op.id && v.body == nil)
    }

    @Test func hybridClockNeverRunsBackwards() {
        #expect(HLC.next(now: 5_000, after: []) == HLC(time: 5_000, ctr: 0))
        #expect(HLC.next(now: 5_000, after: [HLC(time: 4_000, ctr: 9)]) == HLC(time: 5_000, ctr: 0))
        // The local clock is behind a dependency: stay after it.
        #expect(HLC.next(now: 5_000, after: [HLC(time: 6_000, ctr: 2), HLC(time: 6_000, ctr: 0)]) == HLC(time: 6_000, ctr: 3))
    }
}
