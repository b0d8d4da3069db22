import Foundation
import Testing
import ShenguanTestSupport

/// Issue 3 through the real binary: roster administration (R21), staff (R3),
/// policy, and the refusals a clerk sees, each with its code; and the fixes
/// for damaged files, unknown departments and file modes.
@Suite struct CLIRosterTests {
    @Test func rosterFlowStaffAndRefusals() throws {
        let dir = TempDir("roster"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        try net.addDepartment("market", name: "市市场监督管理局", role: "regulator")
        let market = try net.join("M", department: "market")
        // The replica's roster equals the oversight office's after import.
        let a = try net.oversight.json(["roster"]) as! [String: Any], b = try market.json(["roster"]) as! [String: Any]
        #expect(NSDictionary(dictionary: a).isEqual(to: b))
        #expect((b["departments"] as? [[String: Any]])?.contains { $0["id"] as? String == "market" && $0["role"] as? String == "regulator" } == true)
        // A regulator cannot change the roster: no root key here.
        expectError(try market.run(["network", "add-department", "--id", "x", "--name", "x", "--role", "approval"]), "roster.no_root_key")
        // Staff (R3): register, cite, and refuse a member whose validity ended
        // (dates chosen so that the test does not depend on today's date).
        let reg = try market.json(["staff", "add", "--staff-no", "0042", "--name", "王芳", "--office", "登记科",
                                   "--from", "2020-01-01", "--until", "2099-12-31"]) as! [String: Any]
        let staffID = reg["id"] as! String
        _ = try market.ok(["note", "--staff", String(staffID.prefix(12)), "已认领"])
        let retired = try market.json(["staff", "add", "--staff-no", "0007", "--name", "张伟", "--office", "登记科",
                                       "--from", "2020-01-01", "--until", "2021-06-30"]) as! [String: Any]
        let before = try market.opCount()
        expectError(try market.run(["note", "--staff", retired["id"] as! String, "过期"]), "staff.invalid")
        #expect(try market.opCount() == before)
        // Ended early (staff end, issue 15): listed with its last day; a second end must come before it.
        let ended = try market.json(["staff", "end", "0042", "--last-day", "2020-06-30", "--reason", "调离"]) as! [String: Any]
        #expect(ended["kind"] as? String == "staff.end")
        #expect(try market.opCount() == before + 1)
        let listed = try market.json(["staff", "list"]) as! [[String: Any]]
        #expect(listed.first { $0["id"] as? String == staffID }?["endedOn"] as? String == "2020-06-30", "\(listed)")
        #expect(listed.first { $0["id"] as? String == retired["id"] as? String }?["endedOn"] is NSNull)
        expectError(try market.run(["staff", "end", "0042", "--last-day", "2021-01-01", "--reason", "调离"]), "staff.end_late")
        #expect(try market.ok(["staff", "list"]).contains("已终止（最后一日 2020-06-30）"))
        // Revocation: the revoked replica's new operations are refused.
        let key = (b["replicas"] as! [[String: Any]]).first { $0["department"] as? String == "market" }!["key"] as! String
        _ = try net.oversight.ok(["network", "revoke", "--key", key, "--reason", "设备遗失"])
        try net.oversight.export(dir.file("roster2.jsonl"))
        _ = try market.importFile(dir.file("roster2.jsonl"))
        expectError(try market.run(["note", "after"]), "auth.not_admitted")
    }

    @Test func joiningAnUnknownDepartmentOrWithABadGenesisCreatesNothing() throws {
        let dir = TempDir("join"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        let c = CLI(home: dir.file("X"))
        let r = try c.run(["init", "--genesis", net.genesis, "--department", "nowhere"])
        expectError(r, "roster.unknown_department")
        #expect(r.stderr.contains("oversight"))
        try "not an export\n".write(toFile: dir.file("bad.jsonl"), atomically: true, encoding: .utf8)
        expectError(try c.run(["init", "--genesis", dir.file("bad.jsonl"), "--department", "oversight"]), "genesis.invalid")
        #expect(!FileManager.default.fileExists(atPath: c.home))
    }

    @Test func policyShowCitesRuleIdsAndRefusesBadFiles() throws {
        let dir = TempDir("policy"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        let p = try net.oversight.json(["policy", "show"]) as! [String: Any]
        #expect(p["profile"] as? String == "liaocheng")
        #expect((p["claim"] as? [String: Any])?["rule"] as? String == "R2")
        #expect((p["claim"] as? [String: Any])?["workingDays"] as? Int == 2)
        let text = try net.oversight.ok(["policy", "show", "--profile", "nantong"])
        #expect(text.contains("[local choice]") && text.contains("R7"))
        try #"{"base":"linzi","claim":{"workingDays":"two"}}"#.write(toFile: dir.file("p.json"), atomically: true, encoding: .utf8)
        let bad = try net.oversight.run(["policy", "show", "--file", dir.file("p.json")])
        expectError(bad, "policy.invalid")
        #expect(bad.stderr.contains("claim.workingDays"))
        _ = try net.oversight.ok(["network", "policy", "--profile", "linzi"])
        #expect((try net.oversight.json(["policy", "show"]) as! [String: Any])["profile"] as? String == "linzi")
    }

    @Test func damagedExportsWarnButApplyWhatTheyCan() throws {
        let dir = TempDir("damaged"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        let o = net.oversight
        for i in 0..<3 { _ = try o.note("记录 \(i)") }
        try o.export(dir.file("all.jsonl"))
        let text = try String(contentsOfFile: dir.file("all.jsonl"), encoding: .utf8)
        // Cut off the final newline, and separately drop the last line.
        try String(text.dropLast()).write(toFile: dir.file("cut.jsonl"), atomically: true, encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init); lines.removeLast()
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir.file("short.jsonl"), atomically: true, encoding: .utf8)
        for (file, expectOps) in [("cut.jsonl", 4), ("short.jsonl", 3)] {
            let c = try net.join("R-\(file)", admit: false)
            let r = try c.run(["import", dir.file(file)])
            #expect(r.status == 1, "\(file)")
            #expect(r.stderr.contains("export.damaged"), "\(file): \(r.stderr)")
            #expect(try c.opCount() == expectOps, "\(file)")
        }
        // A blank line in the middle is an operation line that is not an envelope.
        lines = text.split(separator: "\n").map(String.init)
        lines.insert("", at: 2)
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir.file("blank.jsonl"), atomically: true, encoding: .utf8)
        let c = try net.join("R-blank", admit: false)
        let r = try c.importFile(dir.file("blank.jsonl"))
        #expect(r.rejected.map(\.code) == ["op.malformed"])
    }

    @Test func replicaFilesArePrivateAndTheDemoKeepsToItsOwnFolder() throws {
        let dir = TempDir("modes"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        _ = try net.oversight.note("x")
        for f in ["replica.sqlite", "replica.key", "root.key", "genesis.jsonl"] {
            #expect(fileMode(net.oversight.home + "/" + f) & 0o077 == 0, "\(f)")
        }
        try "keep me".write(toFile: dir.file("precious.txt"), atomically: true, encoding: .utf8)
        let r = try Subprocess.run(Subprocess.shenguan, ["demo", "--dir", dir.path])
        expectError(r, "demo.dir_in_use")
        #expect(FileManager.default.fileExists(atPath: dir.file("precious.txt")))
    }

    @Test func rootKeyRotationThroughTheCLI() throws {
        let dir = TempDir("rotate"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        let before = (try net.oversight.json(["roster"]) as! [String: Any])["root"] as? String
        _ = try net.oversight.ok(["network", "rotate-root"])
        try net.addDepartment("credit", name: "市信用信息平台", role: "credit")
        let after = try net.oversight.json(["roster"]) as! [String: Any]
        #expect(after["root"] as? String != before && after["version"] as? Int == 3)
        #expect(fileMode(net.oversight.home + "/root.key") == 0o600)
        // Another replica reaches the same roster from the export alone.
        let credit = try net.join("C", department: "credit")
        #expect((try credit.json(["roster"]) as! [String: Any])["root"] as? String == after["root"] as? String)
    }
}

/// The README's main job: the demo runs, syncs over loopback HTTP, converges
/// and shows the refusals.
@Suite struct CLIDemoTests {
    @Test func demoConvergesOverLoopbackHTTP() throws {
        let dir = TempDir("demo"); defer { dir.remove() }
        let r = try Subprocess.run(Subprocess.shenguan, ["demo", "--dir", dir.file("out")], env: ["SHENGUAN_PASSPHRASE": ""])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("converged: yes"))
        #expect(r.stdout.contains("http://127.0.0.1:"))
        #expect(r.stdout.contains("auth.forbidden_kind") && r.stdout.contains("op.body_mismatch"))
        // The 审管 scenario (issue #4): on-time claim, auto-claim after the holiday, revocation, silence as consent.
        #expect(r.stdout.contains("按时认领 claimed on time · R2 limit 10-09 24:00 周五"))
        #expect(r.stdout.contains("王芳 (0042) · 市市场监督管理局 · 10-08 09:30  claims (R3)"))
        #expect(r.stdout.contains("超时自动认领 auto-claimed at the limit") && r.stdout.contains("responsible: 市生态环境局 (R2, R24)"))
        #expect(r.stdout.contains("status revoked"))
        #expect(r.stdout.contains("pushes it to 市信用信息平台 by default: R20 limit 10-21 24:00"), "\(r.stdout)")
        #expect(r.stdout.contains("issues certificate JY13715020000123 (R17)") && r.stdout.contains("R17 certificate limit 10-13 24:00"), "\(r.stdout)")
        #expect(r.stdout.contains("liaison officer (R15): 孙伟 (0043)") && r.stdout.contains("the liaison officer signs the record, R15"), "\(r.stdout)")
        #expect(r.stdout.contains("R11 verification limit 10-22 24:00") && r.stdout.contains("promise kept"), "\(r.stdout)")
        #expect(r.stdout.contains("R14 notice limit 10-13 24:00") && r.stdout.contains("联合报告 joint report signed by both departments"), "\(r.stdout)")
        #expect(r.stdout.contains("视为同意 deemed consent") && r.stdout.contains("responsible: 市市场监督管理局 (R12)"))
        // R13: ecology objected in time, market's silence is consent, the minutes escalate; a second minutes is refused.
        #expect(r.stdout.contains("市生态环境局: 反对 objects") && r.stdout.contains("市市场监督管理局: 视为同意 deemed to consent"), "\(r.stdout)")
        #expect(r.stdout.contains("报市政府决定 escalated to 市人民政府办公室") && r.stdout.contains("acknowledges the minutes"), "\(r.stdout)")
        #expect(r.stdout.contains("minutes again, as agreed → review.already_concluded"), "\(r.stdout)")
        // R19: market's training notice, sent in time, acknowledged by the bureau.
        #expect(r.stdout.contains("通知 notice (R19): 培训 training") && r.stdout.contains("R19 limit 10-14 24:00") && r.stdout.contains("按时发送 sent in time")
                && r.stdout.contains("市行政审批服务局 · 10-14 09:40  acknowledges it"), "\(r.stdout)")
        // R18: the food licence was routed by the boundary list, and its status says it matches.
        #expect(r.stdout.contains("pushed to 市市场监督管理局 as the boundary list says (R18)") && r.stdout.contains("与清单一致 pushed as the list says"), "\(r.stdout)")
        #expect(r.stdout.contains("workflow.not_addressee") && r.stdout.contains("workflow.credit_code"))
        #expect(r.stdout.contains("market decides the revocation request → auth.forbidden_kind"), "only the bureau decides (R10)")
        #expect(!r.stdout.contains("accepted?!") && !r.stderr.contains("error"))
        // Issue #6: every verdict of the demo is exported and verified by both verifiers.
        let bundles = try FileManager.default.contentsOfDirectory(atPath: dir.file("out/evidence")).filter { $0.hasSuffix(".json") }
        #expect(bundles.count == 9)
        for b in bundles {
            let o = try CLIEvidenceTests.check(dir.file("out/evidence/\(b)"))
            #expect(o.swiftPassed && o.pyPassed, "\(b)")
            CLIEvidenceTests.expectAgreement(o)
        }
        // R23: each department's line of the year's report, recomputed alike by both verifiers; a count
        // changed, or a counted push left out, fails both.
        let reportFile = dir.file("out/evidence/report-market.json")
        let market = try CLIEvidenceTests.check(reportFile)
        #expect(market.swiftPassed && market.pyPassed && (market.swiftVerdict?["counts"] as? [String: Int]) == ["on_time": 2]
                && (market.pyVerdict?["counts"] as? [String: Int]) == ["on_time": 2], "\(String(describing: market.pyVerdict))")
        #expect(r.stdout.contains("市市场监督管理局   received 2, on time/late/auto/awaiting/open 2/0/0/0/0 → bundle"), "\(r.stdout)")
        var doc = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportFile))) as? [String: Any])
        let verdict = try #require(doc["verdict"] as? [String: Any])
        for tamper in ["counts", "omit"] {
            var v = verdict
            if tamper == "counts" { v["counts"] = ["on_time": 1, "late": 1] }
            else { v["pushes"] = Array((v["pushes"] as? [Any] ?? []).dropFirst()); v["counts"] = ["on_time": 1] }
            doc["verdict"] = v
            let f = dir.file("out/tampered-\(tamper).json")
            try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: f))
            let o = try CLIEvidenceTests.check(f)
            #expect(!o.swiftPassed && !o.pyPassed, "\(tamper)")
        }
        // R16: both verifiers recompute the same two experts from the draw bundle, never the excluded one.
        let draw = try CLIEvidenceTests.check(dir.file("out/evidence/draw.json"))
        let selected = try #require(draw.swiftVerdict?["selected"] as? [String])
        #expect(selected.count == 2 && draw.pyVerdict?["selected"] as? [String] == selected && draw.pyVerdict?["seed"] as? String == draw.swiftVerdict?["seed"] as? String)
        #expect(r.stdout.contains("reveals the last secret: drawn: "), "\(r.stdout)")
        let drawnLine = try #require(r.stdout.split(separator: "\n").first { $0.contains("reveals the last secret") })
        #expect(!drawnLine.contains("陈静") && r.stdout.contains("回避 excluded: 陈静"), "\(drawnLine)")
        // The replicas stay for inspection and agree.
        let digests = try ["bureau", "market", "ecology"].map {
            try Subprocess.run(Subprocess.shenguan, ["state", "--digest", "--home", dir.file("out/\($0)")]).stdout
        }
        #expect(Set(digests).count == 1 && digests[0].count == 65)
    }
}

@Suite struct CLIKeyArgumentTests {
    /// A key beginning with "-" (base64url allows it) is still a value.
    @Test func revokeAcceptsAKeyStartingWithADash() throws {
        let dir = TempDir("dash"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        let r = try net.oversight.run(["network", "revoke", "--key", "-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])
        // Parsed as the key (not a usage error); refused because no such replica is active.
        expectError(r, "roster.invalid")
        #expect(r.stderr.contains("not active"))
    }
}
