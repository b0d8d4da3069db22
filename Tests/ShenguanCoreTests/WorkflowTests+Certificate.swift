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

    /// R11 (002 第八条): a 告知承诺 approval promised for Wednesday 09-30 is
    /// verified within 10 working days (10-08 … 10-20 with the worked
    /// Saturday 10-10), to the second; a broken promise puts the licence on
    /// the bureau's list again until the rectification period ends.
    @Test func aPromiseIsVerifiedWithinTenWorkingDaysAndABrokenOneIsRectified() throws {
        let bytes = Array("本人承诺于 2026-09-30 前配备冷藏设施".utf8), sha = SHA256.hash(bytes)
        let attachment: JSONValue = ["name": "承诺书.txt", "type": "text/plain", "sha256": .string(sha.hex), "data": .string(Base64URL.encode(bytes))]
        var letter: JSONValue = .null
        func withLetter(_ net: inout TestNetwork) {
            let att = net.write(0, kind: WorkflowKinds.attachment, body: attachment, at: F.ms("2026-09-29T09:59:00"))
            letter = ["name": "承诺书.txt", "op": .string(att.id.hex), "sha256": .string(sha.hex)]
        }
        func promised() -> JSONValue {
            var o = F.approval(commitment: true).objectValue!
            o["promisedDate"] = "2026-09-30"; o["decisionDate"] = "2026-09-29"; o["commitmentLetter"] = letter
            return .object(o)
        }
        var scratch = F.network(); withLetter(&scratch)
        try OpKinds.validate(kind: WorkflowKinds.approval, body: promised())
        var bare = promised().objectValue!; bare["commitment"] = false; bare["commitmentLetter"] = nil
        #expect(throws: OpRejection.self) { try OpKinds.validate(kind: WorkflowKinds.approval, body: .object(bare)) }   // a promise needs the commitment
        for (at, outcome) in [("2026-10-20T23:59:00", Verdict.Outcome.onTime), ("2026-10-21T00:00:00", .late)] {
            var net = F.network()
            withLetter(&net)
            let a = net.write(0, kind: WorkflowKinds.approval, body: promised(), at: F.ms("2026-09-29T10:00:00"))
            var r = everything(net)
            let first = try r.workflow.inbox(for: "d0", ctx(r, now: F.ms("2026-10-08T10:00:00")))
            #expect(first.map(\.action) == ["verify"], "\(first) \(r.workflow.approvals.count) \(r.pending.count)")
            net.write(0, kind: WorkflowKinds.verification, body: ["approval": .string(a.id.hex), "result": "broken", "findings": "未按承诺配备冷藏设施",
                                                                  "cureBy": "2026-11-30"], at: F.ms(at))
            net.sync(from: 0, to: 1)
            net.write(1, kind: OpKinds.note, body: ["text": "见证"], at: F.ms(at) + 30_000)
            r = everything(net)
            let st = try #require(try r.workflow.verificationStatus(of: r.workflow.approvals[a.id]!, ctx(r, now: F.ms("2026-10-22T12:00:00"))))
            #expect(st.verdict.rule == "R11" && st.verdict.due.lastDay.iso == "2026-10-20" && st.verdict.outcome == outcome, "\(at): \(st.verdict.evidence)")
            #expect(try r.workflow.inbox(for: "d0", ctx(r, now: F.ms("2026-11-30T23:00:00"))).map(\.action) == ["reverify"])
            #expect(try r.workflow.inbox(for: "d0", ctx(r, now: F.ms("2026-12-01T00:00:00"))).isEmpty)
            #expect(try r.workflow.verificationStatus(of: r.workflow.approvals[a.id]!, ctx(r, now: F.ms("2026-12-01T00:00:00")))?.revocationDue == true)
        }
        // Only the issuing bureau verifies, and only a promise with a date.
        var net = F.network(roles: [.approval, .regulator, .approval, .regulator])
        withLetter(&net)
        let a = net.write(0, kind: WorkflowKinds.approval, body: promised(), at: F.ms("2026-09-29T10:00:00"))
        let plain = net.write(0, kind: WorkflowKinds.approval, body: F.approval(code: F.codeB), at: F.ms("2026-09-29T10:01:00"))
        net.sync(from: 0, to: 2)
        let (byOther, _) = net.draft(2, kind: WorkflowKinds.verification, body: ["approval": .string(a.id.hex), "result": "kept", "findings": "x"])
        #expect(rejection(decide(net, byOther)) == .notAddressee)
        let (noPromise, _) = net.draft(0, kind: WorkflowKinds.verification, body: ["approval": .string(plain.id.hex), "result": "kept", "findings": "x"])
        #expect(rejection(decide(net, noPromise)) == .invalidRef)
    }
}
