import ShenguanCalendar
import ShenguanCrypto

/// Rechecks an evidence bundle offline (issue #6; PROTOCOL.md §8): every
/// signature, id, chain link and key, then the intervals, the limit and the
/// verdict, compared with the verdict the exporting replica reached.
public enum EvidenceVerifier {
    public struct Line: Sendable {
        public let ok: Bool
        public let zh: String
        public let en: String
    }
    public struct Report: Sendable {
        public var lines: [Line] = []
        /// The verdict recomputed from the bundle alone.
        public var verdict: JSONValue = .null
        /// Things the bundle does not prove (not failures of the bundle itself).
        public var incomplete: [String] = []
        public var passed: Bool { lines.allSatisfy(\.ok) }
        mutating func check(_ ok: Bool, _ zh: String, _ en: String) { lines.append(Line(ok: ok, zh: zh, en: en)) }
    }

    public static func verify(_ bundle: EvidenceBundle) -> Report {
        var report = Report()
        var ops = [VerifiedOp](), ids = Set<Digest>(), failed = 0
        for (i, env) in bundle.envelopes.enumerated() {
            do {
                let op = try VerifiedOp.verify(env, network: bundle.network)
                if ids.insert(op.id).inserted { ops.append(op) }   // a set of operations: a copy changes nothing (§2.5, §8)
            } catch {
                failed += 1
                report.check(false, "第\(i + 1)项操作未通过验证：\(error.code.rawValue)", "operation \(i + 1) fails verification: \(error)")
            }
        }
        let verified = bundle.envelopes.count - failed
        report.check(failed == 0, "签名、编号、规范格式：\(verified)/\(bundle.envelopes.count) 项通过",
                     "signatures, ids, canonical bytes: \(verified) of \(bundle.envelopes.count) verify")
        // Roster: the genesis named by the network id, then the root chain.
        let rosterOps = ops.filter { $0.header.kind.hasPrefix("roster.") }.sorted { ($0.header.clock, $0.id) < ($1.header.clock, $1.id) }
        guard let genesis = rosterOps.first(where: { $0.header.kind == RosterOps.genesis && $0.id == bundle.network }),
              var roster = try? RosterState(genesis: genesis) else {
            report.check(false, "缺少本网络的创世名册", "the genesis roster of this network is missing")
            return report
        }
        var rosterOK = true, versions = [roster]
        let held = Set(ops.map(\.id))
        for op in rosterOps where op.id != genesis.id {
            if let prev = op.header.prev, !held.contains(prev) {
                rosterOK = false
                report.check(false, "名册根链不完整：缺少 \(op.id.hex.prefix(12))… 的前一项", "the root chain is incomplete: the operation before \(op.id.hex.prefix(12))… is not in the bundle")
            }
            do { try roster.apply(op); versions.append(roster) } catch { rosterOK = false; report.check(false, "名册操作无效：\(error.detail)", "roster operation invalid: \(error.detail)") }
        }
        if rosterOK { report.check(true, "名册：\(rosterOps.count) 项，第 \(roster.version) 版", "roster: \(rosterOps.count) operations, version \(roster.version)") }
        // Keys: every author is the root or an admitted replica.
        let unknown = ops.filter { $0.header.author != roster.root && roster.replicas[$0.header.author] == nil && !$0.header.kind.hasPrefix("roster.") }
        report.check(unknown.isEmpty, "签名密钥均在名册中", unknown.isEmpty ? "every signing key is in the roster"
                     : "\(unknown.count) operations are signed by keys the roster never admitted")
        for op in ops where roster.replicas[op.header.author]?.revokedAt != nil {
            report.incomplete.append("key of \(op.id.hex.prefix(12))… was revoked at roster version \(roster.replicas[op.header.author]!.revokedAt!): check the operation precedes it")
        }
        // Forks: one author, one seq, two operations (each links to its own `prev`, §2.6).
        var bySeq = [PublicKey: [Int64: [Digest]]]()
        for op in ops { bySeq[op.header.author, default: [:]][op.header.seq, default: []].append(op.id) }
        var forks = [(PublicKey, Int64)]()
        for (a, seqs) in bySeq { for (s, ids) in seqs where Set(ids).count > 1 { forks.append((a, s)) } }
        // §2.5 steps 12–13 between the operations held: `prev` is the author's
        // operation at seq − 1, `skip` at skipSeq(seq), `deps` name other authors, and every clock is
        // after the clocks it builds on. Out of causal order, no verdict.
        let byID = Dictionary(ops.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let disordered = ops.filter { op in
            let h = op.header
            if h.chainLinks.contains(where: { l in byID[l.id].map { $0.header.author != h.author || $0.header.seq != l.seq } ?? false }) { return true }
            if h.deps.contains(where: { byID[$0]?.header.author == h.author }) { return true }
            return h.parents.contains { byID[$0].map { !($0.header.clock < h.clock) } ?? false }
        }
        report.check(disordered.isEmpty, "哈希链连续、因果顺序成立", disordered.isEmpty ? "chain links hold and every clock is after what it builds on"
                     : "\(disordered.count) operations break their chain or have a clock not after what they build on (op.chain_broken, op.clock_regression)")
        guard disordered.isEmpty else { return report }
        let departments = roster.replicas.mapValues(\.department)
        if bundle.kind == "equivocation" {
            // The lowest seq at which the subject signed two operations (§8), whatever the order held.
            let fork = forks.filter { $0.0.base64url == bundle.subject }.min { $0.1 < $1.1 }
            report.check(fork != nil, fork.map { "分叉成立：同一作者在第 \($0.1) 号签署了两项不同操作" } ?? "未见分叉",
                         fork.map { "fork confirmed: the author signed two different operations at seq \($0.1)" } ?? "no fork of that author in the bundle")
            report.verdict = .object(["fork": .bool(fork != nil), "seq": fork.map { .int($0.1) } ?? .null])
            return report
        }
        if bundle.kind == "draw" { return verifyDraw(bundle, ops: ops, roster: roster, byID: byID, report: report) }
        // Intervals, limit and verdict, from the bundle alone.
        let graph = EvidenceGraph(ops: ops) { departments[$0] }
        let evidence = ProvenEvidence(graph: graph) { departments[$0] }
        // Each limit under the policy in force at its subject's time (§4.2), the latest calendar.
        let ctx = JudgeContext(rosters: versions, now: bundle.judgedAt, evidence: evidence)
        let wf = Workflow(ops: ops.filter { Workflow.inputKinds.contains($0.header.kind) }, roster: roster)
        if bundle.kind == "report" { return verifyReport(bundle, wf: wf, ctx: ctx, byID: byID, report: report) }
        guard let subject = Digest(hex: bundle.subject) else {
            report.check(false, "主题编号无效", "the subject is not an operation id"); return report
        }
        // No guessing the limit: the pushed record decides it (R2 or R7), with its body (its staff, §8 4a).
        if let p = wf.pushes[subject], byID[p.body.record]?.body == nil {
            report.check(false, "包中没有被推送的记录", "the bundle does not hold the pushed record"); return report
        }
        if let held = wf.pushes[subject] != nil ? "push" : wf.inquiries[subject] != nil ? "inquiry" : nil, bundle.kind != held {
            report.check(false, "证据包类型与主题不符", "the bundle's kind \(bundle.kind) is not its subject's (\(held))"); return report
        }
        do {
            if let p = wf.pushes[subject] {
                let st = try wf.status(of: p, ctx)
                report.verdict = verdictJSON(label: st.label, st.claim, responsible: st.responsible)
                note(st.claim, &report)
            } else if let q = wf.inquiries[subject] {
                let st = try wf.status(of: q, ctx)
                report.verdict = verdictJSON(label: st.label, st.verdict, responsible: st.responsible)
                note(st.verdict, &report)
                if st.verdict.outcome == .lapsed && !st.isFinal {
                    report.incomplete.append("no operation shows the silent party's chain after the limit plus grace: consent is provisional")
                }
            } else {
                report.check(false, "包中没有该推送或函询", "the bundle does not hold that push or inquiry"); return report
            }
        } catch {
            report.check(false, "日历不覆盖所需年份：\(error)", "the calendar does not cover the years needed: \(error)"); return report
        }
        let same = ["status", "outcome", "basis", "limit", "provisionalCalendar"].allSatisfy { report.verdict[$0] == bundle.verdict[$0] }
        report.check(same, "重算结论与导出结论一致：\(report.verdict["status"]?.stringValue ?? "?")",
                     same ? "recomputed verdict matches the exported one: \(report.verdict["status"]?.stringValue ?? "?")"
                          : "recomputed verdict \(report.verdict["status"]?.stringValue ?? "?") / \(report.verdict["basis"]?.stringValue ?? "?") differs from the exported \(bundle.verdict["status"]?.stringValue ?? "?") / \(bundle.verdict["basis"]?.stringValue ?? "?")")
        return report
    }

    /// R16 (§4.5, §8): the draw recomputed from the request, its
    /// candidates, the commitments and the reveals the bundle holds.
    static func verifyDraw(_ bundle: EvidenceBundle, ops: [VerifiedOp], roster: RosterState, byID: [Digest: VerifiedOp], report: Report) -> Report {
        var report = report
        let wf = Workflow(ops: ops.filter { Workflow.inputKinds.contains($0.header.kind) }, roster: roster)
        guard let subject = Digest(hex: bundle.subject), let d = wf.draws[subject] else {
            report.check(false, "包中没有该抽取申请", "the bundle does not hold that draw request"); return report
        }
        let missing = d.body.candidates.filter { c in (wf.experts[c]?.body.field).map { $0 != d.body.field } ?? true }
        guard missing.isEmpty else {
            report.check(false, "包中缺少候选专家的登记", "the bundle lacks the registration of \(missing.count) candidates in \(d.body.field)"); return report
        }
        let st = wf.drawStatus(of: d)
        report.verdict = Workflow.json(st)
        if st.status != "drawn" { report.incomplete.append("the draw is \(st.status): no experts are drawn from this bundle") }
        let same = ["status", "seed", "selected"].allSatisfy { report.verdict[$0] == bundle.verdict[$0] }
        report.check(same, "重算抽取结果与导出结果一致：\(st.status)",
                     same ? "recomputed draw matches the exported one: \(st.status), \(st.selected.count) experts"
                          : "recomputed draw \(st.status) \(st.selected.map { $0.hex.prefix(8) }) differs from the exported \(bundle.verdict["status"]?.stringValue ?? "?")")
        return report
    }

    /// The comparable verdict: label, outcome, basis, limit, rule, evidence.
    /// `provisionalCalendar` is present (true) only for a limit judged on
    /// the provisional rule (§4.2).
    public static func verdictJSON(label: String, _ v: Verdict, responsible: String?) -> JSONValue {
        var o: [String: JSONValue] = ["status": .string(label), "outcome": .string(v.outcome.rawValue), "basis": .string(v.basis.rawValue),
                                      "rule": .string(v.rule), "limit": .string(v.due.deadlineRFC3339), "evidence": .string(v.evidence),
                                      "responsible": responsible.map { .string($0) } ?? .null, "detail": Workflow.json(v)]
        if v.provisional { o["provisionalCalendar"] = .bool(true) }
        return .object(o)
    }

    static func note(_ v: Verdict, _ report: inout Report) {
        if v.provisional { report.incomplete.append("the limit reaches a year without an official calendar in the roster: judged on the provisional rule (weekends only) until the oversight office adds it") }
        if v.provisionalStart { report.incomplete.append("the trigger was not witnessed by another department in this bundle: the window starts at its author's own clock") }
        if let b = v.actBounds, !b.isWitnessed {
            report.incomplete.append("the act carries no witness by another department in this bundle: a timely act is not proven")
        }
    }

    /// The report as text, in Chinese and English (issue #6 item 4).
    public static func text(_ r: Report, bundle: EvidenceBundle) -> [String] {
        var out = ["证据包核验 evidence bundle check · \(bundle.kind) \(bundle.subject.prefix(16))… · judged at \(ChinaStandardTime.rfc3339CST(millis: bundle.judgedAt))"]
        for l in r.lines { out.append("  \(l.ok ? "✓" : "✗") \(l.zh)\n      \(l.en)") }
        if bundle.kind == "draw", let v = r.verdict.objectValue {
            out.append("  抽取 draw (R16): \(v["status"]?.stringValue ?? "") · seed \(v["seed"]?.stringValue ?? "—")")
            for (i, e) in (v["selected"]?.arrayValue ?? []).enumerated() { out.append("    \(i + 1). \(e.stringValue ?? "")") }
        } else if bundle.kind == "report", let v = r.verdict.objectValue {
            let counts = (v["counts"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.intValue ?? 0)" }.joined(separator: " · ")
            out.append("  时效统计 timeliness (R23): \(bundle.subject) · \(v["months"]?.arrayValue?.first?.stringValue ?? "")…\(v["months"]?.arrayValue?.last?.stringValue ?? "") · \(v["pushes"]?.arrayValue?.count ?? 0) pushes · \(counts)")
        } else if let v = r.verdict.objectValue {
            out.append("  结论 verdict (\(v["rule"]?.stringValue ?? "")): \(v["status"]?.stringValue ?? "") · \(v["basis"]?.stringValue ?? "") · limit \(v["limit"]?.stringValue ?? "")")
            if let e = v["evidence"]?.stringValue { out.append("    依据 evidence: \(e)") }
            if let resp = v["responsible"]?.stringValue { out.append("    责任方 responsible: \(resp) (R24)") }
        }
        for i in r.incomplete { out.append("  ⚠ 证据不完整 evidence incomplete: \(i)") }
        out.append(r.passed ? "  通过 PASSED" : "  未通过 FAILED")
        return out
    }
}

extension EvidenceVerifier {
    /// What a verifier prints for several files; `read` is the caller's file
    /// access (nil: unreadable). `failed` when any file fails.
    public static func output(paths: [String], json: Bool, read: (String) -> [UInt8]?) -> (stdout: [String], stderr: [String], failed: Bool) {
        var out = [String](), err = [String](), failed = false
        for path in paths {
            guard let bytes = read(path) else {
                err.append("error [evidence.unreadable]: cannot read \(path)"); failed = true; continue
            }
            let o = output(bytes: bytes, path: path, json: json)
            out += o.stdout
            if let e = o.stderr { err.append(e) }
            failed = failed || !o.passed
        }
        return (out, err, failed)
    }

    /// What a verifier prints for one bundle file's bytes: lines for stdout
    /// (text or one JSON line), or an error line for stderr when the bytes
    /// are no bundle. Shared by `shenguan verify` and `shenguan-verify`.
    public static func output(bytes: [UInt8], path: String, json: Bool) -> (stdout: [String], stderr: String?, passed: Bool) {
        let bundle: EvidenceBundle
        do { bundle = try EvidenceBundle(bytes: bytes) } catch {
            // With --json, an answer on stdout all the same: failed, no verdict.
            let value: JSONValue = ["file": .string(path), "passed": false, "verdict": .null, "incomplete": [],
                                    "failures": [.string("evidence.malformed: \(error)")]]
            return (json ? [String(decoding: (try? CanonicalJSON.encode(value)) ?? [], as: UTF8.self)] : [],
                    "error [evidence.malformed]: \(path): \(error)", false)
        }
        let report = verify(bundle)
        guard json else { return (text(report, bundle: bundle), nil, report.passed) }
        let value: JSONValue = ["file": .string(path), "passed": .bool(report.passed), "verdict": report.verdict,
                                "incomplete": .array(report.incomplete.map { .string($0) }),
                                "failures": .array(report.lines.filter { !$0.ok }.map { .string($0.en) })]
        return ([String(decoding: (try? CanonicalJSON.encode(value)) ?? [], as: UTF8.self)], nil, report.passed)
    }
}
