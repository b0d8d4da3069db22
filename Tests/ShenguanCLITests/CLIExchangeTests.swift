import Foundation
import Testing
import ShenguanTestSupport

/// Offline transfer between replicas through export files: round trip,
/// idempotence, delivery in any order.
@Suite struct CLIExchangeTests {
    @Test func roundTripCarriesNotesAndIsIdempotent() throws {
        let dir = TempDir("cli-x"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        let a = net.oversight
        let texts = ["审批结果已推送", "line one\nline two \"quoted\" \\ tab\t", "plain ascii", "Café (NFC) ✓ 🙂"]
        var ids = [String]()
        for t in texts { ids.append(try a.note(t)) }
        let file = dir.file("a.jsonl")
        let total = texts.count + 1  // and the genesis roster
        #expect(try a.export(file) == total)
        #expect(try ExportFile(path: file).ops.count == total)

        // B joins (it need not be admitted to receive) and already holds the genesis.
        let b = try net.join("B", admit: false)
        let text = try b.run(["import", file])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout == "Imported \(file): \(texts.count) accepted, 1 duplicate\n")
        #expect(try b.digest() == a.digest())
        #expect(try b.opCount() == total)

        // show by a prefix prints the note exactly as written.
        let shown = try b.ok(["show", String(ids[0].prefix(8))])
        #expect(shown.hasPrefix("id        \(ids[0])\nkind      note\n"))
        #expect(shown.contains("seq       1\nprev      -\n"))
        #expect(shown.contains("body      {\"text\":\"审批结果已推送\"}\n"))
        let shownJSON = try #require(try b.json(["show", ids[1]]) as? [String: Any])
        #expect((shownJSON["body"] as? [String: String])?["text"] == texts[1])
        #expect(((shownJSON["header"] as? [String: Any])?["prev"] as? String) == ids[0])

        // log --json lists every operation, newest arrival first.
        let log = try #require(try b.json(["log"]) as? [[String: Any]])
        #expect(log.compactMap { $0["id"] as? String } == ids.reversed() + [net.network])
        #expect(log.compactMap { $0["seq"] as? Int } == Array((1...texts.count).reversed()) + [1])
        #expect(log.compactMap { $0["kind"] as? String } == Array(repeating: "note", count: texts.count) + ["roster.genesis"])
        let state = try #require(try b.json(["state"]) as? [String: Any])
        let notes = try #require(state["notes"] as? [[String: Any]])
        #expect(Set(notes.compactMap { $0["text"] as? String }) == Set(texts))

        // Importing the same file again changes nothing.
        let digest = try b.digest()
        let again = try b.importFile(file)
        #expect(again.status == 0)
        #expect(again.counts == ["duplicate": total])
        #expect(again.released == 0 && again.rejected.isEmpty)
        #expect(try b.digest() == digest)
        #expect(try b.opCount() == total)
        // And A importing its own export is all duplicates too.
        #expect(try a.importFile(file).counts == ["duplicate": total])
    }

