import Foundation
import GRDB
import Testing
@testable import ShenguanStore
import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// The maintained read model (issue 12) equals the pure fold: for random
/// 审管 histories with witnesses and head declarations, delivered in random
/// orders and batch splits, every view read through the tables gives what
/// `Workflow` + `EvidenceGraph` over every operation give.
@Suite struct StoreReadModelTests {
    static let later = Fixtures.ms("2027-01-01T00:00:00")
    static let nows = ["2026-09-29T10:00:00", "2026-10-02T12:00:00", "2026-10-09T09:00:00", "2026-10-15T18:00:00", "2026-10-27T09:00:00"]
        .map(Fixtures.ms)

    /// A store holding `ops`, delivered shuffled in batches of 1–`maxBatch`.
    func deliver(_ ops: [VerifiedOp], network: Digest, seed: UInt64, maxBatch: Int, path: String) throws -> ReplicaStore {
        let s = try ReplicaStore(path: path, network: network)
        var rng = SeededRNG(seed: seed)
        var shuffled = ops.shuffled(using: &rng).map(\.envelope)
        while !shuffled.isEmpty {
            let n = min(shuffled.count, Int.random(in: 1...maxBatch, using: &rng))
            _ = try s.ingest(Array(shuffled.prefix(n)), now: Self.later)
            shuffled.removeFirst(n)
        }
        return s
    }

    func dump(_ s: ReplicaStore) throws -> [String] { try s.pool.read { db in try ReadModel.dump(db: db) } }

    func json(_ v: JSONValue) -> String { String(decoding: try! CanonicalJSON.encode(v), as: UTF8.self) }

