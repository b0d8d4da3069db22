import Foundation
import Testing
@testable import ShenguanCore
import ShenguanCalendar
import ShenguanCrypto
import ShenguanTestSupport

/// PROTOCOL.md §2.2 against the conformance corpus in `Tests/Conformance`
/// (the same files `Tools/verify-py/test_verify.py` checks): Wycheproof's
/// Ed25519 vectors, and the generated cases on which OpenSSL alone would
/// answer otherwise (keys and R of small order, S + L), and the roster-key
/// rule (`roster.weak_key`) on every path a key enters a roster.
@Suite struct Ed25519ConformanceTests {
    static func load(_ name: String) throws -> [String: Any] { try ConformanceCorpus.load(name) }
    static func hex(_ s: Any?) -> [UInt8] { ConformanceCorpus.hex(s) }

    /// A key Swift can hold (any 32 bytes), and its verdict on a signature.
    static func accepts(key: [UInt8], msg: [UInt8], sig: [UInt8]) -> Bool {
        guard let k = PublicKey(bytes: key) else { return false }
        return k.verify(signature: sig, message: msg)
    }

    @Test func wycheproofVectors() throws {
        let doc = try Self.load("wycheproof-ed25519_test.json")
        var n = 0
        for group in doc["testGroups"] as! [[String: Any]] {
            let key = Self.hex((group["publicKey"] as! [String: Any])["pk"])
            for t in group["tests"] as! [[String: Any]] {
                let got = Self.accepts(key: key, msg: Self.hex(t["msg"]), sig: Self.hex(t["sig"]))
                #expect(got == (t["result"] as! String == "valid"), "tcId \(t["tcId"]!): \(t["comment"]!)")
                n += 1
            }
        }
        #expect(n == doc["numberOfTests"] as! Int && n > 100)
    }

    @Test func generatedSignatureCases() throws {
        let cases = try Self.load("ed25519-generated.json")["signatures"] as! [[String: Any]]
        #expect(cases.count > 15)
        for c in cases {
            let got = Self.accepts(key: Self.hex(c["key"]), msg: Self.hex(c["msg"]), sig: Self.hex(c["sig"]))
            #expect(got == (c["valid"] as! Bool), "\(c["comment"]!)")
        }
    }

    @Test func rosterKeyRule() throws {
        let cases = try Self.load("ed25519-generated.json")["keys"] as! [[String: Any]]
        for c in cases {
            let key = PublicKey(bytes: Self.hex(c["key"]))!
            #expect(key.isStrong == (c["strong"] as! Bool), "\(c["comment"]!)")
        }
        #expect(cases.contains { !($0["strong"] as! Bool) } && cases.contains { $0["strong"] as! Bool })
    }

    /// The weak keys of the corpus, as roster entries.
    static func weakKeys() throws -> [PublicKey] {
        try (load("ed25519-generated.json")["keys"] as! [[String: Any]]).filter { !($0["strong"] as! Bool) }.map { PublicKey(bytes: hex($0["key"]))! }
    }

    @Test func aWeakKeyNeverEntersARoster() throws {
        let weak = try Self.weakKeys()
        let net = TestNetwork(authors: 2, seed: 410, roles: [.approval, .regulator])
        for key in weak {
            // roster.admit
            let admit = try OpSigner.sign(key: net.root, network: net.network, seq: 2, prev: net.genesis.id, deps: [],
                                          clock: HLC(time: net.clock + 1, ctr: 0), kind: RosterOps.admit,
                                          body: ["key": .string(key.base64url), "department": "d1"])
            var r = MemoryReplica(network: net.network)
            r.ingest([net.genesis], now: net.clock + 10_000)
            #expect(r.ingest([admit], now: net.clock + 10_000)[0].code == "roster.weak_key", "\(key)")
            // roster.root
            let rotate = try OpSigner.sign(key: net.root, network: net.network, seq: 2, prev: net.genesis.id, deps: [],
                                           clock: HLC(time: net.clock + 1, ctr: 0), kind: RosterOps.root, body: ["key": .string(key.base64url)])
            #expect(r.ingest([rotate], now: net.clock + 10_000)[0].code == "roster.weak_key")
            // A genesis that admits it.
            let root = SigningKey(seed: [UInt8](repeating: 9, count: 32))!
            let body = RosterOps.Genesis(name: "weak", root: root.publicKey, policy: .linzi, calendar: OfficialCalendar.builtInYears,
                                         departments: [RosterState.Department(id: "d0", name: "局", role: .approval)], replicas: [(key, "d0")])
            let genesis = try OpSigner.sign(key: root, network: RosterOps.genesisNet, seq: 1, prev: nil, deps: [],
                                            clock: HLC(time: net.clock, ctr: 0), kind: RosterOps.genesis, body: body.json)
            var fresh = MemoryReplica(network: genesis.id)
            #expect(fresh.ingest([genesis], now: net.clock + 10_000)[0].code == "roster.weak_key")
            // A join request naming it.
            var o = JoinRequest(network: net.network, department: "d1", key: key).unsigned.objectValue!
            o["sig"] = .string(Base64URL.encode([UInt8](repeating: 0, count: 64)))
            let bytes = try CanonicalJSON.encode(.object(o))
            #expect(throws: OpRejection(.weakKey, "the requesting replica's key \(key.base64url.prefix(12))…")) { try JoinRequest(bytes: bytes) }
        }
        #expect(weak.count >= 15)
    }

}
