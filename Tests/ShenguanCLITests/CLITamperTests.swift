import Foundation
import Testing
import ShenguanTestSupport

/// Tampered export files: the independent Python verifier and `shenguan
/// import` refuse the same line with the same code, and import still applies
/// every other line.
@Suite struct CLITamperTests {
    enum Tamper: String, CaseIterable, CustomTestStringConvertible {
        case headerByte, bodyByte, otherSig, otherAuthor
        var testDescription: String { rawValue }
        var code: String { self == .bodyByte ? "op.body_mismatch" : "op.bad_signature" }

        /// Alters the envelope `f`; `other` is another operation's envelope.
        func apply(_ f: inout [String: String], other: [String: String]) throws {
            switch self {
            case .headerByte:
                var h = try #require(B64U.decode(f["header"]!))
                h[h.count / 2] ^= 0x04
                f["header"] = B64U.encode(h)
            case .bodyByte:
                let body = try #require(f["body"])
                var b = try #require(B64U.decode(body))
                b[b.count - 3] ^= 0x01  // inside the note's text
                f["body"] = B64U.encode(b)
            case .otherSig: f["sig"] = other["sig"]
            case .otherAuthor: f["author"] = other["author"]
            }
        }
    }

    /// Which line is altered: the last (nothing depends on it) or the first
    /// note (every later operation waits for it).
    enum Position: String, CaseIterable { case last, first }

    @Test(arguments: Tamper.allCases)
    func tamperedLineIsRefusedAlikeByBothVerifiers(_ t: Tamper) throws {
        let dir = TempDir("cli-tamper"); defer { dir.remove() }
        let src = try TwoAuthors(in: dir)
        #expect(try PyReport(src.export).summary == "verify-py: \(src.count) ok, 0 rejected, 0 equivocations, 0 external refs")
        for pos in Position.allCases { try check(t, pos, src: src, dir: dir) }
    }

    func check(_ t: Tamper, _ pos: Position, src: TwoAuthors, dir: TempDir) throws {
        var file = try ExportFile(path: src.export)
        let index = pos == .last ? file.ops.count - 1 : try #require(try file.ops.firstIndex { try headerJSON($0)["kind"] as? String == "note" })
        let otherAuthorsLine = try #require(try file.ops.first { try ExportFile.fields($0)["author"] != ExportFile.fields(file.ops[index])["author"] })
        var f = try ExportFile.fields(file.ops[index])
        try t.apply(&f, other: try ExportFile.fields(otherAuthorsLine))
        file.ops[index] = ExportFile.line(f)
        let tampered = dir.file("tampered-\(pos).jsonl")
        try file.write(to: tampered)
        let expected = [Rejected(line: index + 2, code: t.code)]

        let py = try PyReport(tampered)
        #expect(py.status == 1, "\(pos)")
        #expect(py.rejected == expected, "\(pos)")
        #expect(py.ok == src.count - 1, "\(pos)")

        let r = try src.net.join("R-\(pos)", admit: false)  // holds the genesis only
        let out = try r.importFile(tampered)
        #expect(out.status == 1, "\(pos)")
        #expect(out.rejected == expected, "\(pos)")
        // The text form names the line and the code.
        let text = try r.run(["import", tampered])
        #expect(text.status == 1, "\(pos)")
        #expect(text.stdout.contains("\n  line \(index + 2): \(t.code): "), "\(pos): \(text.stdout)")

        switch pos {
        case .last:
            #expect(out.counts == ["accepted": src.count - 2, "duplicate": 1, t.code: 1])
            #expect(try r.heldAndPending() == (src.count - 1, 0))
        case .first:
            // Every other line applied or waits for the refused one; none is lost.
            let waiting = out.counts["op.missing_deps", default: 0]
            #expect(out.counts == ["accepted": 1, "duplicate": 1, "op.missing_deps": waiting, t.code: 1])
            #expect(waiting == src.count - index - 1)
            #expect(try r.heldAndPending() == (2, waiting))
            // The genuine operation releases them all.
            let repair = try r.importFile(src.export)
            #expect(repair.status == 0 && repair.released == waiting)
            #expect(try r.heldAndPending() == (src.count, 0))
            #expect(try r.digest() == src.digest)
        }
    }

