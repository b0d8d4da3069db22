import Foundation
import Testing
import ShenguanCalendar
@testable import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// R18 (003 山东 85号): the boundary list as versioned signed entries; an
/// approval's pushes are checked against the entry in force when it was
/// issued.
extension WorkflowTests {
    static func entry(_ regulators: [String], supersedes: [Digest] = [], code: String = "370100-001") -> JSONValue {
        var o: [String: JSONValue] = [
            "itemCode": .string(code), "itemName": "食品经营许可", "powerType": "行政许可", "approvalDuties": "审批并推送结果",
            "regulatorDuties": "认领并开展日常监管", "regulators": .array(regulators.map { .string($0) }), "pushMethod": "审管互动平台推送",
            "office": "食品经营许可科"]
        if !supersedes.isEmpty { o["supersedes"] = .array(supersedes.sorted().map { .string($0.hex) }) }
        return .object(o)
    }

    @Test func theBoundaryListInForceAtAnApprovalChecksItsPushes() throws {
        var net = F.network()   // d0 bureau, d1–d3 regulators
        let v1 = net.write(0, kind: WorkflowKinds.boundaryEntry, body: Self.entry(["d1"]), at: F.ms("2026-09-01T09:00:00"))
        // Issued under version 1: pushed to d1 as listed.
        let a1 = net.write(0, kind: WorkflowKinds.approval, body: F.approval(extra: ["licenceNo": "JY1"]), at: F.ms("2026-09-02T09:00:00"))
        net.write(0, kind: WorkflowKinds.push, body: F.push(a1.id, to: "d1"), at: F.ms("2026-09-02T09:00:01"))
        // Version 2 adds d2; an approval after it pushed to d1 and d3 misses d2 and names d3 the list does not.
        let v2 = net.write(0, kind: WorkflowKinds.boundaryEntry, body: Self.entry(["d1", "d2"], supersedes: [v1.id]), at: F.ms("2026-09-10T09:00:00"))
        let a2 = net.write(0, kind: WorkflowKinds.approval, body: F.approval(extra: ["licenceNo": "JY2"]), at: F.ms("2026-09-11T09:00:00"))
        for d in ["d1", "d3"] { net.write(0, kind: WorkflowKinds.push, body: F.push(a2.id, to: d), at: F.ms("2026-09-11T09:00:01")) }
        // Withdrawn: an approval after it has nothing to compare with.
        net.write(0, kind: WorkflowKinds.boundaryWithdraw, body: ["entry": .string(v2.id.hex), "reason": "事项取消"], at: F.ms("2026-09-20T09:00:00"))
        let a3 = net.write(0, kind: WorkflowKinds.approval, body: F.approval(extra: ["licenceNo": "JY3"]), at: F.ms("2026-09-21T09:00:00"))
        net.write(0, kind: WorkflowKinds.push, body: F.push(a3.id, to: "d3"), at: F.ms("2026-09-21T09:00:01"))
        let wf = everything(net).workflow
        #expect(wf.boundaryVersion(v1.id) == 1 && wf.boundaryVersion(v2.id) == 2)
        let c1 = try #require(wf.boundaryCheck(of: a1.id))
        #expect(c1.entries.map(\.act.id) == [v1.id] && c1.matches)
        let c2 = try #require(wf.boundaryCheck(of: a2.id))
        #expect(c2.entries.map(\.act.id) == [v2.id] && c2.missing == ["d2"] && c2.unlisted == ["d3"] && !c2.matches)
        #expect(wf.boundaryCheck(of: a3.id) == nil)
        // In force at an instant: version 1 before version 2, version 2 until its withdrawal, nothing after.
        #expect(wf.boundaryEntries(itemCode: "370100-001", at: HLC(time: F.ms("2026-09-05T00:00:00"), ctr: 0)).map(\.act.id) == [v1.id])
        #expect(wf.boundaryEntries(itemCode: "370100-001", at: HLC(time: F.ms("2026-09-15T00:00:00"), ctr: 0)).map(\.act.id) == [v2.id])
        #expect(wf.boundaryEntries(itemCode: "370100-001").isEmpty && wf.boundaryList().isEmpty)
    }

    @Test func concurrentVersionsAreAConflictUntilOneSupersedesBoth() throws {
        var net = F.network(roles: [.approval, .regulator, .approval, .regulator])   // two bureaus d0, d2
        let v1 = net.write(0, kind: WorkflowKinds.boundaryEntry, body: Self.entry(["d1"]), at: F.ms("2026-09-01T09:00:00"))
        net.sync(from: 0, to: 2)
        // Both bureaus write a version 2 without seeing each other's.
        let a = net.write(0, kind: WorkflowKinds.boundaryEntry, body: Self.entry(["d1", "d3"], supersedes: [v1.id]), at: F.ms("2026-09-02T09:00:00"))
        let b = net.write(2, kind: WorkflowKinds.boundaryEntry, body: Self.entry(["d3"], supersedes: [v1.id]), at: F.ms("2026-09-02T09:00:00"))
        net.sync(from: 2, to: 0)
        var wf = everything(net).workflow
        #expect(Set(wf.boundaryEntries(itemCode: "370100-001").map(\.act.id)) == [a.id, b.id])
        #expect(wf.boundaryVersion(a.id) == 2 && wf.boundaryVersion(b.id) == 2)
        let approval = net.write(0, kind: WorkflowKinds.approval, body: F.approval(), at: F.ms("2026-09-03T09:00:00"))
        net.write(0, kind: WorkflowKinds.push, body: F.push(approval.id, to: "d3"), at: F.ms("2026-09-03T09:00:01"))
        wf = everything(net).workflow
        let c = try #require(wf.boundaryCheck(of: approval.id))
        #expect(c.conflict && c.missing == ["d1"] && c.unlisted.isEmpty && !c.matches)
        let v3 = net.write(0, kind: WorkflowKinds.boundaryEntry, body: Self.entry(["d1", "d3"], supersedes: [a.id, b.id]), at: F.ms("2026-09-04T09:00:00"))
        wf = everything(net).workflow
        #expect(wf.boundaryEntries(itemCode: "370100-001").map(\.act.id) == [v3.id] && wf.boundaryVersion(v3.id) == 3)
        // Another bureau's entry cannot be withdrawn by d2; a version may not supersede another item's entry.
        let (withdraw, _) = net.draft(2, kind: WorkflowKinds.boundaryWithdraw, body: ["entry": .string(v3.id.hex), "reason": "x"])
        #expect(rejection(decide(net, withdraw)) == .notAddressee)
        let (otherItem, _) = net.draft(0, kind: WorkflowKinds.boundaryEntry, body: Self.entry(["d1"], supersedes: [v3.id], code: "370100-117"))
        #expect(rejection(decide(net, otherItem)) == .invalidRef)
        // Regulators must be roster departments other than the author that may receive pushes; only a bureau writes the list.
        let (toSelf, _) = net.draft(0, kind: WorkflowKinds.boundaryEntry, body: Self.entry(["d0", "d1"]))
        #expect(rejection(decide(net, toSelf)) == .invalidRef)
        let (unknown, _) = net.draft(0, kind: WorkflowKinds.boundaryEntry, body: Self.entry(["d9"]))
        #expect(rejection(decide(net, unknown)) == .invalidRef)
        let (byRegulator, _) = net.draft(1, kind: WorkflowKinds.boundaryEntry, body: Self.entry(["d3"]))
        #expect(rejection(decide(net, byRegulator)) == .forbiddenKind)
    }
}
