import Foundation
import Testing
import ShenguanCalendar
@testable import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// R17 (000 第十三条): where the regulator issues the certificate after the
/// bureau's approval, it does so within the legal or promised limit, counted
/// like the claim from the push's proven time.
extension WorkflowTests {
    func certificatePush(_ net: inout TestNetwork, days: Int = 5) -> (approval: VerifiedOp, push: VerifiedOp) {
        let a = net.write(0, kind: WorkflowKinds.approval, body: F.approval(), at: F.ms("2026-09-30T15:59:00"))
        let p = net.write(0, kind: WorkflowKinds.push, body: ["record": .string(a.id.hex), "to": "d1",
                                                              "certificate": ["workingDays": .int(Int64(days)), "basis": "《食品经营许可管理办法》第十六条"]],
                          at: F.ms("2026-09-30T16:00:00"))
        net.sync(from: 0, to: 1)
        return (a, p)
    }

    /// Pushed Wednesday 09-30 16:00, 5 working days: 10-08, 10-09, 10-10
    /// (a worked Saturday), 10-12, 10-13; due 10-13 24:00, to the second.
    @Test func aCertificateIsIssuedWithinItsLegalOrPromisedLimit() throws {
        for (at, outcome) in [("2026-10-13T23:59:00", Verdict.Outcome.onTime), ("2026-10-14T00:00:00", .late)] {
            var net = F.network()
            let (_, p) = certificatePush(&net)
            net.write(1, kind: WorkflowKinds.claim, body: ["push": .string(p.id.hex)], at: F.ms("2026-10-08T09:00:00"))
            net.sync(from: 1, to: 0)
            net.write(0, kind: OpKinds.note, body: ["text": "见证"], at: F.ms("2026-10-08T09:10:00"))   // the bureau sees the claim: the push's window is fixed
            net.sync(from: 0, to: 1)
            let c = net.write(1, kind: WorkflowKinds.certificate, body: ["push": .string(p.id.hex), "certificateNo": "JY13715020000123"], at: F.ms(at))
            net.sync(from: 1, to: 0)
            net.write(0, kind: OpKinds.note, body: ["text": "见证"], at: F.ms(at) + 30_000)
            let r = everything(net)
            let st = try r.workflow.status(of: r.workflow.pushes[p.id]!, ctx(r, now: F.ms("2026-10-20T12:00:00")))
            let v = try #require(st.certificate)
            #expect(v.rule == "R17" && v.due.lastDay.iso == "2026-10-13" && v.act == c.id)
            #expect(v.outcome == outcome, "\(at): \(v.evidence)")
        }
    }

    @Test func onlyTheAddresseeIssuesACertificateAnApprovalPushAskedFor() throws {
        var net = F.network()
        let (a, p) = certificatePush(&net)
        net.sync(from: 0, to: 2)
        // Another regulator cannot issue it; a push without a certificate asks for none.
        let (byOther, _) = net.draft(2, kind: WorkflowKinds.certificate, body: ["push": .string(p.id.hex), "certificateNo": "X"])
        #expect(rejection(decide(net, byOther)) == .notAddressee)
        let plain = net.write(0, kind: WorkflowKinds.push, body: F.push(a.id, to: "d2"))
        net.sync(from: 0, to: 2)
        let (notAsked, _) = net.draft(2, kind: WorkflowKinds.certificate, body: ["push": .string(plain.id.hex), "certificateNo": "X"])
        #expect(rejection(decide(net, notAsked)) == .invalidRef)
        // A certificate is asked for with an approval's push, not with a relay.
        let (relay, _) = net.draft(1, kind: WorkflowKinds.push, body: ["record": .string(a.id.hex), "to": "d3", "via": .string(p.id.hex),
                                                                        "certificate": ["workingDays": 5, "basis": "x"]])
        #expect(rejection(decide(net, relay)) == .invalidRef)
        // The regulator's list: to claim, then to certify once claimed, then nothing.
        var r = everything(net)
        #expect(try r.workflow.inbox(for: "d1", ctx(r, now: F.ms("2026-10-08T08:00:00"))).map(\.action) == ["claim"])
        net.write(1, kind: WorkflowKinds.claim, body: ["push": .string(p.id.hex)], at: F.ms("2026-10-08T09:00:00"))
        r = everything(net)
        #expect(try r.workflow.inbox(for: "d1", ctx(r, now: F.ms("2026-10-08T10:00:00"))).map(\.action) == ["certify"])
        net.write(1, kind: WorkflowKinds.certificate, body: ["push": .string(p.id.hex), "certificateNo": "JY1"], at: F.ms("2026-10-09T09:00:00"))
        r = everything(net)
        #expect(try r.workflow.inbox(for: "d1", ctx(r, now: F.ms("2026-10-09T10:00:00"))).isEmpty)
    }
}
