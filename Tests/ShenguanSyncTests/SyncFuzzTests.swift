import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import ShenguanCore
import ShenguanCrypto
import ShenguanStore
import ShenguanSync
import ShenguanTestSupport

/// Issue 14: the sync API fuzzed (the fuzz target kept in the repository).
/// Seeded mutations of real requests (headers dropped or garbled, extreme
/// times, bodies with flipped bytes, cut short, or spliced with floats,
/// 2^64, deep nesting, malformed tips), half of them signed for the server
/// after the mutation so that they reach the handlers, sent to the real
/// application in-process. Every answer must be signed by the server for
/// its request, none a 5xx, every refusal a problem document with a code;
/// afterwards the replica equals a rebuild from its operations.
@Suite struct SyncFuzzTests {
    static let rounds = 2_500

    static let splices: [String] = [
        "1e999", "-0", "18446744073709551616", "1.5", "{}", "[]", "null", "true", #""\u0000""#, String(repeating: "[", count: 70),
        #""tips":{"x":[]}"#, #""tips":{"a":["zz"]}"#, #""vector":{"a":-1}"#, #""cursor":-3"#, #""limit":0"#, #""head":null"#,
        ",", "\"", "\u{FEFF}", "\"ops\":[", "}", String(repeating: "9", count: 400),
    ]

    static func mutate(_ body: [UInt8], rng: inout SeededRNG) -> [UInt8] {
        var b = body
        switch Int.random(in: 0..<6, using: &rng) {
        case 0 where !b.isEmpty:
            b[Int.random(in: 0..<b.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
        case 1 where !b.isEmpty:
            b = Array(b.prefix(Int.random(in: 0..<b.count, using: &rng)))
        case 2, 3:
            let at = Int.random(in: 0...b.count, using: &rng)
            b.insert(contentsOf: Array(splices.randomElement(using: &rng)!.utf8), at: at)
        case 4 where b.count > 2:
            let from = Int.random(in: 0..<b.count, using: &rng), to = min(b.count, from + Int.random(in: 1...40, using: &rng))
            b.removeSubrange(from..<to)
        default:
            break   // unchanged: the valid request itself
        }
        return b
    }

    @Test func mutatedRequestsGetSignedAnswersAndNeverAServerError() async throws {
        let dir = TempDir("sync-fuzz"); defer { dir.remove() }
        var net = TestNetwork(authors: 2, seed: 141)
        let home = ReplicaHome(path: dir.file("server"))
        let (store, key) = try home.create(network: net.network, passphrase: nil, key: net.keys[0])
        _ = try store.ingest([net.genesis.envelope], now: net.clock)
        let caller = net.keys[1]
        let callerOps = (0..<4).map { _ in net.write(1) }
        let now = net.clock + 5_000
        var logger = Logger(label: "fuzz"); logger.logLevel = .critical
        let app = try buildSyncApplication(home: home, store: store, key: key, config: SyncServerConfig(), clock: { now },
                                           logger: logger) { _ in }
        let roster = try store.roster()

        let tips = ChainTips.json(try store.chainTips().mapValues(\.tips))
        let seeds: [(HTTPRequest.Method, String, [UInt8])] = [
            (.post, "/v1/sync", try CanonicalJSON.encode(["vector": ["x": 1], "tips": tips, "cursor": 0, "limit": 10])),
            (.post, "/v1/ops", Array(#"{"ops":["#.utf8) + callerOps.map { $0.envelope.encoded() }.joined(separator: Array(",".utf8)) + Array("]}".utf8)),
            (.get, "/v1/info", []),
            (.post, "/v1/nowhere", Array("{}".utf8)),
            (.put, "/v1/ops", Array("{}".utf8)),
        ]
        // The requests first (seeded), then sent in order.
        struct Fuzzed: Sendable { let method: HTTPRequest.Method; let path: String; let headers: HTTPFields; let body: [UInt8]; let nonce: String? }
        var rng = SeededRNG(seed: 142)
        var requests = [Fuzzed]()
        for _ in 0..<Self.rounds {
            let (method, path, seed) = seeds.randomElement(using: &rng)!
            let body = Self.mutate(seed, rng: &rng)
            var headers: HTTPFields = [.contentType: "application/json"]
            headers[HTTPField.Name("Shenguan-Version")!] = Int.random(in: 0..<20, using: &rng) == 0 ? "2" : "1"
            // Half signed over the mutated body (they pass authentication),
            // the rest with a signature that no longer fits, or none.
            let time = Int.random(in: 0..<15, using: &rng) == 0
                ? [Int64.min, Int64.max, -1, 0, now - 10_000_000].randomElement(using: &rng)! : now
            let signed = RequestSignature.sign(key: caller, method: method.rawValue, path: path, body: body, time: time,
                                               target: Int.random(in: 0..<10, using: &rng) == 0 ? caller.publicKey : key.publicKey)
            var fields = signed.headers
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: fields.remove(at: Int.random(in: 0..<fields.count, using: &rng))
            case 1:
                let i = Int.random(in: 0..<fields.count, using: &rng)
                fields[i].1 = ["", "-", "AAAA", "9" + fields[i].1, String(repeating: "x", count: 300)].randomElement(using: &rng)!
            case 2: fields = []
            default: break
            }
            for (k, v) in fields { headers[HTTPField.Name(k)!] = v }
            requests.append(Fuzzed(method: method, path: path, headers: headers, body: body, nonce: fields.first { $0.0 == "Shenguan-Nonce" }?.1))
        }
        let sent = requests
        let statuses = try await app.test(.router) { client -> [Int: Int] in
            var statuses = [Int: Int]()
            for (round, q) in sent.enumerated() {
                try await client.execute(uri: q.path, method: q.method, headers: q.headers, body: ByteBuffer(bytes: q.body)) { r in
                    let status = Int(r.status.code)
                    statuses[status, default: 0] += 1
                    let raw = Array(r.body.readableBytesView)
                    #expect(status < 500, "round \(round): \(status) \(String(decoding: raw, as: UTF8.self))")
                    let answer = AnswerSignature(author: r.headers[HTTPField.Name("Shenguan-Author")!], time: r.headers[HTTPField.Name("Shenguan-Time")!],
                                                 signature: r.headers[HTTPField.Name("Shenguan-Signature")!])
                    #expect(answer?.authenticates(status: status, path: q.path, nonce: q.nonce, body: raw, roster: roster) == true,
                            "round \(round): answer \(status) not signed for its request")
                    if status != 200 {
                        let problem = try? CanonicalJSON.parse(raw)
                        #expect(problem?["code"]?.stringValue?.isEmpty == false, "round \(round): \(String(decoding: raw, as: UTF8.self))")
                    }
                }
            }
            return statuses
        }
        // The fuzz reached the handlers: some requests were served, many refused.
        #expect(statuses[200, default: 0] > 100 && statuses[400, default: 0] > 50 && statuses[401, default: 0] > 50, "\(statuses)")
        let digest = try store.state().digest
        try store.rebuildProjections()
        #expect(try store.state().digest == digest, "the replica equals a rebuild from its operations")
        #expect(try store.checkReadModel().isConsistent)
        #expect(try callerOps.allSatisfy { try store.op($0.id.hex).id == $0.id }, "the valid batch was applied")
    }
}
