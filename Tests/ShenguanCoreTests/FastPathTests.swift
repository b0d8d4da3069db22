import Foundation
import Testing
@testable import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// The fast decoders of the ingest and sync paths (`ByteScanner`) against the
/// strict parser they shortcut (PROTOCOL.md §2.5 steps 1, 4–5; §7.3): on
/// canonical inputs and on thousands of mutated ones, a fast path either
/// declines (nil: the strict path decides) or gives exactly the strict
/// path's result. It never accepts what the strict path refuses.
@Suite struct FastPathTests {
    static let interesting: [UInt8] = Array(#" "\01-9Afgz:,}]{[n.é"#.utf8) + [0x00, 0x7F, 0xFF]

    /// One random edit: replace, delete or insert a byte, or repeat a run.
    static func mutate(_ bytes: [UInt8], rng: inout SeededRNG) -> [UInt8] {
        var b = bytes
        guard !b.isEmpty else { return [interesting.randomElement(using: &rng)!] }
        let i = Int.random(in: 0..<b.count, using: &rng)
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: b[i] = interesting.randomElement(using: &rng)!
        case 1: b.remove(at: i)
        case 2: b.insert(interesting.randomElement(using: &rng)!, at: i)
        default: b.insert(contentsOf: b[i..<min(b.count, i + Int.random(in: 1...70, using: &rng))], at: i)
        }
        return b
    }

