import Foundation
import GRDB
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

extension ReplicaStore {
    /// The report bundle of one department's timeliness over `months`
    /// (PROTOCOL.md §8 kind "report", R23): every push addressed to it whose
    /// own time falls in those months (CST), each with what its verdict is
    /// judged from (the union of their push bundles), and the verdicts and
    /// counts the report shows. Either verifier recomputes each verdict and
    /// every count from the bundle alone.
    /// - Parameter months: "2026-10", … (CST calendar months).
    public func reportBundle(department: String, months: [String], now: Int64) throws -> EvidenceBundle {
        let ranges = months.compactMap(Self.monthRange)
        let pushes = try pool.read { db in
            try ranges.flatMap { r in
                try String.fetchAll(db, sql: """
                    SELECT o.id FROM addressed a JOIN ops o ON o.rowid = a.op
                    WHERE a.dept = ? AND o.kind = ? AND o.time >= ? AND o.time < ? AND o.body IS NOT NULL ORDER BY o.time, o.ctr, o.id
                    """, arguments: [department, WorkflowKinds.push, r.lowerBound, r.upperBound]).compactMap { Digest(hex: $0) }
            }
        }
        var envelopes = [Digest: Envelope](), rows = [JSONValue](), counts = [String: Int64]()
        for id in pushes {
            guard let b = try evidenceBundle(for: id, now: now), b.kind == "push" else { continue }
            for e in b.envelopes {
                let key = SHA256.hash(e.header)
                if envelopes[key]?.body == nil { envelopes[key] = e }   // a copy with its body wins
            }
            let outcome = b.verdict["outcome"]?.stringValue ?? "?"
            rows.append(.object(["push": .string(id.hex), "status": b.verdict["status"] ?? .null, "outcome": .string(outcome)]))
            counts[outcome, default: 0] += 1
        }
        let ops = envelopes.values.compactMap { try? VerifiedOp.reload($0) }
        let verdict: JSONValue = .object([
            "department": .string(department), "months": .array(months.map { .string($0) }), "pushes": .array(rows),
            "counts": .object(counts.mapValues { .int($0) })])
        return EvidenceBundle(network: network, subject: department, kind: "report", judgedAt: now,
                              envelopes: Self.causalOrder(ops).map(\.envelope), verdict: verdict)
    }

    /// The instants of a CST calendar month "YYYY-MM": [first day 00:00, next month's 00:00).
    static func monthRange(_ key: String) -> Range<Int64>? {
        let p = key.split(separator: "-")
        guard p.count == 2, let y = Int(p[0]), let m = Int(p[1]), (1...12).contains(m),
              let first = CivilDate(year: y, month: m, day: 1),
              let next = m == 12 ? CivilDate(year: y + 1, month: 1, day: 1) : CivilDate(year: y, month: m + 1, day: 1) else { return nil }
        return ChinaStandardTime.startOfDayMillis(first)..<ChinaStandardTime.startOfDayMillis(next)
    }
}
