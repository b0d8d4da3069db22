import Foundation
import Testing
@testable import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// PROTOCOL.md §7.2 as a pure check, without sockets: every refusal code,
/// and that a refused request leaves no nonce behind.
@Suite struct RequestAuthTests {
    let net = TestNetwork(authors: 2, seed: 500)
    var roster: RosterState { try! RosterState(genesis: net.genesis) }
    let body = Array(#"{"vector":{}}"#.utf8)

    func code(_ auth: inout RequestAuthenticator, _ sig: RequestSignature?, path: String = "/v1/sync", body: [UInt8]? = nil,
              roster: RosterState? = nil, now: Int64) -> String {
        do throws(SyncProblem) {
            _ = try auth.check(sig, method: "POST", path: path, body: body ?? self.body, roster: roster ?? self.roster, now: now)
            return "ok"
        } catch { return error.code }
    }

    @Test func signedRequestsPassOnceAndEveryFaultHasItsCode() {
        var auth = RequestAuthenticator(maxSkewMillis: 300_000)
        let now = net.clock
        let good = RequestSignature.sign(key: net.keys[0], method: "POST", path: "/v1/sync", body: body, time: now)
        #expect(code(&auth, nil, now: now) == "auth.missing")
        #expect(code(&auth, good, path: "/v1/ops", now: now) == "auth.bad_signature")
        #expect(code(&auth, good, body: body + [32], now: now) == "auth.bad_signature")
        #expect(code(&auth, good, now: now + 600_000) == "auth.stale")
        let stranger = RequestSignature.sign(key: SigningKey.generate(), method: "POST", path: "/v1/sync", body: body, time: now)
        #expect(code(&auth, stranger, now: now) == "auth.unknown_replica")
        // None of the refusals above consumed the nonce: the genuine request passes once, then is a replay.
        #expect(code(&auth, good, now: now) == "ok")
        #expect(code(&auth, good, now: now + 1) == "auth.replay")
    }

    /// A request is bound to the replica it is meant for (issue 14): signed
    /// for another replica, or for none, it is refused; the target is
    /// covered by the signature; only `GET /v1/info` may name none.
    @Test func requestsAreBoundToTheirTarget() {
        let server = net.keys[1].publicKey, other = SigningKey.generate().publicKey
        func check(_ sig: RequestSignature, optional: Bool = false) -> String {
            var auth = RequestAuthenticator(maxSkewMillis: 300_000)
            do throws(SyncProblem) {
                _ = try auth.check(sig, method: "POST", path: "/v1/sync", body: body, roster: roster, now: net.clock,
                                   server: server, targetOptional: optional)
                return "ok"
            } catch { return error.code }
        }
        let t = net.clock
        #expect(check(RequestSignature.sign(key: net.keys[0], method: "POST", path: "/v1/sync", body: body, time: t, target: server)) == "ok")
        #expect(check(RequestSignature.sign(key: net.keys[0], method: "POST", path: "/v1/sync", body: body, time: t, target: other)) == "auth.wrong_target")
        #expect(check(RequestSignature.sign(key: net.keys[0], method: "POST", path: "/v1/sync", body: body, time: t)) == "auth.no_target")
        #expect(check(RequestSignature.sign(key: net.keys[0], method: "POST", path: "/v1/sync", body: body, time: t), optional: true) == "ok")
        // Swapping the target after signing breaks the signature.
        let signed = RequestSignature.sign(key: net.keys[0], method: "POST", path: "/v1/sync", body: body, time: t, target: other)
        let swapped = RequestSignature(author: signed.author, time: signed.time, nonce: signed.nonce, target: server, signature: signed.signature)
        #expect(check(swapped) == "auth.bad_signature")
    }

    /// Untrusted times never trap (issue 14: Int64.min killed the server
    /// before any signature check), whatever the clock.
    @Test(arguments: [Int64.min, Int64.min + 1, Int64.max, -1, 0])
    func extremeTimesAreStaleNotACrash(time: Int64) {
        var auth = RequestAuthenticator(maxSkewMillis: 300_000)
        let sig = RequestSignature(author: net.keys[0].publicKey, time: time, nonce: String(repeating: "n", count: 16),
                                   signature: [UInt8](repeating: 0, count: 64))
        for now in [net.clock, Int64.max, Int64.min, 0] {
            let d = time.subtractingReportingOverflow(now)
            let near = !d.overflow && d.partialValue.magnitude <= 300_000
            #expect(code(&auth, sig, now: now) == (near ? "auth.bad_signature" : "auth.stale"), "time \(time) now \(now)")
        }
    }

    /// Nonces expire in arrival order and their number is bounded.
    @Test func noncesExpireAndAreBounded() {
        var auth = RequestAuthenticator(maxSkewMillis: 1_000, maxNonces: 3)
        func signed(_ t: Int64) -> RequestSignature {
            RequestSignature.sign(key: net.keys[0], method: "POST", path: "/v1/sync", body: body, time: t)
        }
        let t = net.clock
        #expect(code(&auth, signed(t), now: t) == "ok")
        #expect(code(&auth, signed(t), now: t) == "ok")
        #expect(code(&auth, signed(t), now: t) == "ok")
        #expect(code(&auth, signed(t), now: t) == "sync.busy")
        #expect(auth.nonceCount == 3)
        // Two windows later every nonce has expired: room again, and only the new one is held.
        #expect(code(&auth, signed(t + 1_500), now: t + 2_001) == "ok")
        #expect(auth.nonceCount == 1)
    }

    /// Answers (PROTOCOL.md §7.2): signed by an active replica, for this
    /// request's nonce, path, status and exact body; anything else fails.
    @Test func answersAuthenticateOnlyTheirOwnRequestFromAReplica() throws {
        let body = Array(#"{"accepted":1}"#.utf8), nonce = "n0nce-n0nce-n0nce"
        let a = AnswerSignature.sign(key: net.keys[1], status: 200, path: "/v1/ops", nonce: nonce, body: body, time: net.clock)
        #expect(a.authenticates(status: 200, path: "/v1/ops", nonce: nonce, body: body, roster: roster))
        #expect(!a.authenticates(status: 200, path: "/v1/ops", nonce: nonce, body: Array(#"{"accepted":2}"#.utf8), roster: roster))
        #expect(!a.authenticates(status: 200, path: "/v1/ops", nonce: "another-nonce-xyz", body: body, roster: roster), "an old answer replayed")
        #expect(!a.authenticates(status: 200, path: "/v1/sync", nonce: nonce, body: body, roster: roster))
        #expect(!a.authenticates(status: 400, path: "/v1/ops", nonce: nonce, body: body, roster: roster))
        #expect(!a.authenticates(status: 200, path: "/v1/ops", nonce: nonce, body: body, roster: nil))
        let stranger = AnswerSignature.sign(key: SigningKey.generate(), status: 200, path: "/v1/ops", nonce: nonce, body: body, time: net.clock)
        #expect(!stranger.authenticates(status: 200, path: "/v1/ops", nonce: nonce, body: body, roster: roster), "not a replica")
        var r = roster
        try r.apply(try OpSigner.sign(key: net.root, network: net.network, seq: 2, prev: net.genesis.id, deps: [],
                                      clock: HLC(time: net.clock + 1, ctr: 0), kind: RosterOps.revoke,
                                      body: ["key": .string(net.keys[1].publicKey.base64url), "reason": "x"]))
        #expect(!a.authenticates(status: 200, path: "/v1/ops", nonce: nonce, body: body, roster: r), "a revoked replica")
        let parsed = AnswerSignature(author: a.headers[0].1, time: a.headers[1].1, signature: a.headers[2].1)
        #expect(parsed == a)
    }

    @Test func revokedKeysGet403() throws {
        var r = roster
        let revoke = try OpSigner.sign(key: net.root, network: net.network, seq: 2, prev: net.genesis.id, deps: [],
                                       clock: HLC(time: net.clock + 1, ctr: 0), kind: RosterOps.revoke,
                                       body: ["key": .string(net.keys[1].publicKey.base64url), "reason": "x"])
        try r.apply(revoke)
        var auth = RequestAuthenticator(maxSkewMillis: 300_000)
        let sig = RequestSignature.sign(key: net.keys[1], method: "POST", path: "/v1/sync", body: body, time: net.clock)
        #expect(code(&auth, sig, roster: r, now: net.clock) == "auth.revoked")
    }

    @Test func headDeclarationsVerifyAndForgeriesDoNot() {
        let d = HeadDeclaration.sign(key: net.keys[0], seq: 7, id: SHA256.hash([1]), time: 42)
        #expect(HeadDeclaration(json: d.json) == d)
        var forged = d.json.objectValue!
        forged["seq"] = 8
        #expect(HeadDeclaration(json: .object(forged)) == nil)
        // A witness body with a forged declaration is invalid.
        #expect(throws: OpRejection.self) {
            try WitnessOps.validate(WitnessOps.body(heads: [], declarations: []).objectValue!.merging(["declarations": [.object(forged)]]) { $1 }.asJSON)
        }
    }
}

private extension Dictionary where Key == String, Value == JSONValue { var asJSON: JSONValue { .object(self) } }
