import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// What one sync with one peer did.
public struct SyncReport: Sendable {
    public var url: String
    public var requests = 0
    public var pulled = 0
    public var pushed = 0
    public var refusedByPeer: [JSONValue] = []
    public var refusedHere = 0
    public var bytesSent = 0
    public var bytesReceived = 0
    public var witness: Digest?
    /// Authors whose chains differ from the peer's (a fork on one side or
    /// both, PROTOCOL.md §7.1 "tips"): their operations were sent in full.
    public var diverged: Set<String> = []
    /// Operations received that fork their author's chain (equivocations).
    public var forksReceived = 0

    public var json: JSONValue {
        ["url": .string(url), "requests": .int(Int64(requests)), "pulled": .int(Int64(pulled)), "pushed": .int(Int64(pushed)),
         "diverged": .array(diverged.sorted().map { .string($0) }), "forksReceived": .int(Int64(forksReceived)),
         "refusedByPeer": .array(refusedByPeer), "refusedHere": .int(Int64(refusedHere)),
         "bytesSent": .int(Int64(bytesSent)), "bytesReceived": .int(Int64(bytesReceived)),
         "witness": witness.map { .string($0.hex) } ?? .null]
    }
}

/// A peer answered with problem details, or could not be reached.
public struct SyncClientError: Error, CustomStringConvertible {
    public let code: String
    public let detail: String
    public var description: String { detail }
}

/// Pulls from and pushes to peers until both hold the same operations
/// (PROTOCOL.md §7.3). Resumable: each page is applied as it arrives and the
/// version vectors mean nothing already applied is sent again.
public struct SyncClient: Sendable {
    public let store: ReplicaStore
    public let home: ReplicaHome
    public let key: SigningKey
    public let clock: @Sendable () -> Int64
    public var pageLimit = 1000
    /// Pages fetched and verified ahead of the one being written.
    public var pipelineDepth = 3
    /// For https:// peers: trust only the certificates in this PEM file (a
    /// network's own authority); nil: the system's trust roots.
    public var tlsCA: String?

    public init(store: ReplicaStore, home: ReplicaHome, key: SigningKey, clock: @escaping @Sendable () -> Int64) {
        self.store = store; self.home = home; self.key = key; self.clock = clock
    }

