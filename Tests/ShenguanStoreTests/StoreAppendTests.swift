import Foundation
import Synchronization
import Testing
@testable import ShenguanStore
import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// A replica folder in `dir` whose new key `net`'s root admits to d0; the
/// replica holds the genesis and the admission.
func admittedReplica(_ dir: TempDir, _ net: inout TestNetwork) throws -> (home: ReplicaHome, store: ReplicaStore, key: SigningKey, admit: VerifiedOp) {
    let home = ReplicaHome(path: dir.file("home"))
    let (store, key) = try home.create(network: net.network, passphrase: nil)
    let admit = net.admit(key.publicKey, to: "d0")
    _ = try store.ingest([net.genesis.envelope, admit.envelope], now: net.clock)
    return (home, store, key, admit)
}

/// Local writes: chain position, causal links, clock, and the guard against
/// writing from a database restored from an old backup.
@Suite struct StoreAppendTests {
    @Test func appendsChainAndCiteNewOperationsOfOthersOnce() throws {
        let dir = TempDir("append"); defer { dir.remove() }
        var net = TestNetwork(authors: 2, seed: 71)
        let (home, s, key, admit) = try admittedReplica(dir, &net)
        let a = try home.append(store: s, key: key, kind: "note", body: ["text": "一"], now: net.clock)
        // The first op builds on the roster that admits its author (R21).
        #expect(a.header.seq == 1 && a.header.prev == nil && a.header.deps == [admit.id])
        let other = net.write(1)
        _ = try s.ingest([other.envelope], now: net.clock)
        let b = try home.append(store: s, key: key, kind: "note", body: ["text": "二"], now: net.clock - 10_000)
        #expect(b.header.seq == 2 && b.header.prev == a.id)
        #expect(b.header.deps == [other.id])
        #expect(b.header.clock > other.header.clock && b.header.clock > a.header.clock)  // clock never runs backwards
        let c = try home.append(store: s, key: key, kind: "note", body: ["text": "三"], now: net.clock)
        #expect(c.header.deps.isEmpty, "deps carry only what is new since the previous op")
        #expect(home.signedSeq(key.publicKey) == 3)
    }

    /// PROTOCOL.md §2.1 skip links: every operation from seq 3 on names its
    /// own operation at skipSeq(seq), so the causal path an evidence bundle
    /// carries from the head of a 600-operation chain down to any earlier
    /// operation takes at most 35 hops (§8), not up to 599.
    @Test func ownOperationsCarrySkipLinksAndPathsStayShort() throws {
        let dir = TempDir("append-skip"); defer { dir.remove() }
        var net = TestNetwork(authors: 1, seed: 79)
        let (home, s, key, _) = try admittedReplica(dir, &net)
        var chain = [VerifiedOp]()
        for i in 0..<600 {
            chain.append(try home.append(store: s, key: key, kind: "note", body: ["text": .string("第\(i)条")], now: net.clock + Int64(i)))
        }
        for op in chain {
            let want = OpHeader.skipSeq(op.header.seq).map { chain[Int($0) - 1].id }
            #expect(op.header.skip == want, "seq \(op.header.seq)")
        }
        for target in [0, 1, 17, 300, 598] {
            let path = try s.pool.read { db in
                try ReplicaStore.path(db, from: chain[599].id, to: chain[target].id, notBefore: chain[target].header.clock)
            }
            #expect(path.first == chain[target].id && path.last == chain[599].id)
            // At most 35 hops from seq 600 to any lower seq over prev and skip (against 599 over prev alone).
            #expect(path.count <= 36, "seq \(target + 1): \(path.count) operations on the path")
        }
    }

    /// PROTOCOL.md §2.1: with more than 64 other authors' new heads an
    /// operation cites the 64 latest, and the next one cites the rest.
    @Test func moreThan64NewHeadsAreCitedOverTwoOperations() throws {
        let dir = TempDir("append-cap"); defer { dir.remove() }
        var net = TestNetwork(authors: 67, seed: 73)
        let (home, s, key, admit) = try admittedReplica(dir, &net)
        _ = try home.append(store: s, key: key, kind: "note", body: ["text": "始"], now: net.clock)
        let others = (1...66).map { net.write($0) }
        _ = try s.ingest(others.map(\.envelope), now: net.clock)
        let a = try home.append(store: s, key: key, kind: "note", body: ["text": "一"], now: net.clock)
        let latest = others.sorted { a, b in  // latest time first, then id
            a.header.clock.time != b.header.clock.time ? a.header.clock.time > b.header.clock.time : a.id < b.id
        }
        #expect(a.header.deps.count == 64 && a.header.deps == a.header.deps.sorted())
        #expect(Set(a.header.deps) == Set(latest.prefix(64).map(\.id)), "the 64 with the latest time")
        let b = try home.append(store: s, key: key, kind: "note", body: ["text": "二"], now: net.clock)
        #expect(Set(b.header.deps) == Set(latest.dropFirst(64).map(\.id)), "the heads left out are cited next")
        _ = admit
    }

