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