    public func sync(with url: String, progress: @Sendable (String) -> Void = { _ in }) async throws -> SyncReport {
        // A LAN peer answers a connect within milliseconds: one that is down
        // costs at most 1.5 s (not the library's 10 s of connect retries).
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .milliseconds(1500), read: .seconds(120))
        configuration.tlsConfiguration = try ServeTLS.client(caFile: tlsCA)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            var r = try await run(url: url, http: http, progress: progress)
            if r.pushed > 0 {
                // The peer witnesses work it accepts (PROTOCOL.md §7.3): one
                // more pull brings that witness back, so that a claim just
                // pushed is judged on it at once, not at the next sync.
                let again = try await run(url: url, http: http, progress: progress)
                r.pulled += again.pulled; r.pushed += again.pushed; r.requests += again.requests
                r.refusedHere += again.refusedHere; r.refusedByPeer += again.refusedByPeer
                r.bytesSent += again.bytesSent; r.bytesReceived += again.bytesReceived
                r.witness = r.witness ?? again.witness
                r.diverged.formUnion(again.diverged); r.forksReceived += again.forksReceived
            }
            try await http.shutdown()
            return r
        } catch {
            try? await http.shutdown()
            let e = Self.clerkError(error, url: url)
            let code = (e as? SyncClientError)?.code ?? (e as? StoreError)?.code ?? "sync.failed"
            try? store.notePeerFailed(url, code: code, now: clock())
            throw e
        }
    }

    /// Transport failures (refused, reset, timed out, unknown host) as one
    /// stable code and a sentence a clerk can act on; the protocol's own
    /// refusals and the store's errors pass through unchanged.
    static func clerkError(_ error: any Error, url: String) -> any Error {
        if error is SyncClientError || error is StoreError || error is OpRejection || error is CancellationError { return error }
        let text = "\(error)"
        if error is NIOSSLError || error is BoringSSLError || text.contains("handshake") || text.contains("CERTIFICATE_VERIFY") {
            return SyncClientError(code: "sync.tls",
                                   detail: "Cannot sync with \(url): its TLS certificate is not trusted here, or does not name that address (give the network's certification authority with --tls-ca or SHENGUAN_TLS_CA, and check the address). Nothing was sent.")
        }
        let why: String
        if text.contains("Connection refused") || text.contains("connectTimeout") || text.contains("connect timeout") {
            why = "nothing answers there: the peer's `shenguan serve` is not running, or the address is wrong"
        } else if text.contains("reset") || text.contains("remoteConnectionClosed") || text.contains("EOF") {
            why = "the connection was cut during the exchange"
        } else if text.contains("resolve") || text.contains("NXDOMAIN") || text.contains("lookup") {
            why = "the host name cannot be resolved"
        } else {
            why = "the network failed (\(type(of: error)))"
        }
        return SyncClientError(code: "sync.unreachable",
                               detail: "Cannot sync with \(url): \(why). Nothing was lost: what was applied stays, the rest follows at the next sync.")
    }

    private func run(url base: String, http: HTTPClient, progress: @Sendable (String) -> Void) async throws -> SyncReport {
        var report = SyncReport(url: base)
        let asGiven = base
        let base = base.hasSuffix("/") ? String(base.dropLast()) : base
        // Pull, page by page, as a three-stage pipeline (the way `importFile`
        // overlaps verification with writes): page k is written (one
        // transaction, committed as it arrives: resumable) while pages k+1…
        // are verified on the other cores and the next ones are fetched, each
        // request sent as soon as the previous answer names its cursor, up
        // to `pipelineDepth` pages ahead of the writer. No stage keeps a page
        // once the next stage has it: memory is bounded by the pipeline's
        // depth, not by the history.
        let server = try await serverKey(http, base)
        // What is held, per author: the highest seq (the vector) and the
        // tips, so that a fork on either side is seen (PROTOCOL.md §7.1).
        let held = try store.chainTips()
        let vector = JSONValue.object(held.mapValues { .int($0.seq) })
        let tips = ChainTips.json(held.mapValues(\.tips))
        let head = try store.head(of: key.publicKey)
        let decl = HeadDeclaration.sign(key: key, seq: head.seq, id: head.id, time: clock())
        let store = self.store, limit = Int64(pageLimit)
        @Sendable func fetch(_ cursor: Int64, declare: Bool) async throws -> Fetched {
            var body: [String: JSONValue] = ["vector": vector, "tips": tips, "cursor": .int(cursor), "limit": .int(limit)]
            if declare { body["head"] = decl.json }
            let (raw, sent, received) = try await postRaw(http, base, "/v1/sync", .object(body), to: server)
            // The page is read without a JSON tree (SyncPage.decode).
            guard let page = await offload({ SyncPage.decode(raw) }) else {
                throw SyncClientError(code: "sync.bad_response", detail: "\(base) answered with a page that is not JSON.")
            }
            return Fetched(page: page, sent: sent, received: received)
        }
        // Stages 1 and 2: one task fetches the pages in order and hands each
        // to a verification task (steps 1–11 of PROTOCOL.md §2.5, on all
        // cores); a credit per page bounds how far it runs ahead.
        let (credits, credit) = AsyncStream<Void>.makeStream()
        for _ in 0..<max(1, pipelineDepth) { credit.yield() }
        let (pages, pageSink) = AsyncThrowingStream<Pulled, Error>.makeStream()
        let producer = Task {
            var room = credits.makeAsyncIterator()
            var cursor: Int64 = 0
            do {
                while await room.next() != nil, !Task.isCancelled {
                    let f = try await fetch(cursor, declare: cursor == 0)
                    let more = f.page.more && !f.page.ops.isEmpty
                    cursor = f.page.cursor
                    let verified = await offload { store.verify(f.page.ops) }
                    pageSink.yield(Pulled(vector: f.page.vector, tips: f.page.tips, verified: verified, sent: f.sent, received: f.received))
                    if !more { break }
                }
                pageSink.finish()
            } catch {
                pageSink.finish(throwing: error)
            }
        }
        defer { producer.cancel(); credit.finish() }
        var serverVector = [String: Int64](), serverTips: [String: [Digest]]?
        var newWork = false
        // Stage 3: the writer, one page at a time in order.
        for try await page in pages {
            credit.yield()
            report.requests += 1; report.bytesSent += page.sent; report.bytesReceived += page.received
            let now = clock()
            let r = try await offload { try store.ingestVerified(page.verified, now: now) }
            report.pulled += r.accepted
            report.refusedHere += r.rejected
            report.forksReceived += r.results.filter(\.equivocation).count
            newWork = newWork || r.results.contains { $0.outcome == .accepted && $0.kind != WitnessOps.kind }
            serverVector = page.vector; serverTips = page.tips
            if !page.verified.isEmpty { progress("pulled \(report.pulled) operations from \(base)") }
        }
        // This replica's own chain: a peer holding more of it than is held
        // here (restored from a copy) stops signing until it is back; a
        // completed pull is the sync a restored replica waits for.
        let me = key.publicKey.base64url
        if let mine = serverVector[me] { try store.noteOwnChainSeen(mine, author: key.publicKey) }
        for u in Set([asGiven, base]) { try store.noteSyncedSinceRestore(u) }
        if newWork { report.witness = try store.appendWitness(home: home, key: key, now: clock())?.id }
        // Push what the peer lacks, from the vector and tips it just sent:
        // an author whose chain diverges from the peer's goes in full.
        let pushVector = try store.effectiveVector(serverVector, tips: serverTips).vector
        report.diverged = Set(pushVector.filter { $0.value != serverVector[$0.key] ?? 0 }.keys)
        var pushCursor: Int64 = 0
        while true {
            let page = try store.opsLacking(vector: pushVector, after: pushCursor, limit: pageLimit, maxBytes: 4 << 20)
            if page.envelopes.isEmpty { break }
            let (resp, sent, received) = try await post(http, base, "/v1/ops", ["ops": .array(page.envelopes.map(\.json))], to: server)
            report.requests += 1; report.bytesSent += sent; report.bytesReceived += received
            report.pushed += Int(resp["accepted"]?.intValue ?? 0)
            for r in resp["results"]?.arrayValue ?? [] where r["reason"] != nil { report.refusedByPeer.append(r) }
            progress("pushed \(report.pushed) operations to \(base)")
            pushCursor = page.cursor
            if !page.more { break }
        }
        try? store.notePeerSynced(base, vector: serverVector, now: clock())
        return report
    }

    /// A fetched page, read but not yet verified.
    private struct Fetched: Sendable {
        let page: SyncPage.Decoded
        let sent: Int, received: Int
    }

    /// A fetched page, verified and ready to be written: its operations and
    /// the peer's version vector (the envelopes themselves are not kept).
    private struct Pulled: Sendable {
        let vector: [String: Int64]
        let tips: [String: [Digest]]?
        let verified: [Result<VerifiedOp, OpRejection>]
        let sent: Int, received: Int
    }

    /// One signed POST; returns the JSON answer and the bytes sent and received.
    private func post(_ http: HTTPClient, _ base: String, _ path: String, _ body: JSONValue, to server: PublicKey) async throws -> (JSONValue, Int, Int) {
        let (raw, sent, received) = try await postRaw(http, base, path, body, to: server)
        guard let json = await offload({ try? CanonicalJSON.parse(raw) }) else {
            throw SyncClientError(code: "sync.bad_response", detail: "\(base) answered with something that is not JSON.")
        }
        return (json, sent, received)
    }

    /// The serving replica's key, from its signed answer to `GET /v1/info`
    /// (the one request not bound to a replica): every later request is
    /// signed for that key, so no other replica accepts it (§7.2).
    func serverKey(_ http: HTTPClient, _ base: String) async throws -> PublicKey {
        try await send(http, base, method: .GET, path: "/v1/info", body: nil, to: nil).server
    }

    /// One signed POST for `server`; returns the body of a 200 answer
    /// (refusals become a `SyncClientError` with the peer's problem code)
    /// and the bytes sent and received.
    private func postRaw(_ http: HTTPClient, _ base: String, _ path: String, _ body: JSONValue, to server: PublicKey) async throws -> ([UInt8], Int, Int) {
        let r = try await send(http, base, method: .POST, path: path, body: try CanonicalJSON.encode(body), to: server)
        guard r.server == server else {
            throw SyncClientError(code: "sync.bad_response_signature",
                                  detail: "The answer from \(base) is signed by another replica than the one asked: a proxy or another server answered. Nothing from it was used; check the address.")
        }
        return (r.raw, r.sent, r.received)
    }

    private func send(_ http: HTTPClient, _ base: String, method: HTTPMethod, path: String, body: [UInt8]?, to server: PublicKey?) async throws
        -> (raw: [UInt8], sent: Int, received: Int, server: PublicKey) {
        let bytes = body ?? []
        var req = HTTPClientRequest(url: base + path)
        req.method = method
        if body != nil { req.headers.add(name: "Content-Type", value: "application/json") }
        req.headers.add(name: "Shenguan-Version", value: "1")
        let signature = RequestSignature.sign(key: key, method: method.rawValue, path: path, body: bytes, time: clock(), target: server)
        for (k, v) in signature.headers { req.headers.add(name: k, value: v) }
        if body != nil { req.body = .bytes(ByteBuffer(bytes: bytes)) }
        let resp: HTTPClientResponse
        do { resp = try await http.execute(req, timeout: .seconds(60)) } catch {
            throw Self.clerkError(error, url: base)
        }
        let buf = try await resp.body.collect(upTo: 64 << 20)
        let raw = Array(buf.readableBytesView)
        // Every answer, refusals included, must be signed by an active
        // replica of this network for this very request (PROTOCOL.md §7.2):
        // otherwise a proxy or a foreign server answered, and nothing it
        // says is believed.
        let answer = AnswerSignature(author: resp.headers.first(name: "Shenguan-Author"), time: resp.headers.first(name: "Shenguan-Time"),
                                     signature: resp.headers.first(name: "Shenguan-Signature"))
        let roster = try store.roster()
        guard let answer, answer.authenticates(status: Int(resp.status.code), path: path, nonce: signature.nonce, body: raw, roster: roster) else {
            throw SyncClientError(code: "sync.bad_response_signature",
                                  detail: "The answer from \(base) (HTTP \(resp.status.code)) is not signed by a replica of this network for this request: a proxy or another server answered. Nothing from it was used; check the address.")
        }
        guard resp.status == .ok else {
            let json = try? CanonicalJSON.parse(raw)
            let code = json?["code"]?.stringValue ?? "sync.http_\(resp.status.code)"
            let detail = json?["detail"]?.stringValue ?? "HTTP \(resp.status.code)"
            throw SyncClientError(code: code, detail: "\(base) refused the request: \(detail)")
        }
        return (raw, bytes.count, buf.readableBytes, answer.author)
    }
}
