import ShenguanCalendar
import ShenguanCrypto

extension EvidenceVerifier {
    /// R23 (§8 kind "report"): every push the report counts is a push to its
    /// department made in its months, its verdict is recomputed from the
    /// bundle as a push bundle's would be, no push of the bundle that the
    /// report should count is left out, and every count is the sum of the
    /// recomputed outcomes.
    static func verifyReport(_ bundle: EvidenceBundle, wf: Workflow, ctx: JudgeContext, byID: [Digest: VerifiedOp], report: Report) -> Report {
        var report = report
        let v = bundle.verdict
        guard let months = v["months"]?.arrayValue?.compactMap(\.stringValue), !months.isEmpty,
              let rows = v["pushes"]?.arrayValue, let counts = v["counts"]?.objectValue, v["department"]?.stringValue == bundle.subject else {
            report.check(false, "统计证据包缺少部门、月份、推送或计数", "the report bundle lacks its department, months, pushes or counts"); return report
        }
        let department = bundle.subject, inPeriod = Set(months)
        func month(_ ms: Int64) -> String {
            let d = ChinaStandardTime.civilDate(atMillis: ms)
            return "\(d.year)-\(d.month < 10 ? "0" : "")\(d.month)"
        }
        var listed = [Digest](), recomputed = [JSONValue](), sums = [String: Int64](), wrong = [String]()
        for row in rows {
            guard let id = row["push"]?.stringValue.flatMap({ Digest(hex: $0) }), let p = wf.pushes[id] else {
                wrong.append("\(row["push"]?.stringValue?.prefix(12) ?? "?"): not a push held in the bundle"); continue
            }
            guard p.body.to == department, inPeriod.contains(month(p.act.time)) else {
                wrong.append("\(id.hex.prefix(12)): not a push to \(department) in \(months.joined(separator: ", "))"); continue
            }
            guard byID[p.body.record]?.body != nil, let st = try? wf.status(of: p, ctx) else {
                wrong.append("\(id.hex.prefix(12)): its record or calendar is not in the bundle"); continue
            }
            listed.append(id)
            let outcome = st.claim.outcome.rawValue
            sums[outcome, default: 0] += 1
            recomputed.append(.object(["push": .string(id.hex), "status": .string(st.label), "outcome": .string(outcome)]))
            if row["status"]?.stringValue != st.label || row["outcome"]?.stringValue != outcome {
                wrong.append("\(id.hex.prefix(12)): recomputed \(st.label) differs from the reported \(row["status"]?.stringValue ?? "?")")
            }
        }
        // A push of the bundle the report should count but leaves out.
        let omitted = wf.pushes.values.filter { $0.body.to == department && inPeriod.contains(month($0.act.time)) && !listed.contains($0.act.id) }
        for p in omitted { wrong.append("\(p.act.id.hex.prefix(12)): a push to \(department) in the period that the report does not count") }
        let sameCounts = counts.mapValues { $0.intValue ?? -1 } == sums
        if !sameCounts { wrong.append("the counts \(counts.mapValues { $0.intValue ?? -1 }) are not the sums of the recomputed outcomes \(sums)") }
        report.check(wrong.isEmpty, "统计重算一致：\(listed.count) 项推送，\(sums.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "，"))",
                     wrong.isEmpty ? "report recomputed: \(listed.count) pushes, \(sums.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))"
                                   : "report differs: " + wrong.prefix(5).joined(separator: "; "))
        report.incomplete.append("a report bundle proves each push it counts; a push to \(department) that it holds no trace of cannot be shown missing")
        report.verdict = .object(["department": .string(department), "months": .array(months.map { .string($0) }),
                                  "pushes": .array(recomputed), "counts": .object(sums.mapValues { .int($0) })])
        return report
    }
}