    @Test func threeReplicasConvergeWhateverTheDeliveryOrder() throws {
        let dir = TempDir("cli-x"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        try net.addDepartment("market", name: "市市场监督管理局", role: "regulator")
        try net.addDepartment("approval", name: "市行政审批服务局", role: "approval")
        let a = net.oversight
        let b = try net.join("B", department: "market")
        let c = try net.join("C", department: "approval")
        func ship(_ from: CLI, _ to: CLI, _ name: String) throws {
            try from.export(dir.file(name))
            let r = try to.importFile(dir.file(name))
            #expect(r.status == 0 && r.rejected.isEmpty, "\(name): \(r.rejected)")
        }
        try a.note("A1 甲"); try b.note("B1 乙"); try c.note("C1 丙")
        // Round 1, gossip A→B→C.
        try ship(a, b, "r1-ab.jsonl")
        try b.note("B2 after A")
        try ship(b, c, "r1-bc.jsonl")
        try c.note("C2 after A and B")
        try a.note("A2 alone")
        // Round 2, the other way round: C→A→B, then A hears from B.
        try ship(c, a, "r2-ca.jsonl")
        try a.note("A3 after C")
        try ship(a, b, "r2-ab.jsonl")
        try b.note("B3")
        try ship(b, c, "r2-bc.jsonl")
        try ship(b, a, "r2-ba.jsonl")
        try ship(c, b, "r2-cb.jsonl")

        let total = 8 + 5  // notes; genesis, 2 departments, 2 admissions
        let digests = try [a, b, c].map { try $0.digest() }
        #expect(Set(digests).count == 1, "\(digests)")
        #expect(try [a, b, c].map { try $0.opCount() } == [total, total, total])
        for r in [a, b, c] {
            #expect(try r.digest(rebuild: true) == digests[0])
            #expect(try r.heldAndPending() == (total, 0))
        }

        // A fresh replica fed the union with its lines shuffled converges too.
        let union = try ExportFile(path: dir.file("r2-ba.jsonl"))
        #expect(union.ops.count == total)
        for seed in [1, 2, 3] as [UInt64] {
            var rng = SeededRNG(seed: seed)
            let shuffledFile = dir.file("shuffled-\(seed).jsonl")
            try ExportFile(network: net.network, ops: union.ops.shuffled(using: &rng)).write(to: shuffledFile)
            let d = try net.join("D\(seed)", admit: false)
            let r = try d.importFile(shuffledFile)
            #expect(r.status == 0 && r.rejected.isEmpty)
            #expect(r.released == r.counts["op.missing_deps", default: 0], "seed \(seed): \(r.counts)")
            #expect(try d.heldAndPending() == (total, 0))
            #expect(try d.digest() == digests[0], "seed \(seed)")
            #expect(try d.digest(rebuild: true) == digests[0], "seed \(seed)")
        }
    }

    @Test func reversedExportIsHeldPendingThenReleasedInTheSameImport() throws {
        let dir = TempDir("cli-x"); defer { dir.remove() }
        let src = try TwoAuthors(in: dir)
        let file = try ExportFile(path: src.export)
        let reversed = dir.file("reversed.jsonl")
        try ExportFile(network: src.network, ops: file.ops.reversed()).write(to: reversed)

        let r = try src.net.join("R", admit: false)
        let out = try r.importFile(reversed)
        #expect(out.status == 0 && out.rejected.isEmpty)
        // The genesis is held already and only the admission (whose prev is the
        // genesis) finds what it names; every other one waits, then is released.
        #expect(out.counts == ["accepted": 1, "duplicate": 1, "op.missing_deps": src.count - 2])
        #expect(out.released == src.count - 2)
        #expect(try r.heldAndPending() == (src.count, 0))
        #expect(try r.digest() == src.digest)
        #expect(try r.digest(rebuild: true) == src.digest)

        // The independent verifier agrees the operations are fine, naming the
        // forward references as external.
        let py = try PyReport(reversed)
        #expect(py.status == 0 && py.ok == src.count && py.rejected.isEmpty)
        #expect(py.external > 0)
    }

    @Test func pendingOperationsWaitAcrossImports() throws {
        let dir = TempDir("cli-x"); defer { dir.remove() }
        let src = try TwoAuthors(in: dir)
        let file = try ExportFile(path: src.export)
        // Deliver the later operations first (A's 2nd note onwards): they wait
        // for the earlier ones (genesis, admission, A's first note).
        let half = 3
        try ExportFile(network: src.network, ops: Array(file.ops[half...])).write(to: dir.file("late.jsonl"))
        try ExportFile(network: src.network, ops: Array(file.ops[..<half])).write(to: dir.file("early.jsonl"))
        let r = try src.net.join("R", admit: false)
        let late = try r.importFile(dir.file("late.jsonl"))
        #expect(late.status == 0 && late.counts == ["op.missing_deps": src.count - half])
        #expect(try r.heldAndPending() == (1, src.count - half))
        let early = try r.importFile(dir.file("early.jsonl"))
        #expect(early.counts == ["accepted": half - 1, "duplicate": 1])
        #expect(early.released == src.count - half)
        #expect(try r.heldAndPending() == (src.count, 0))
        #expect(try r.digest() == src.digest)
    }
}
