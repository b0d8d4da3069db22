import Foundation
import Testing
import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// Issue 5 refusals over real HTTP (curl as a plain third-party client):
/// each answered with its status and RFC 9457 problem code, and the serving
/// replica's operation count unchanged.
@Suite(.serialized) struct CLISyncRefusalTests {
    struct Reply { let status: Int; let json: [String: Any] }

    /// The serving replica's key, from the signed answer to an unsigned
    /// `GET /v1/info` (every answer, refusals included, names its signer).
    func serverKey(_ url: String) throws -> PublicKey {
        let r = try Subprocess.run("/usr/bin/env", ["curl", "-s", "-D", "-", "-o", "/dev/null", "-H", "Shenguan-Version: 1", url + "/v1/info"])
        let line = try #require(r.stdout.split(separator: "\r\n").first { $0.lowercased().hasPrefix("shenguan-author:") })
        return try #require(PublicKey(base64url: line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)))
    }

    /// POSTs `body` to `url+path` with curl; signs it with `key` unless nil,
    /// for the serving replica (or `target`; `untargeted`: for no replica).
    func post(_ url: String, _ path: String, body: Data, key: SigningKey?, time: Int64? = nil, nonce: String? = nil,
              contentType: String = "application/json", version: String = "1", target: PublicKey? = nil, untargeted: Bool = false,
              dir: TempDir) throws -> Reply {
        let file = dir.file("body-\(UUID().uuidString)")
        try body.write(to: URL(fileURLWithPath: file))
        var args = ["-s", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", "-H", "Content-Type: \(contentType)",
                    "-H", "Shenguan-Version: \(version)", "--data-binary", "@\(file)", url + path]
        if let key {
            let t = time ?? Int64(Date().timeIntervalSince1970 * 1000)
            let to = untargeted ? nil : try target ?? serverKey(url)
            let sig = nonce.map { RequestSignature.sign(key: key, method: "POST", path: path, body: [UInt8](body), time: t, nonce: $0, target: to) }
                ?? RequestSignature.sign(key: key, method: "POST", path: path, body: [UInt8](body), time: t, target: to)
            for (k, v) in sig.headers { args += ["-H", "\(k): \(v)"] }
        }
        let r = try Subprocess.run("/usr/bin/env", ["curl"] + args)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.last ?? "") ?? 0
        let json = (try? JSONSerialization.jsonObject(with: Data(lines.dropLast().joined(separator: "\n").utf8))) as? [String: Any] ?? [:]
        return Reply(status: status, json: json)
    }

    func expectProblem(_ r: Reply, _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == status, "\(r.json)", sourceLocation: sourceLocation)
        #expect(r.json["code"] as? String == code, "\(r.json)", sourceLocation: sourceLocation)
        #expect((r.json["detail"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    }

    /// A market replica (the one served) and a bureau replica, both admitted.
    func marketAndBureau(_ dir: TempDir) throws -> (TestNet, CLI, CLI) {
        let net = try TestNet(in: dir)
        try net.addDepartment("market", name: "市市场监督管理局", role: "regulator")
        try net.addDepartment("bureau", name: "市行政审批服务局", role: "approval")
        let m = try net.join("M", department: "market"), b = try net.join("B", department: "bureau")
        try net.distributeRoster(to: [m, b])
        return (net, m, b)
    }

    /// Every answer is authenticated (PROTOCOL.md §7.2): a server that is
    /// not a replica of the network (a proxy answering for the peer) is
    /// refused with `sync.bad_response_signature`, nothing it said is
    /// applied and no witness is signed; the real peer's signed answers pass.
    @Test func unsignedAnswersAreRefused() throws {
        let dir = TempDir("impostor"); defer { dir.remove() }
        let (_, m, b) = try marketAndBureau(dir)
        _ = try b.note("待推送")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fake_peer.py").path
        let impostor = try ServerProcess(executable: "/usr/bin/env", arguments: ["python3", script], env: [:])
        defer { impostor.stop() }
        let before = try b.opCount()
        let r = try b.run(["sync", impostor.url])
        expectError(r, "sync.bad_response_signature")
        #expect(r.stderr.contains("not signed by a replica of this network"))
        #expect(try b.opCount() == before, "nothing applied, no witness signed")
        let server = try ServerProcess(arguments: ["--home", m.home, "--listen", "127.0.0.1:0"], env: CLI.baseEnv)
        defer { server.stop() }
        let ok = try b.run(["sync", server.url, "--json"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("\"pushed\":"))
    }

    /// `serve --metrics` (issue 15): its own listener; after a sync and a
    /// refused request it counts both by route and status, and reads what
    /// the replica holds and the peers' state when scraped; the sync port
    /// does not serve it.
    @Test func metricsCountAnswersAndReadTheReplica() throws {
        let dir = TempDir("metrics"); defer { dir.remove() }
        let (_, m, b) = try marketAndBureau(dir)
        let server = try ServerProcess(arguments: ["--home", m.home, "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:0"], env: CLI.baseEnv)
        defer { server.stop() }
        let line = try #require(try server.stdoutLine(prefix: "metrics on "))
        let metricsURL = String(line.dropFirst("metrics on ".count))
        _ = try b.ok(["peers", "add", server.url])
        _ = try b.ok(["note", "推送前的记录"])
        _ = try b.ok(["sync"])
        let unsigned = try RawConnection(url: server.url)
        unsigned.send("GET /v1/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(unsigned.readToEnd().hasPrefix("HTTP/1.1 400"))
        let scrape = try RawConnection(url: metricsURL.replacingOccurrences(of: "/metrics", with: ""))
        scrape.send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let text = scrape.readToEnd()
        #expect(text.hasPrefix("HTTP/1.1 200") && text.contains("text/plain; version=0.0.4"))
        #expect(text.contains("shenguan_sync_requests_total{route=\"/v1/info\",status=\"400\"} 1"), "\(text)")
        #expect(text.contains("shenguan_sync_requests_total{route=\"/v1/sync\",status=\"200\"}"))
        #expect(text.contains("shenguan_ops_held \(try m.opCount())"), "the gauge is read when scraped")
        #expect(text.contains("shenguan_ops_received_total{outcome=\"refused\"} 0"))
        let accepted = text.split(separator: "\n").first { $0.hasPrefix("shenguan_ops_received_total{outcome=\"accepted\"} ") }
        #expect(accepted.flatMap { Int($0.split(separator: " ").last ?? "") }.map { $0 >= 1 } == true, "the note pushed: \(text)")
        #expect(text.contains("shenguan_peer_last_sync_timestamp_seconds") == false, "market knows no peer of its own")
        // The sync port does not answer /metrics.
        let wrong = try RawConnection(url: server.url)
        wrong.send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(wrong.readToEnd().hasPrefix("HTTP/1.1 404"))
    }

    /// Issue 5 §5, slow clients: one that never finishes its headers is cut
    /// by the idle timeout; one that stalls its body gets 408
    /// `sync.request_timeout`; a well-behaved peer is served meanwhile and
    /// the replica is unchanged.
    @Test func slowClientsAreCutWhileOtherPeersAreServed() throws {
        let dir = TempDir("slow"); defer { dir.remove() }
        let (_, m, b) = try marketAndBureau(dir)
        // The request deadline (1 s) passes well before the idle timeout (3 s).
        let server = try ServerProcess(arguments: ["--home", m.home, "--listen", "127.0.0.1:0", "--idle-timeout", "3", "--request-timeout", "1"],
                                       env: CLI.baseEnv)
        defer { server.stop() }
        let count = try m.opCount()
        let silent = try RawConnection(url: server.url)
        silent.send("POST /v1/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-")
        let stalled = try RawConnection(url: server.url)
        stalled.send("POST /v1/ops HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nShenguan-Version: 1\r\nContent-Length: 100\r\n\r\n{\"ops\":")
        // A well-behaved peer is served while both connections hang.
        let bKey = try KeyFile.load(from: b.home + "/replica.key", passphrase: testPassphrase)
        #expect(try post(server.url, "/v1/sync", body: Data(#"{"vector":{}}"#.utf8), key: bKey, dir: dir).status == 200)

        let answer = stalled.readToEnd()
        #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
        #expect(answer.contains("application/problem+json") && answer.contains(#""code":"sync.request_timeout""#), "\(answer)")
        #expect(stalled.closedByPeer && !stalled.timedOut)
        let nothing = silent.readToEnd()
        #expect(nothing.isEmpty && silent.closedByPeer && !silent.timedOut, "\(nothing)")
        #expect(try m.opCount() == count)
        // Still serving after cutting both.
        #expect(try post(server.url, "/v1/sync", body: Data(#"{"vector":{}}"#.utf8), key: bKey, dir: dir).status == 200)
    }

    /// A request accepted before a restart is still a replay after it
    /// (issue 14: the nonces were kept in memory only).
    @Test func aReplayIsRefusedAfterTheServerRestarts() throws {
        let dir = TempDir("replay-restart"); defer { dir.remove() }
        let (_, m, b) = try marketAndBureau(dir)
        let bKey = try KeyFile.load(from: b.home + "/replica.key", passphrase: testPassphrase)
        let sync = Data(#"{"vector":{}}"#.utf8)
        let nonce = Base64URL.encode(SecureRandom.bytes(16)), t = Int64(Date().timeIntervalSince1970 * 1000)
        let first = try ServerProcess(arguments: ["--home", m.home, "--listen", "127.0.0.1:0"], env: CLI.baseEnv)
        #expect(try post(first.url, "/v1/sync", body: sync, key: bKey, time: t, nonce: nonce, dir: dir).status == 200)
        #expect(first.stop() == 0)
        let second = try ServerProcess(arguments: ["--home", m.home, "--listen", "127.0.0.1:0"], env: CLI.baseEnv)
        defer { second.stop() }
        expectProblem(try post(second.url, "/v1/sync", body: sync, key: bKey, time: t, nonce: nonce, dir: dir), 401, "auth.replay")
        #expect(try post(second.url, "/v1/sync", body: sync, key: bKey, dir: dir).status == 200, "a fresh request passes")
    }

    @Test func everyRefusalHasItsStatusAndCodeAndChangesNothing() throws {
        let dir = TempDir("refuse"); defer { dir.remove() }
        let (net, m, b) = try marketAndBureau(dir)
        _ = try b.note("待推送")
        _ = try b.note("第二条")
        let server = try ServerProcess(arguments: ["--home", m.home, "--listen", "127.0.0.1:0"], env: CLI.baseEnv)
        defer { server.stop() }
        let count = try m.opCount()
        let bKey = try KeyFile.load(from: b.home + "/replica.key", passphrase: testPassphrase)
        let sync = Data(#"{"vector":{}}"#.utf8)

        expectProblem(try post(server.url, "/v1/sync", body: sync, key: nil, dir: dir), 401, "auth.missing")
        expectProblem(try post(server.url, "/v1/sync", body: sync, key: bKey, version: "2", dir: dir), 400, "sync.unsupported_version")
        // The version is checked first, before content type and size (PROTOCOL.md §7.2).
        expectProblem(try post(server.url, "/v1/sync", body: sync, key: bKey, contentType: "text/plain", version: "2", dir: dir),
                      400, "sync.unsupported_version")
        for bad in [#"{"vector":{},"cursor":-3}"#, #"{"vector":{},"limit":-5}"#, #"{"vector":{},"limit":0}"#] {
            expectProblem(try post(server.url, "/v1/sync", body: Data(bad.utf8), key: bKey, dir: dir), 400, "sync.malformed")
        }
        expectProblem(try post(server.url, "/v1/sync", body: sync, key: bKey, contentType: "text/plain", dir: dir), 415, "sync.content_type")
        expectProblem(try post(server.url, "/v1/sync", body: Data(repeating: 32, count: 9 << 20), key: bKey, dir: dir), 413, "sync.too_large")
        expectProblem(try post(server.url, "/v1/sync", body: sync, key: SigningKey.generate(), dir: dir), 401, "auth.unknown_replica")
        expectProblem(try post(server.url, "/v1/sync", body: sync, key: bKey, time: Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000, dir: dir),
                      401, "auth.stale")
        expectProblem(try post(server.url, "/v1/sync", body: Data("{\"vector\":".utf8), key: bKey, dir: dir), 400, "sync.malformed")
        // Extreme untrusted times (Int64.min used to kill the server before any signature check).
        for t in [Int64.min, Int64.max] {
            expectProblem(try post(server.url, "/v1/sync", body: sync, key: bKey, time: t, dir: dir), 401, "auth.stale")
        }
        #expect(try post(server.url, "/v1/sync", body: sync, key: bKey, dir: dir).status == 200, "the server is still serving")
        // The same signed request twice: the second is a replay.
        let nonce = Base64URL.encode(SecureRandom.bytes(16)), t = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(try post(server.url, "/v1/sync", body: sync, key: bKey, time: t, nonce: nonce, dir: dir).status == 200)
        expectProblem(try post(server.url, "/v1/sync", body: sync, key: bKey, time: t, nonce: nonce, dir: dir), 401, "auth.replay")
        // Bound to its target (issue 14): a request signed for another replica
        // of the network, or for none, is refused (a replay from elsewhere).
        expectProblem(try post(server.url, "/v1/sync", body: sync, key: bKey, target: bKey.publicKey, dir: dir), 401, "auth.wrong_target")
        expectProblem(try post(server.url, "/v1/sync", body: sync, key: bKey, untargeted: true, dir: dir), 401, "auth.no_target")
        // A known path with another method: 405, an unknown one 404 (both signed answers).
        for (method, path, status, code) in [("PUT", "/v1/sync", 405, "sync.method_not_allowed"), ("GET", "/v1/ops", 405, "sync.method_not_allowed"),
                                             ("GET", "/v1/nothing", 404, "sync.not_found")] {
            let r = try Subprocess.run("/usr/bin/env", ["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-X", method, "-H", "Shenguan-Version: 1", server.url + path])
            let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let json = (try? JSONSerialization.jsonObject(with: Data(lines.dropLast().joined(separator: "\n").utf8))) as? [String: Any] ?? [:]
            expectProblem(Reply(status: Int(lines.last ?? "") ?? 0, json: json), status, code)
        }
        #expect(try m.opCount() == count)

        // A batch with a bad operation applies the good ones and reports the bad one.
        try b.export(dir.file("b.jsonl"))
        var lines = try String(contentsOfFile: dir.file("b.jsonl"), encoding: .utf8).split(separator: "\n").dropFirst().map(String.init)
        let good = lines.count
        var env = try #require(try JSONSerialization.jsonObject(with: Data(lines[good - 1].utf8)) as? [String: String])
        var bodyBytes = try #require(Base64URL.decode(env["body"]!)); bodyBytes[bodyBytes.count / 2] ^= 1
        env["body"] = Base64URL.encode(bodyBytes)
        lines[good - 1] = String(decoding: try JSONSerialization.data(withJSONObject: env, options: [.sortedKeys]), as: UTF8.self)
        // …and an envelope that is not even JSON of the profile (a float): refused alone.
        let batch = Data(("{\"ops\":[" + (lines + [#"{"author":1.5}"#]).joined(separator: ",") + "]}").utf8)
        let reply = try post(server.url, "/v1/ops", body: batch, key: bKey, dir: dir)
        #expect(reply.status == 200)
        var results = try #require(reply.json["results"] as? [[String: Any]])
        #expect(results.count == good + 1)
        #expect(results.last?["code"] as? String == "op.malformed")
        results.removeLast()
        #expect(results.last?["code"] as? String == "op.body_mismatch")
        #expect((results.last?["reason"] as? String)?.contains("altered") == true)
        #expect(results.filter { $0["code"] as? String == "accepted" }.count == 1, "the good new note applies")
        // The good note, and the witness the server signs after receiving new work.
        #expect(try m.opCount() == count + 2)
        #expect((try m.json(["log", "--limit", "1"]) as? [[String: Any]])?.first?["kind"] as? String == "witness")

        // A revoked replica is refused with 403 once the server knows the revocation.
        let roster = try #require(try m.json(["roster"]) as? [String: Any])
        let key = try #require((roster["replicas"] as? [[String: Any]])?.first { $0["department"] as? String == "bureau" }?["key"] as? String)
        _ = try net.oversight.ok(["network", "revoke", "--key", key])
        try net.oversight.export(dir.file("roster.jsonl"))
        _ = try m.importFile(dir.file("roster.jsonl"))
        expectProblem(try post(server.url, "/v1/sync", body: sync, key: bKey, dir: dir), 403, "auth.revoked")
        // Through the CLI, the refusal is the same code.
        let r = try b.run(["sync", server.url])
        expectError(r, "auth.revoked")
    }
}
