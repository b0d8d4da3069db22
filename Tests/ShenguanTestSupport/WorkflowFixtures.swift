import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

/// Bodies and a small 审管 network for workflow tests: d0 the approval
/// bureau, d1 market regulation, d2 ecology and environment, d3 a
/// provincial regulator (R5 relays), under the 聊城 policy (R2: 2 working days).
public enum Fixtures {
    /// Valid GB 32100-2015 codes.
    public static let codeA = CreditCode.withCheck("91371500MA3C4XYW1")!
    public static let codeB = CreditCode.withCheck("91371502MA3N8K7P2")!

    /// Milliseconds of a CST wall-clock time, e.g. ms("2026-09-30T16:00:00").
    public static func ms(_ cst: String) -> Int64 { ChinaStandardTime.parseRFC3339(cst + "+08:00")! }

    public static func network(seed: UInt64 = 7) -> TestNetwork {
        TestNetwork(authors: 4, seed: seed, startMillis: ms("2026-09-01T09:00:00"),
                    roles: [.approval, .regulator, .regulator, .regulator], policy: .liaocheng)
    }

    public static func approval(code: String = codeA, alerts: [Digest] = [], commitment: Bool = false,
                                extra: [String: JSONValue] = [:]) -> JSONValue {
        var o: [String: JSONValue] = [
            "item": ["code": "370100-001", "name": "食品经营许可"], "powerType": "行政许可",
            "applicant": ["name": "聊城市鲁西餐饮有限公司", "creditCode": .string(code), "contact": "0635-1234567"],
            "licenceNo": "JY13715000001", "decisionDate": "2026-09-30", "validUntil": "2031-09-29",
            "riskPoints": ["冷链储存"], "commitment": .bool(commitment),
        ]
        if !alerts.isEmpty { o["alerts"] = .array(alerts.sorted().map { .string($0.hex) }) }
        for (k, v) in extra { o[k] = v }
        return .object(o)
    }

    public static func push(_ record: Digest, to: String, via: Digest? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["record": .string(record.hex), "to": .string(to)]
        if let via { o["via"] = .string(via.hex) }
        return .object(o)
    }

    public static func claim(_ push: Digest, staff: Digest? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["push": .string(push.hex)]
        if let staff { o["staff"] = .string(staff.hex) }
        return .object(o)
    }

    public static func supervision(category: String = "penalty", code: String? = codeA, approval: Digest? = nil,
                                   published: String = "2026-10-12", listing: String? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["category": .string(category), "decisionDate": .string(published),
                                      "publishedDate": .string(published), "summary": "超范围经营，罚款5000元"]
        if let code { o["subject"] = ["name": "聊城市鲁西餐饮有限公司", "creditCode": .string(code)] }
        if let approval { o["approval"] = .string(approval.hex) }
        if let listing { o["listing"] = .string(listing) }
        return .object(o)
    }
}