    /// Every single-bit flip at every byte position of a header is refused
    /// by both verifiers (all variants in one file, one per line).
    @Test func everyHeaderBitFlipIsRefused() throws {
        let dir = TempDir("cli-tamper"); defer { dir.remove() }
        let src = try TwoAuthors(in: dir)
        let file = try ExportFile(path: src.export)
        let f = try ExportFile.fields(file.ops.last!)  // A's last op: has prev and deps
        let header = try #require(B64U.decode(f["header"]!))
        var variants = [String]()
        for i in header.indices {
            for bit in 0..<8 {
                var h = header
                h[i] ^= UInt8(1 << bit)
                var g = f
                g["header"] = B64U.encode(h)
                variants.append(ExportFile.line(g))
            }
        }
        #expect(variants.count == header.count * 8)
        let flips = dir.file("flips.jsonl")
        try ExportFile(network: src.network, ops: variants).write(to: flips)

        let r = try src.net.join("R", admit: false)
        let out = try r.importFile(flips)
        #expect(out.status == 1)
        #expect(out.counts == ["op.bad_signature": variants.count])
        #expect(out.rejected == (0..<variants.count).map { Rejected(line: $0 + 2, code: "op.bad_signature") })
        #expect(try r.heldAndPending() == (1, 0))  // the genesis it joined with

        let py = try PyReport(flips)
        #expect(py.status == 1 && py.ok == 0)
        #expect(py.rejected.count == variants.count)
        #expect(py.rejected.allSatisfy { $0.code == "op.bad_signature" })
        #expect(py.summary == "verify-py: 0 ok, \(variants.count) rejected, 0 equivocations, 0 external refs")

        // The untouched line itself is fine (it merely waits for its deps).
        try ExportFile(network: src.network, ops: [file.ops.last!]).write(to: dir.file("genuine.jsonl"))
        let genuine = try r.importFile(dir.file("genuine.jsonl"))
        #expect(genuine.status == 0 && genuine.counts == ["op.missing_deps": 1])
    }

    /// A rejected line is reported by its line number in the file; a blank
    /// line is an operation line that is not an envelope, for both verifiers
    /// (PROTOCOL.md §3).
    @Test func rejectedLinesAreNumberedAsInTheFile() throws {
        let dir = TempDir("cli-tamper"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        try net.oversight.note("one")
        try net.oversight.export(dir.file("o.jsonl"))
        let ops = try ExportFile(path: dir.file("o.jsonl")).ops
        let head = "{\"count\":3,\"format\":\"shenguan-export/1\",\"network\":\"\(net.network)\"}"
        let text = [head, "", ops[0], ops[1], "not an envelope", ""].joined(separator: "\n")
        try text.write(toFile: dir.file("gappy.jsonl"), atomically: true, encoding: .utf8)

        let r = try net.join("R", admit: false)
        let out = try r.importFile(dir.file("gappy.jsonl"))
        #expect(out.status == 1)
        #expect(out.rejected == [Rejected(line: 2, code: "op.malformed"), Rejected(line: 5, code: "op.malformed")])
        #expect(out.counts == ["accepted": 1, "duplicate": 1, "op.malformed": 2])
        #expect(try r.heldAndPending() == (2, 0))
        let py = try PyReport(dir.file("gappy.jsonl"))
        #expect(py.rejected.contains(Rejected(line: 5, code: "op.malformed")))
        #expect(py.rejected.contains(Rejected(line: 2, code: "op.malformed")))
        #expect(py.ok == 2)
    }

    @Test func exportOfAnotherNetworkIsRefusedWhole() throws {
        let dir = TempDir("cli-tamper"); defer { dir.remove() }
        let src = try TwoAuthors(in: dir)
        let strangeDir = TempDir("cli-tamper-stranger"); defer { strangeDir.remove() }
        let strangerNet = try TestNet(in: strangeDir)
        let stranger = strangerNet.oversight
        #expect(strangerNet.network != src.network)
        try stranger.note("from another network")
        try stranger.note("and another")
        let foreign = dir.file("foreign.jsonl")
        try stranger.export(foreign)

        let r = try src.net.join("R", admit: false)
        #expect(try r.importFile(src.export).status == 0)
        let digest = try r.digest()
        let refused = try r.run(["import", foreign])
        expectError(refused, "store.network_mismatch")
        #expect(try r.digest() == digest)
        #expect(try r.heldAndPending() == (src.count, 0))
        let py = try PyReport(foreign, network: src.network)
        #expect(py.status == 1 && py.fileProblems.contains("file.wrong_network"))

        // A file header that lies about the network: every operation is refused.
        var lying = try ExportFile(path: foreign)
        lying.network = src.network
        try lying.write(to: dir.file("lying.jsonl"))
        let out = try r.importFile(dir.file("lying.jsonl"))
        #expect(out.status == 1)
        // Its genesis too: a genesis is on the network that is its own id only.
        #expect(out.rejected == (2...4).map { Rejected(line: $0, code: "op.wrong_network") })
        #expect(try r.digest() == digest)
        let pyLying = try PyReport(dir.file("lying.jsonl"))
        #expect(pyLying.rejected == out.rejected)
    }
}
