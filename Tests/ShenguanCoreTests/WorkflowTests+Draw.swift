import Foundation
import Testing
import ShenguanCalendar
@testable import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// R16 (000 第十四条): a draw only participants make, each secret fixed
/// before any is shown, refused where a replica refuses it.
extension WorkflowTests {
    @Test func aDrawIsMadeByCommittedSecretsAndRefusesWhatCouldSteerIt() throws {
        var net = reviewNetwork()   // d0 bureau, d1 d2 regulators, d3 oversight, d4 bureau, d5 regulator
        var experts = [VerifiedOp]()
        for i in 0..<4 {
            let field: JSONValue = .string(i == 3 ? "安全生产" : "环境影响评价")
            let b: JSONValue = ["expertNo": .string("E\(i)"), "name": "专家", "field": field, "employer": "单位"]
            let at: Int64 = F.ms("2026-10-09T09:00:00") + Int64(i) * 1000
            experts.append(net.write(i % 2 == 0 ? 0 : 1, kind: WorkflowKinds.expertRegister, body: b, at: at))
        }
        for to in [0, 1, 2, 5] { net.sync(from: 1, to: to); net.sync(from: 0, to: to) }
        let cands = experts.prefix(3).map(\.id).sorted()
        let body: JSONValue = ["topic": "评审", "field": "环境影响评价", "count": 2, "candidates": .array(cands.map { .string($0.hex) }),
                               "participants": ["d0", "d1"]]
        // A candidate of another field, a participant that cannot commit: refused.
        var wrong = body.objectValue!; wrong["candidates"] = .array(experts.map(\.id).sorted().map { .string($0.hex) })
        #expect(rejection(decide(net, net.draft(0, kind: WorkflowKinds.drawRequest, body: .object(wrong)).0)) == .invalidRef)
        var office = body.objectValue!; office["participants"] = ["d0", "d3"]
        #expect(rejection(decide(net, net.draft(0, kind: WorkflowKinds.drawRequest, body: .object(office)).0)) == .invalidRef)
        let req = net.write(0, kind: WorkflowKinds.drawRequest, body: body, at: F.ms("2026-10-09T10:00:00"))
        for to in [1, 5] { net.sync(from: 0, to: to) }
        let nonce = { (d: Int) in SHA256.hash(Array("secret \(d)".utf8)) }
        func commit(_ d: Int) -> JSONValue { ["request": .string(req.id.hex), "commitment": .string(ExpertDraw.commitment(request: req.id, nonce: nonce(d)).hex)] }
        #expect(rejection(decide(net, net.draft(5, kind: WorkflowKinds.drawCommit, body: commit(5)).0)) == .notAddressee)
        let c0 = net.write(0, kind: WorkflowKinds.drawCommit, body: commit(0), at: F.ms("2026-10-09T10:01:00"))
        let c1 = net.write(1, kind: WorkflowKinds.drawCommit, body: commit(1), at: F.ms("2026-10-09T10:02:00"))
        net.sync(from: 1, to: 0); net.sync(from: 0, to: 1)
        var m = everything(net)
        #expect(try m.workflow.inbox(for: "d1", ctx(m, now: F.ms("2026-10-09T11:00:00"))).map(\.action) == ["reveal"])
        let both = [c0.id, c1.id].sorted().map { JSONValue.string($0.hex) }
        // A reveal naming only its own commitment, or a secret that does not open it: refused.
        #expect(throws: OpRejection.self) {
            try OpKinds.validate(kind: WorkflowKinds.drawReveal, body: ["request": .string(req.id.hex), "nonce": .string(nonce(0).hex), "commits": [.string(c0.id.hex)]])
        }
        let badNonce: JSONValue = ["request": .string(req.id.hex), "nonce": .string(nonce(9).hex), "commits": .array(both)]
        #expect(rejection(decide(net, net.draft(0, kind: WorkflowKinds.drawReveal, body: badNonce).0)) == .invalidRef)
        net.write(0, kind: WorkflowKinds.drawReveal, body: ["request": .string(req.id.hex), "nonce": .string(nonce(0).hex), "commits": .array(both)], at: F.ms("2026-10-09T10:10:00"))
        m = everything(net)
        #expect(m.workflow.drawStatus(of: m.workflow.draws[req.id]!).status == "awaiting_reveals")
        net.write(1, kind: WorkflowKinds.drawReveal, body: ["request": .string(req.id.hex), "nonce": .string(nonce(1).hex), "commits": .array(both)], at: F.ms("2026-10-09T10:11:00"))
        m = everything(net)
        let st = m.workflow.drawStatus(of: m.workflow.draws[req.id]!)
        let seed = ExpertDraw.seed(request: req.id, nonces: [nonce(0), nonce(1)])
        #expect(st.status == "drawn" && st.seed == seed && st.selected == ExpertDraw.select(seed: seed, eligible: cands, count: 2))
        #expect(st.selected.count == 2 && Set(st.selected).isSubset(of: Set(cands)))
        // A second commitment by a participant voids the draw (it could have chosen between two secrets).
        net.write(1, kind: WorkflowKinds.drawCommit, body: commit(2), at: F.ms("2026-10-09T10:12:00"))
        m = everything(net)
        #expect(m.workflow.drawStatus(of: m.workflow.draws[req.id]!).status == "void")
    }
}