    /// R11, R13–R19 (issues 17, 18): in random histories with their
    /// kinds, delivered shuffled in batches, every department's list from
    /// the read model equals the pure fold's at each instant, and the read
    /// model equals its rebuild.
    @Test(arguments: [UInt64(12), 13, 14, 15])
    func laterRulesListsEqualTheFullFoldInAnyDeliveryOrder(seed: UInt64) throws {
        let dir = TempDir("rm-later"); defer { dir.remove() }
        let net = Fixtures.randomHistory(seed: seed, steps: 80, witnesses: true, laterRules: true)
        let kinds = Set(net.ops.map(\.header.kind))
        for k in [WorkflowKinds.inspectionNotice, WorkflowKinds.certificate, WorkflowKinds.verification, WorkflowKinds.liaisonRequest,
                  WorkflowKinds.reviewConvene, WorkflowKinds.reviewOpinion, WorkflowKinds.reviewMinutes, WorkflowKinds.reviewAck,
                  WorkflowKinds.expertRegister, WorkflowKinds.drawRequest, WorkflowKinds.drawCommit, WorkflowKinds.drawReveal,
                  WorkflowKinds.boundaryEntry, WorkflowKinds.boundaryWithdraw, WorkflowKinds.noticeIssue, WorkflowKinds.noticeAck] {
            #expect(kinds.contains(k), "seed \(seed) writes no \(k)")
        }
        // Every operation the generator wrote is one its own replica accepted (else the chains would fork).
        for d in 0..<4 { #expect(net.replica(d).pending.isEmpty) }
        let s = try deliver(net.ops, network: net.network, seed: seed, maxBatch: 9, path: dir.file("a.sqlite"))
        #expect(try s.pendingCount() == 0 && s.count() == net.ops.count)
        var compared = 0, reviewItems = 0, drawItems = 0, noticeItems = 0
        for now in Self.nows + ["2026-10-05T10:00:00", "2026-10-20T15:00:00", "2026-11-10T09:00:00"].map(Fixtures.ms) {
            let full = try s.judging(now: now)
            for d in ["d0", "d1", "d2", "d3"] {
                let v = try s.inboxView(department: d, now: now)
                let got = try v.workflow.inbox(for: d, v.context).map { v.workflow.json($0, v.context) }
                let want = try full.workflow.inbox(for: d, full.context).map { full.workflow.json($0, full.context) }
                #expect(json(.array(got)) == json(.array(want)), "inbox of \(d) at \(now)")
                compared += want.filter { ["inspect", "countersign", "appoint", "certify", "verify", "reverify"].contains($0["action"]?.stringValue ?? "") }.count
                reviewItems += want.filter { ["opine", "conclude", "acknowledge"].contains($0["action"]?.stringValue ?? "") }.count
                drawItems += want.filter { ["commit", "reveal"].contains($0["action"]?.stringValue ?? "") }.count
                noticeItems += want.filter { $0["rule"]?.stringValue == "R19" }.count
            }
        }
        #expect(compared > 0, "no later-rule item was ever on a list")
        #expect(reviewItems > 0, "no R13 item was ever on a list")
        #expect(drawItems > 0, "no R16 item was ever on a list")
        #expect(noticeItems > 0, "no R19 item was ever on a list")
        let held = try s.judging(now: Fixtures.ms("2026-11-10T09:00:00")).workflow
        // R18: each licence's check against the boundary list, read through its item view, is the full fold's.
        var checked = 0
        for a in held.approvals.keys.sorted() {
            let v = try s.itemView(a, now: Fixtures.ms("2026-11-10T09:00:00")).workflow
            let want = held.boundaryCheck(of: a).map { held.json($0) }
            #expect(v.boundaryCheck(of: a).map { v.json($0) } == want, "boundary check of \(a.hex.prefix(8))")
            if want?["matches"] == false { checked += 1 }
        }
        #expect(checked > 0, "no licence was ever pushed otherwise than its list entry says")
        #expect(held.draws.values.contains { held.drawStatus(of: $0).status == "drawn" }, "no draw was ever completed: \(held.draws.values.map { held.drawStatus(of: $0).status + " \($0.commits.count)/\($0.reveals.count) \($0.body.participants)" })")
        #expect(try s.checkReadModel().isConsistent)
    }

    /// Seeds 1–6 plain; 7–9 with a policy change half way and a forked chain.
    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8, 9])
    func viewsEqualTheFullFoldInAnyDeliveryOrder(seed: UInt64) throws {
        let dir = TempDir("rm"); defer { dir.remove() }
        let changes = seed >= 7
        let net = Fixtures.randomHistory(seed: seed, steps: 90, witnesses: true, rosterChanges: changes)
        #expect(net.ops.contains { $0.header.kind == WitnessOps.kind })
        if changes { #expect(net.ops.contains { $0.header.kind == RosterOps.policy }) }
        let s = try deliver(net.ops, network: net.network, seed: seed, maxBatch: 12, path: dir.file("a.sqlite"))
        if changes {
            // Pushes written after the policy change by a bureau that had not received it (§4.2: judged on it all the same).
            let uncited = try s.pool.read { db in
                try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM ops p, ops r WHERE r.kind = 'roster.policy' AND p.kind = 'push'
                    AND p.time >= r.time AND p.roster_seq < r.roster_seq
                    """)!
            }
            #expect(uncited > 0, "some push does not have the change in its causal past")
        }
        #expect(try s.pendingCount() == 0)
        // The streamed digest (chunks of items) equals the full fold's, with chunks cut anywhere.
        let folded = try s.state()
        for chunk in [1, 3, 2_000] { #expect(try s.stateDigest(chunk: chunk) == folded.digest, "chunk \(chunk)") }
        let all = net.ops.map(\.id)
        var compared = 0, expected = [String: String]()
        for now in Self.nows {
            let full = try s.judging(now: now)
            let (wf, ctx) = (full.workflow, full.context)
            // Bounds of every operation, with the operation named as evidence.
            let stored = try s.pool.read { db in try ReplicaStore.view(db, try ReplicaStore.loadIDs(db, ids: Set(all)), now: now) }
            for op in net.ops {
                #expect(stored.context.evidence.bounds(of: op) == ctx.evidence.bounds(of: op), "bounds of \(op.header.kind) \(op.id.hex.prefix(8))")
            }
            for d in ["d0", "d1", "d2", "d3"] {
                #expect(stored.context.evidence.lastCited(department: d)?.op == ctx.evidence.lastCited(department: d)?.op)
                let v = try s.inboxView(department: d, now: now)
                let got = try v.workflow.inbox(for: d, v.context).map { v.workflow.json($0, v.context) }
                let want = try wf.inbox(for: d, ctx).map { wf.json($0, ctx) }
                #expect(json(.array(got)) == json(.array(want)), "inbox of \(d)")
                compared += want.count
            }
            // The batched history view: every item addressed to d, newest first, judged as the fold judges it.
            for d in ["d0", "d1", "d2", "d3"] {
                let (ids, v) = try s.historyView(department: d, limit: 1_000, now: now)
                let want = wf.pushes.values.filter { $0.body.to == d }.map(\.act)
                    + wf.inquiries.values.filter { $0.body.to == d }.map(\.act)
                #expect(Set(want.map(\.id)).isSubset(of: Set(ids)), "history of \(d) holds its pushes and inquiries")
                #expect(ids == ids.sorted { a, b in
                    let x = v.workflow.acts[a]!, y = v.workflow.acts[b]!
                    return (x.time, x.op.header.clock.ctr, a.hex) > (y.time, y.op.header.clock.ctr, b.hex)
                })
                for id in ids {
                    if let p = wf.pushes[id] {
                        let mine = try #require(v.workflow.pushes[id])
                        #expect(json(v.workflow.json(try v.workflow.status(of: mine, v.context))) == json(wf.json(try wf.status(of: p, ctx))))
                    }
                    if let q = wf.inquiries[id] {
                        let mine = try #require(v.workflow.inquiries[id])
                        #expect(json(v.workflow.json(try v.workflow.status(of: mine, v.context))) == json(wf.json(try wf.status(of: q, ctx))))
                    }
                }
                compared += ids.count
            }
            // Every fourth push by id (all of them for seed 1) gets its bundle checked: a
            // choice by rank, so a history with pushes always checks some (ids are not the
            // same from run to run; a choice by id suffix could pick none).
            let checked = Set(wf.pushes.keys.sorted().enumerated().filter { $0.offset % 4 == 0 || seed == 1 }.map(\.element))
            for p in wf.pushes.values {
                let v = try s.itemView(p.act.id, now: now)
                let mine = try #require(v.workflow.pushes[p.act.id])
                #expect(json(v.workflow.json(try v.workflow.status(of: mine, v.context))) == json(wf.json(try wf.status(of: p, ctx))))
                // Its evidence bundle, as bytes, passes the verifier with the fold's status (§8).
                if now == Self.nows.last, checked.contains(p.act.id) {
                    let bundle = try #require(try s.evidenceBundle(for: p.act.id, now: now))
                    // Bounds set by their place in the graph come as headers: only a witness whose
                    // head declaration sets a lo comes whole, at most one per judged operation (§8).
                    let wholeWitnesses = bundle.envelopes.filter { e in
                        e.body != nil && (try? VerifiedOp.verify(e, network: net.network))?.header.kind == WitnessOps.kind
                    }
                    #expect(wholeWitnesses.count <= 1 + p.claims.count + p.feedback.count,
                            "bundle of push \(p.act.id.hex.prefix(8)) carries \(wholeWitnesses.count) witness bodies")
                    let bytes = try CanonicalJSON.encode(bundle.json)
                    let report = EvidenceVerifier.verify(try EvidenceBundle(bytes: bytes))
                    // A push at a seq its author signed twice gets the fork's proof instead (§8).
                    let h = p.act.op.header
                    let forked = try s.equivocations().contains { $0.author == h.author.base64url && $0.seq == h.seq }
                    let label = try forked ? "fork \(h.seq)" : wf.status(of: p, ctx).label
                    let got = bundle.kind == "equivocation" ? report.verdict["seq"]?.intValue.map { "fork \($0)" } : report.verdict["status"]?.stringValue
                    #expect(report.passed && got == label,
                            "bundle of push \(p.act.id.hex.prefix(8)): \(report.lines.filter { !$0.ok }.map(\.en))")
                    try Data(bytes).write(to: URL(fileURLWithPath: dir.file("\(p.act.id.hex).bundle")))
                    expected[p.act.id.hex] = label
                }
            }
            for q in wf.inquiries.values {
                let v = try s.itemView(q.act.id, now: now)
                let mine = try #require(v.workflow.inquiries[q.act.id])
                let a = try v.workflow.status(of: mine, v.context), b = try wf.status(of: q, ctx)
                #expect(json(v.workflow.json(a)) == json(wf.json(b)))
                #expect(a.isFinal == b.isFinal && a.finalBy?.op == b.finalBy?.op)
            }
            for a in wf.approvals.keys {
                let v = try s.itemView(a, now: now)
                #expect(v.workflow.licenceStatus(a) == wf.licenceStatus(a))
                #expect(v.workflow.fieldValues(a, field: "contact").map(\.value) == wf.fieldValues(a, field: "contact").map(\.value))
                let mine = try v.workflow.pushStatuses(of: a, v.context).map { json(v.workflow.json($0)) }
                #expect(mine == (try wf.pushStatuses(of: a, ctx).map { json(wf.json($0)) }))
            }
            let c = try s.conflictsView(now: now).workflow.conflicts
            #expect(c.map { "\($0.target) \($0.field) \($0.values.map(\.value))" } == wf.conflicts.map { "\($0.target) \($0.field) \($0.values.map(\.value))" })
            let w = try s.warningsView(now: now).workflow
            #expect(w.warnings == wf.warnings)
            #expect(w.activeWarnings(for: CreditCode(Fixtures.codeA)!) == wf.activeWarnings(for: CreditCode(Fixtures.codeA)!))
        }
        #expect(compared > 0, "some inbox had items to compare")
        // The Python verifier on the same bundles: passed, with the same status.
        #expect(!expected.isEmpty, "some bundle was checked")
        let py = try Subprocess.run("/usr/bin/env", ["python3", "-c", """
            import glob, json, os, sys
            sys.path.insert(0, sys.argv[1])
            from shenguan_bundle import verify_bundle
            out = {}
            for f in glob.glob(os.path.join(sys.argv[2], "*.bundle")):
                r = verify_bundle(open(f, "rb").read())
                v = r["verdict"] or {}
                out[os.path.basename(f)[:-7]] = (v.get("status") if "fork" not in v else "fork %s" % v.get("seq")) if r["passed"] else "FAILED " + "; ".join(r["failures"])
            print(json.dumps(out))
            """, Subprocess.repoRoot.appendingPathComponent("Tools/verify-py").path, dir.path])
        let got = try JSONSerialization.jsonObject(with: Data(py.stdout.utf8)) as? [String: String]
        #expect(got == expected, "Python: \(py.stderr.suffix(500))")
        if changes { #expect(try !s.equivocations().isEmpty, "the fork is held") }
        // Another delivery order and batching: the same tables, row for row.
        let other = try deliver(net.ops, network: net.network, seed: seed &+ 1000, maxBatch: 3, path: dir.file("b.sqlite"))
        let tables = try dump(s)
        #expect(try dump(other) == tables)
        // In the order written (every roster change before what was written after it): the same tables.
        let written = try ReplicaStore(path: dir.file("c.sqlite"), network: net.network)
        _ = try written.ingest(net.ops.map(\.envelope), now: Self.later)
        #expect(try dump(written) == tables)
        // Rebuilt from the operations alone: the same tables.
        let check = try s.checkReadModel()
        #expect(check.isConsistent && check.rows == tables.count)
        try s.rebuildProjections()
        #expect(try dump(s) == tables)
    }

    /// PROTOCOL.md §4.2: a policy change that reaches a replica after the
    /// pushes written after it still sets their limits: the open push's
    /// working days and deadline become those of a replica that received
    /// the change first, and its inbox judges it so.
    @Test func aPolicyChangeArrivingLateReachesThePushesWrittenAfterIt() throws {
        let dir = TempDir("rm-policy"); defer { dir.remove() }
        var net = Fixtures.network()
        let a = net.write(0, kind: WorkflowKinds.approval, body: Fixtures.approval(), at: Fixtures.ms("2026-10-09T09:00:00"))
        let change = net.rootOp(RosterOps.policy, ["policy": Policy.linzi.json], at: Fixtures.ms("2026-10-09T10:00:00"), seenBy: [1, 2, 3])
        let push = net.write(0, kind: WorkflowKinds.push, body: Fixtures.push(a.id, to: "d1"), at: Fixtures.ms("2026-10-09T11:00:00"))
        #expect(!push.header.deps.contains(change.id))
        let late = try ReplicaStore(path: dir.file("late.sqlite"), network: net.network)
        _ = try late.ingest(net.ops.filter { $0.id != change.id }.map(\.envelope), now: Self.later)
        let before = try dump(late).filter { $0.hasPrefix("wf_open") }
        _ = try late.ingest([change.envelope], now: Self.later)
        let first = try ReplicaStore(path: dir.file("first.sqlite"), network: net.network)
        _ = try first.ingest(net.ops.map(\.envelope), now: Self.later)
        let rows = try dump(first).filter { $0.hasPrefix("wf_open") }
        #expect(rows.count == 1 && rows[0].contains(" Optional(1) "), "临淄: 1 working day \(rows)")
        #expect(before != rows, "without the change the push had 聊城's 2 working days")
        #expect(try dump(late) == dump(first))
        let now = Fixtures.ms("2026-10-11T09:00:00")   // after 临淄's limit (10-10 24:00), before 聊城's (10-12 24:00)
        let v = try late.inboxView(department: "d1", now: now)
        #expect(try v.workflow.inbox(for: "d1", v.context).isEmpty, "the limit has passed: auto-claimed, not in the inbox")
    }

    /// The staircase of head declarations keeps exactly the points that bound
    /// some act best; its answer equals a scan of every declaration.
    @Test func declarationStaircaseAnswersLikeAScan() throws {
        let dir = TempDir("rm-stair"); defer { dir.remove() }
        var net = Fixtures.network(seed: 21)
        var rng = SeededRNG(seed: 21)
        var t = Fixtures.ms("2026-09-28T09:00:00")
        for _ in 0..<40 {
            t += Int64.random(in: 60_000...3_600_000, using: &rng)
            let a = Int.random(in: 0..<4, using: &rng), b = (a + Int.random(in: 1..<4, using: &rng)) % 4
            net.write(a, at: t)
            net.sync(from: a, to: b)
            // Declarations out of order: a time before earlier ones, or equal to one.
            net.witness(b, declarationBy: a, at: t + Int64.random(in: -2_000_000...2_000, using: &rng))
        }
        let s = try deliver(net.ops, network: net.network, seed: 5, maxBatch: 7, path: dir.file("s.sqlite"))
        let full = try s.judging(now: Self.later)
        let stored = try s.pool.read { db in try ReplicaStore.view(db, try ReplicaStore.loadIDs(db, ids: Set(net.ops.map(\.id))), now: Self.later) }
        var declared = 0
        for op in net.ops {
            let b = stored.context.evidence.bounds(of: op)
            #expect(b == full.context.evidence.bounds(of: op))
            if b.loSource.contains("declared") { declared += 1 }
        }
        #expect(declared > 0, "some lower bound comes from a declaration")
    }

    /// A database written by the previous release (no read model) is
    /// migrated in place on open: its tables equal a rebuild, its views the fold.
    @Test func aReleaseV2DatabaseIsMigratedToTheReadModel() throws {
        let dir = TempDir("rm-migrate"); defer { dir.remove() }
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../ShenguanCLITests/Fixtures/release-v2-bureau.sqlite").standardized.path
        try FileManager.default.copyItem(atPath: fixture, toPath: dir.file("r.sqlite"))
        let s = try ReplicaStore(path: dir.file("r.sqlite"))
        let migrated = try dump(s)
        #expect(migrated.filter { $0.hasPrefix("op_time") }.count == (try s.count()))
        #expect(migrated.contains { $0.hasPrefix("declared") } && migrated.contains { $0.hasPrefix("refs") })
        try s.rebuildProjections()
        #expect(try dump(s) == migrated)
        let now = Fixtures.ms("2026-10-09T09:00:00")
        let full = try s.judging(now: now)
        for d in ["bureau", "market", "ecology"] {
            let v = try s.inboxView(department: d, now: now)
            #expect(json(.array(try v.workflow.inbox(for: d, v.context).map { v.workflow.json($0, v.context) }))
                    == json(.array(try full.workflow.inbox(for: d, full.context).map { full.workflow.json($0, full.context) })))
        }
        for p in full.workflow.pushes.values {
            let v = try s.itemView(p.act.id, now: now)
            #expect(json(v.workflow.json(try v.workflow.status(of: v.workflow.pushes[p.act.id]!, v.context))) == json(full.workflow.json(try full.workflow.status(of: p, full.context))))
        }
    }

    /// A database of release v8 (`wf_open` keyed by item alone, before R13
    /// put one item on several lists) is migrated in place by v9: the same
    /// rows, now keyed by item and department, equal to a rebuild.
    @Test func aReleaseV8DatabaseKeysItsListsByItemAndDepartment() throws {
        let dir = TempDir("rm-v9"); defer { dir.remove() }
        let path = dir.file("r.sqlite")
        let net = Fixtures.randomHistory(seed: 3, steps: 60, witnesses: true)
        var store: ReplicaStore? = try deliver(net.ops, network: net.network, seed: 3, maxBatch: 12, path: path)
        let want = try dump(store!)
        #expect(want.contains { $0.hasPrefix("wf_open") })
        // What release v8 left on disk: the old table, v9 not applied.
        try store!.pool.write { db in
            try db.execute(sql: """
                CREATE TABLE wf_v8(item INTEGER PRIMARY KEY, action TEXT NOT NULL, dept TEXT NOT NULL, working_days INTEGER, deadline INTEGER);
                INSERT INTO wf_v8 SELECT item, action, dept, working_days, deadline FROM wf_open;
                DROP TABLE wf_open; ALTER TABLE wf_v8 RENAME TO wf_open;
                CREATE INDEX wf_open_by_dept ON wf_open(dept, deadline);
                DELETE FROM grdb_migrations WHERE identifier = 'v9-wf-open-per-department';
                """)
        }
        store = nil
        let reopened = try ReplicaStore(path: path)
        #expect(try dump(reopened) == want)
        let key = try reopened.pool.read { db in
            try Row.fetchAll(db, sql: "PRAGMA table_info(wf_open)").filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }.map { $0["name"] as String }
        }
        #expect(key == ["item", "dept"])
        #expect(try reopened.checkReadModel().isConsistent)
    }

    /// A replica of release v9 has no licence by item code (R22): v10 adds
    /// them from the operations, and the tables equal a rebuild's.
    @Test func aReleaseV9DatabaseFindsLicencesByItem() throws {
        let dir = TempDir("rm-v10"); defer { dir.remove() }
        let path = dir.file("r.sqlite")
        let net = Fixtures.randomHistory(seed: 5, steps: 40, witnesses: true)
        var store: ReplicaStore? = try deliver(net.ops, network: net.network, seed: 5, maxBatch: 12, path: path)
        let want = try store!.items(itemCode: "370100-001")
        #expect(!want.isEmpty)
        try store!.pool.write { db in
            try db.execute(sql: "DELETE FROM subjects WHERE key LIKE 'item:%'; DELETE FROM grdb_migrations WHERE identifier = 'v10-item-subjects'")
        }
        #expect(try store!.items(itemCode: "370100-001").isEmpty)
        store = nil
        let reopened = try ReplicaStore(path: path)
        #expect(try reopened.items(itemCode: "370100-001") == want)
        #expect(try reopened.checkReadModel().isConsistent)
    }

    /// The import reads its file in blocks of whole lines: any block size
    /// gives the same verdicts, state and read model, and a cut last line
    /// is still reported as damage.
    @Test func importInSmallBlocksEqualsImportInOne() throws {
        let dir = TempDir("rm-blocks"); defer { dir.remove() }
        let net = Fixtures.randomHistory(seed: 4, steps: 60, witnesses: true)
        let src = try deliver(net.ops, network: net.network, seed: 4, maxBatch: 50, path: dir.file("src.sqlite"))
        let file = dir.file("all.jsonl")
        try src.export(to: file)
        let whole = try ReplicaStore(path: dir.file("whole.sqlite"), network: net.network)
        let a = try whole.importFile(file, now: Self.later)
        let small = try ReplicaStore(path: dir.file("small.sqlite"), network: net.network)
        var commits = 0
        let b = try small.importFile(file, now: Self.later, batchSize: 20, blockBytes: 777) { _, _ in commits += 1 }
        #expect(a.results.map(\.code) == b.results.map(\.code) && a.accepted == net.ops.count)
        #expect(commits > 1, "small blocks commit in several batches")
        #expect(try small.state().digest == whole.state().digest)
        #expect(try dump(small) == dump(whole))
        // A file cut inside its last line: every whole line applies, the cut is named.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        try bytes.prefix(bytes.count - 40).write(to: URL(fileURLWithPath: dir.file("cut.jsonl")))
        let cut = try ReplicaStore(path: dir.file("cut.sqlite"), network: net.network)
        let c = try cut.importFile(dir.file("cut.jsonl"), now: Self.later, blockBytes: 1000)
        #expect(c.accepted == net.ops.count - 1 && c.damage != nil)
    }
}