    /// The choice itself: a required roster dependency counts within the 64,
    /// and a forked author whose heads the cap splits stays uncited.
    @Test func depsChoiceKeepsTheCapAndCitesSplitForksLater() {
        func id(_ i: Int) -> Digest { SHA256.hash(Array("op\(i)".utf8)) }
        let fresh = (0..<64).map { (author: "a\($0)", id: id($0)) }
        let withRoster = ReplicaStore.chooseDeps(fresh: fresh, required: id(999))
        #expect(withRoster.deps.count == 64 && withRoster.deps.first == id(999))
        #expect(!withRoster.cited.contains("a63") && withRoster.cited.count == 63, "the one left out is cited later")
        let already = ReplicaStore.chooseDeps(fresh: fresh, required: id(5))
        #expect(already.deps.count == 64 && already.cited.count == 64, "a required id among the fresh ones counts once")
        // Author f forked: two heads, the cap falls between them.
        let forked = (0..<63).map { (author: "a\($0)", id: id($0)) } + [(author: "f", id: id(100)), (author: "f", id: id(101))]
        let split = ReplicaStore.chooseDeps(fresh: forked, required: nil)
        #expect(split.deps.count == 64 && split.deps.contains(id(100)) && !split.deps.contains(id(101)))
        #expect(!split.cited.contains("f"), "a forked author is cited only when all its heads went in")
    }