    static func digest(_ rng: inout SeededRNG) -> Digest {
        SHA256.hash((0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    /// A header tree, mostly valid, sometimes breaking one schema rule.
    static func headerJSON(_ rng: inout SeededRNG, key: PublicKey) -> JSONValue {
        let seq: Int64 = [1, 2, 3, 9_007_199_254_740_991, Int64.random(in: 1...1_000_000, using: &rng)].randomElement(using: &rng)!
        var deps = (0..<Int.random(in: 0...3, using: &rng)).map { _ in digest(&rng) }.sorted()
        if Int.random(in: 0..<8, using: &rng) == 0 { deps.reverse() }
        let ctr: Int64 = [0, 1, HLC.maxCounter, HLC.maxCounter + 1, Int64.random(in: 0...99, using: &rng)].randomElement(using: &rng)!
        // A skip link (§2.1) in half the headers from seq 3 on, and now and then where it is not allowed.
        let skip = (seq >= 3 || Int.random(in: 0..<6, using: &rng) == 0) && Bool.random(using: &rng) ? digest(&rng) : nil
        let h = OpHeader(net: digest(&rng), author: key, seq: seq, prev: seq == 1 ? nil : digest(&rng), skip: skip, deps: deps,
                         clock: HLC(time: Int64.random(in: 0...9_007_199_254_740_991, using: &rng), ctr: ctr),
                         kind: ["note", "roster.admit", "approval.decision", "a", "z_9.x", "Note", "9x"].randomElement(using: &rng)!,
                         bodyHash: digest(&rng))
        var o = h.json.objectValue!
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: o["prev"] = seq == 1 ? .string(digest(&rng).hex) : .null   // prev iff seq > 1, broken
        case 1: o["v"] = .int(2)
        case 2: o["deps"] = .array((0..<65).map { _ in .string(digest(&rng).hex) })
        case 3: o["extra"] = .int(1)
        case 4: if o["skip"] != nil { o["skip"] = [.null, .int(3), .string("AB")].randomElement(using: &rng)! }
        default: break
        }
        return .object(o)
    }

    @Test func headerFastPathAgreesWithTheStrictReader() throws {
        var rng = SeededRNG(seed: 2_605)
        let key = TestNetwork(authors: 1, seed: 3).keys[0].publicKey
        var fastAccepted = 0, mutantsAccepted = 0, strictOnly = 0
        for _ in 0..<600 {
            let canonical = try CanonicalJSON.encode(Self.headerJSON(&rng, key: key))
            for round in 0..<6 {
                // The canonical header, then single edits of it.
                let doc = round == 0 ? canonical : Self.mutate(canonical, rng: &rng)
                let fast = OpHeader(canonical: doc)
                let strict = try? VerifiedOp.strictHeader(doc)
                #expect(fast == nil || fast == strict, "\(String(decoding: doc, as: UTF8.self))")
                if round == 0 {
                    // Every canonical, schema-valid header takes the fast path.
                    #expect((fast != nil) == (strict != nil), "\(String(decoding: doc, as: UTF8.self))")
                    if fast != nil { fastAccepted += 1 }
                } else {
                    if fast != nil { mutantsAccepted += 1 }
                    if fast == nil && strict != nil { strictOnly += 1 }
                }
            }
        }
        // Both outcomes occur: valid headers, and mutants the fast path still reads (edits inside ids).
        // (Seed 2605, with skip links: counts printed by the expectation below on failure.)
        #expect(fastAccepted > 100 && mutantsAccepted > 30, "\(fastAccepted) \(mutantsAccepted)")
        #expect(strictOnly == 0, "a canonical, valid header missed the fast path")
    }

    @Test func envelopeAndPageFastPathsAgreeWithTheStrictReader() throws {
        var rng = SeededRNG(seed: 8_785)
        let keys = TestNetwork(authors: 2, seed: 5).keys
        var envelopes = [Envelope]()
        for i in 0..<40 {
            let op = try OpSigner.sign(key: keys[i % 2], network: Self.digest(&rng), seq: 1, prev: nil, deps: [],
                                       clock: HLC(time: Int64(i), ctr: 0), kind: "note", body: ["text": .string("审管 \(i)")])
            envelopes.append(i % 5 == 0 ? Envelope(author: op.envelope.author, header: op.envelope.header, sig: op.envelope.sig, body: nil) : op.envelope)
        }
        var accepted = 0, refused = 0
        for env in envelopes {
            let canonical = env.encoded()
            #expect(Envelope.canonicalLayout(canonical) == env)
            for _ in 0..<40 {
                let line = Self.mutate(canonical, rng: &rng)
                let fast = Envelope.canonicalLayout(line)
                let strict = try? Envelope.strict(line)
                #expect(fast == nil || fast == strict, "\(String(decoding: line, as: UTF8.self))")
                if strict != nil { accepted += 1 } else { refused += 1 }
            }
        }
        #expect(accepted > 20 && refused > 500, "\(accepted) \(refused)")
        var pagesRead = 0
        for n in 0..<60 {
            let envs = Array(envelopes.shuffled(using: &rng).prefix(n % 4))
            let vector = Dictionary(uniqueKeysWithValues: (0..<(n % 3)).map { ("a\($0)-_", Int64($0 * 7)) })
            // Tips: one per author, two for a forked one (every third page).
            let tips = vector.mapValues { seq in
                (n % 3 == 0 ? [seq, seq + 1] : [seq]).map { SHA256.hash(Array("tip \($0)".utf8)) }.sorted { $0.hex < $1.hex }
            }
            let canonical = try SyncPage.encode(envelopes: envs, cursor: Int64(n * 1_000), more: n % 2 == 0, tips: tips, vector: vector)
            let expected = SyncPage.Decoded(cursor: Int64(n * 1_000), more: n % 2 == 0, ops: envs.map { .success($0) }, tips: tips, vector: vector)
            #expect(SyncPage.canonicalLayout(canonical) == expected)
            #expect(SyncPage.strict(canonical) == expected)
            for _ in 0..<20 {
                let page = Self.mutate(canonical, rng: &rng)
                let fast = SyncPage.canonicalLayout(page)
                #expect(fast == nil || fast == SyncPage.strict(page), "\(String(decoding: page, as: UTF8.self))")
                if fast != nil { pagesRead += 1 }
            }
        }
        #expect(pagesRead > 50, "\(pagesRead)")
    }

    @Test func linesSplitLikeTheStandardLibrary() {
        var rng = SeededRNG(seed: 10)
        for n in 0..<300 {
            let bytes = (0..<(n % 40)).map { _ in [UInt8(10), 65, 66].randomElement(using: &rng)! }
            let expected = bytes.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
            #expect(Lines.ranges(bytes).map { Array(bytes[$0]) } == expected, "\(bytes)")
        }
    }
}