    /// Several operations in one call (an approval with its pushes): a chain
    /// in order, each built from the ones before; a refusal of any one
    /// leaves nothing written, whatever came before it in the call.
    @Test func appendAllWritesEveryOperationOrNone() throws {
        let dir = TempDir("append-all"); defer { dir.remove() }
        var net = TestNetwork(authors: 2, seed: 72)
        let (home, s, key, _) = try admittedReplica(dir, &net)
        let before = try s.count()
        let ops = try home.appendAll(store: s, key: key, [
            { _ in ("note", ["text": "一"]) },
            { w in ("note", ["text": .string("after \(w[0].id.hex.prefix(8))")]) },
        ], now: net.clock)
        #expect(ops.map(\.header.seq) == [1, 2] && ops[1].header.prev == ops[0].id)
        #expect(ops[1].body?["text"]?.stringValue == "after \(ops[0].id.hex.prefix(8))")
        #expect(try s.count() == before + 2)
        // The third draft's body fails its schema: the first two are not kept.
        #expect(throws: OpRejection.self) {
            try home.appendAll(store: s, key: key, [{ _ in ("note", ["text": "三"]) }, { _ in ("note", ["text": "四"]) },
                                                   { _ in ("note", ["text": ""]) }], now: net.clock)
        }
        #expect(try s.count() == before + 2)
        // A draft that throws (a clerk's check) also leaves nothing.
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try home.appendAll(store: s, key: key, [{ _ in ("note", ["text": "五"]) }, { _ in throw Refused() }], now: net.clock)
        }
        #expect(try s.count() == before + 2)
        #expect(try home.append(store: s, key: key, kind: "note", body: ["text": "六"], now: net.clock).header.seq == 3)
    }

    /// Concurrent writers (issue 14 item 7): every process records the seq
    /// it signed; none fails after its operation committed, and the
    /// recorded high-water mark is the highest, whatever the interleaving.
    @Test func concurrentRecordsOfTheSignedSeqNeverFailAndOnlyGrow() throws {
        let dir = TempDir("signed-seq"); defer { dir.remove() }
        let home = ReplicaHome(path: dir.file("home"))
        try FileManager.default.createDirectory(atPath: home.path, withIntermediateDirectories: true)
        let key = SigningKey.generate().publicKey
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 200) { i in
            do { try home.recordSigned(Int64((i * 37) % 200 + 1), key: key) } catch { failures.withLock { $0 += 1 } }
        }
        #expect(failures.withLock { $0 } == 0)
        #expect(home.signedSeq(key) == 200)
        try home.recordSigned(5, key: key)
        #expect(home.signedSeq(key) == 200, "never goes back")
    }

    @Test func aRestoredBackupMustResyncBeforeWriting() throws {
        let dir = TempDir("backup"); defer { dir.remove() }
        var net = TestNetwork(authors: 1, seed: 81)
        var (home, s, key, _) = try admittedReplica(dir, &net)
        _ = try home.append(store: s, key: key, kind: "note", body: ["text": "1"], now: net.clock)
        try s.export(to: dir.file("backup.jsonl"))
        _ = try home.append(store: s, key: key, kind: "note", body: ["text": "2"], now: net.clock + 1)
        try s.export(to: dir.file("latest.jsonl"))
        // Restore: a fresh database holding only the old backup.
        try FileManager.default.removeItem(atPath: home.databasePath)
        for ext in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: home.databasePath + ext) }
        s = try ReplicaStore(path: home.databasePath, network: net.network)
        _ = try s.importFile(dir.file("backup.jsonl"), now: net.clock + 2)
        #expect { try home.append(store: s, key: key, kind: "note", body: ["text": "fork!"], now: net.clock + 3) } throws: {
            ($0 as? StoreError)?.code == "store.behind_key"
        }
        #expect(try s.count() == 3)
        _ = try s.importFile(dir.file("latest.jsonl"), now: net.clock + 4)
        let op = try home.append(store: s, key: key, kind: "note", body: ["text": "3"], now: net.clock + 5)
        #expect(op.header.seq == 3)
        #expect(try s.state().equivocations.isEmpty)
        _ = key
    }

    /// Issue 14 item 6: a peer's vector naming more of the own chain than is
    /// held stops signing (`store.behind_chain`) until that chain arrives;
    /// a fork of the own key stops it for good (`store.forked_key`).
    @Test func theOwnChainGuardsRefuseBeforeSigning() throws {
        let dir = TempDir("own-chain"); defer { dir.remove() }
        var net = TestNetwork(authors: 1, seed: 82)
        let (home, s, key, _) = try admittedReplica(dir, &net)
        let one = try home.append(store: s, key: key, kind: "note", body: ["text": "1"], now: net.clock)
        let count = try s.count()
        try s.noteOwnChainSeen(one.header.seq + 2, author: key.publicKey)
        #expect { try home.append(store: s, key: key, kind: "note", body: ["text": "fork?"], now: net.clock + 1) } throws: {
            ($0 as? StoreError)?.code == "store.behind_chain" && "\($0)".contains("up to seq \(one.header.seq + 2)")
        }
        #expect(try s.appendWitness(home: home, key: key, now: net.clock + 1) == nil, "no witness either; sync goes on")
        #expect(try s.count() == count)
        // The two operations arrive (signed elsewhere with this key, as a copy would).
        let two = try OpSigner.sign(key: key, network: net.network, seq: one.header.seq + 1, prev: one.id, deps: [],
                                    clock: HLC(time: net.clock + 2, ctr: 0), kind: "note", body: ["text": "2"])
        let three = try OpSigner.sign(key: key, network: net.network, seq: one.header.seq + 2, prev: two.id, deps: [],
                                      clock: HLC(time: net.clock + 3, ctr: 0), kind: "note", body: ["text": "3"])
        _ = try s.ingest([two.envelope, three.envelope], now: net.clock + 4)
        let four = try home.append(store: s, key: key, kind: "note", body: ["text": "4"], now: net.clock + 5)
        #expect(four.header.prev == three.id)
        // Another operation at seq 4 from elsewhere: the key has forked.
        let other = try OpSigner.sign(key: key, network: net.network, seq: four.header.seq, prev: three.id, deps: [],
                                      clock: HLC(time: net.clock + 6, ctr: 0), kind: "note", body: ["text": "4 elsewhere"])
        #expect(try s.ingest([other.envelope], now: net.clock + 7).results.first?.equivocation == true)
        #expect { try home.append(store: s, key: key, kind: "note", body: ["text": "5"], now: net.clock + 8) } throws: {
            ($0 as? StoreError)?.code == "store.forked_key"
        }
        #expect(try s.chainTips()[key.publicKey.base64url]?.tips.count == 2)
    }

    @Test func exportImportRoundTripIsIdempotent() throws {
        let dir = TempDir("export"); defer { dir.remove() }
        let net = TestNetwork.random(authors: 3, ops: 40, seed: 91)
        let a = try ReplicaStore(path: dir.file("a.sqlite"), network: net.network)
        _ = try a.ingest(net.ops.map(\.envelope), now: net.clock)
        #expect(try a.export(to: dir.file("a.jsonl")) == 40)
        let b = try ReplicaStore(path: dir.file("b.sqlite"), network: net.network)
        let first = try b.importFile(dir.file("a.jsonl"), now: net.clock, batchSize: 7)
        #expect(first.accepted == 40)
        let again = try b.importFile(dir.file("a.jsonl"), now: net.clock)
        #expect(again.results.allSatisfy { $0.outcome == .duplicate })
        #expect(try a.state().digest == b.state().digest)
        // The Python verifier (independent, from PROTOCOL.md alone) accepts the export.
        let py = try Subprocess.python("shenguan_verify.py", ["export", dir.file("a.jsonl")])
        #expect(py.status == 0, "\(py.stdout)\(py.stderr)")
        #expect(py.stdout.contains("verify-py: 40 ok, 0 rejected"), "\(py.stdout)")
    }
}

@Suite struct StoreClockTests {
    @Test func aClockFarBehindTheChainIsAClearErrorAndWritesNothing() throws {
        let dir = TempDir("clock"); defer { dir.remove() }
        var net = TestNetwork(authors: 1, seed: 95)
        let (home, s, key, _) = try admittedReplica(dir, &net)
        _ = try home.append(store: s, key: key, kind: "note", body: ["text": "now"], now: net.clock)
        let n = try s.count()
        #expect { try home.append(store: s, key: key, kind: "note", body: ["text": "past"], now: net.clock - 3_600_000) } throws: {
            ($0 as? StoreError)?.code == "clock.behind"
        }
        #expect(try s.count() == n && s.pendingCount() == 0)
    }
}
