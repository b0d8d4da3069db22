import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOSSL
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// Limits and switches of a serving replica (PROTOCOL.md §7.4).
public struct SyncServerConfig: Sendable {
    public var host = "127.0.0.1"
    public var port = 0
    /// Largest request body accepted.
    public var maxBodyBytes = 8 << 20
    /// Most operations per page served and per upload accepted.
    public var maxOpsPerRequest = 1000
    /// Largest page served, in signed bytes.
    public var maxPageBytes = 4 << 20
    /// Seconds a connection may stay idle (silent clients, and clients that
    /// never finish their headers, are cut).
    public var idleTimeoutSeconds: Int64 = 30
    /// Seconds a client may take from a request's head to its end (clients
    /// that trickle a body get 408 `sync.request_timeout`).
    public var requestTimeoutSeconds: Int64 = 60
    /// HTTPS with this certificate and key (``ServeTLS/server(certificate:key:)``); nil: plain HTTP.
    public var tls: TLSConfiguration?
    public init() {}
}

/// Shared mutable state of a serving replica: nonce memory and the key.
actor SyncServerState {
    var auth: RequestAuthenticator
    let store: ReplicaStore
    let home: ReplicaHome
    let key: SigningKey
    let clock: @Sendable () -> Int64
    let logger: Logger

    init(store: ReplicaStore, home: ReplicaHome, key: SigningKey, clock: @escaping @Sendable () -> Int64, logger: Logger) {
        self.store = store; self.home = home; self.key = key; self.clock = clock; self.logger = logger
        let remembered = ((try? store.liveNonces(now: clock())) ?? []).map { ($0.expires, $0.key) }
        auth = RequestAuthenticator(maxSkewMillis: (try? store.roster()?.policy.maxSkewMillis) ?? IngestDecider.defaultMaxSkewMillis,
                                    remembered: remembered)
    }

    /// Checks the request's signature and nonce (in memory, inside the
    /// actor); returns the caller and the nonce the caller of this method
    /// must persist before serving (off the actor and the cooperative pool).
    func authenticate(_ request: Request, body: [UInt8]) throws(SyncProblem) -> (RosterState.Replica, (Int64, String)?) {
        let h = request.headers
        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { h[$0] } }
        let sig = RequestSignature(author: header("Shenguan-Author"), time: header("Shenguan-Time"),
                                   nonce: header("Shenguan-Nonce"), signature: header("Shenguan-Signature"), to: header("Shenguan-To"))
        let roster: RosterState?
        do { roster = try store.roster() } catch { throw SyncProblem(500, "sync.store", "The replica database could not be read.") }
        // Every request is bound to this replica (§7.2), but /v1/info, which
        // a client asks first to learn this replica's key.
        let caller = try auth.check(sig, method: request.method.rawValue, path: request.uri.path, body: body, roster: roster, now: clock(),
                                    server: key.publicKey, targetOptional: request.method == .get && request.uri.path == "/v1/info")
        return (caller, auth.lastAccepted)
    }

    /// After operations other than witnesses arrived: sign a witness.
    func witness() {
        do {
            if try store.appendWitness(home: home, key: key, now: clock()) == nil {
                logger.warning("no witness signed: this replica's key must not sign now (restored and not yet synced, behind its own chain, or forked); run `shenguan note` to see why")
            }
        } catch {
            logger.warning("could not write a witness", metadata: ["error": "\(error)"])
        }
    }
}

/// Signs every answer with the serving replica's key (PROTOCOL.md §7.2),
/// bound to the request it answers by the request's nonce.
struct AnswerSigner: Sendable {
    let key: SigningKey
    let clock: @Sendable () -> Int64

    func response(_ status: HTTPResponse.Status, contentType: String, _ bytes: [UInt8], to request: Request) -> Response {
        let nonce = HTTPField.Name("Shenguan-Nonce").flatMap { request.headers[$0] }
        let sig = AnswerSignature.sign(key: key, status: status.code, path: request.uri.path, nonce: nonce, body: bytes, time: clock())
        var headers: HTTPFields = [.contentType: contentType]
        for (k, v) in sig.headers { if let name = HTTPField.Name(k) { headers[name] = v } }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func json(_ v: JSONValue, to request: Request) throws -> Response {
        response(.ok, contentType: "application/json", try CanonicalJSON.encode(v), to: request)
    }

    func problem(_ p: SyncProblem, to request: Request) -> Response {
        response(.init(code: p.status), contentType: "application/problem+json", (try? CanonicalJSON.encode(p.json)) ?? [], to: request)
    }
}

/// Builds the HTTP application of a serving replica (PROTOCOL.md §7), shared
/// by `shenguan serve` and the tests. `onListening` receives the bound port.
public func buildSyncApplication(home: ReplicaHome, store: ReplicaStore, key: SigningKey, config: SyncServerConfig,
                                 clock: @escaping @Sendable () -> Int64, logger: Logger, metrics: ServeMetrics? = nil,
                                 onListening: @escaping @Sendable (Int) async -> Void) throws -> some ApplicationProtocol {
    let state = SyncServerState(store: store, home: home, key: key, clock: clock, logger: logger)
    let signer = AnswerSigner(key: key, clock: clock)
    let router = Router()
    // Outermost, so that it counts the status a refusal was turned into.
    if let metrics { router.middlewares.add(MetricsMiddleware(metrics: metrics)) }
    router.middlewares.add(ProblemMiddleware(signer: signer, logger: logger))

    /// Reads the body within the limit and authenticates.
    @Sendable func authenticated(_ request: Request) async throws -> (RosterState.Replica, [UInt8]) {
        var request = request
        // The version first (PROTOCOL.md §7.2), before content type and size.
        guard HTTPField.Name("Shenguan-Version").flatMap({ request.headers[$0] }) == "1" else {
            throw SyncProblem(400, "sync.unsupported_version", "Send Shenguan-Version: 1; this replica speaks protocol version 1 only.")
        }
        if request.method == .post {
            guard request.headers[.contentType]?.hasPrefix("application/json") == true else {
                throw SyncProblem(415, "sync.content_type", "Send the body as application/json.")
            }
        }
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: config.maxBodyBytes) } catch {
            throw SyncProblem(413, "sync.too_large", "The request body exceeds \(config.maxBodyBytes) bytes: send fewer operations per request.")
        }
        let body = Array(buffer.readableBytesView)
        let (caller, accepted) = try await state.authenticate(request, body: body)
        // Persisted before the request is served: after a crash or restart
        // the same request is still a replay. (A replay arriving meanwhile
        // is already refused from memory.)
        if let (expiry, nonce) = accepted {
            do { try await offload { try store.recordNonce(nonce, expires: expiry) } } catch {
                if let fault = StoreError.classify(error) { throw SyncProblem(503, fault.code, fault.description) }
                throw SyncProblem(503, "sync.store", "The replica database could not record the request; try again.")
            }
        }
        return (caller, body)
    }

    /// Reads the body within the limit, authenticates, parses the JSON.
    @Sendable func prepare(_ request: Request) async throws -> (RosterState.Replica, JSONValue) {
        let (caller, body) = try await authenticated(request)
        if body.isEmpty { return (caller, .object([:])) }
        do { return (caller, try CanonicalJSON.parse(body)) } catch {
            throw SyncProblem(400, "sync.malformed", "The body is not valid JSON (\(error)).")
        }
    }

    // For monitoring and load balancers: unauthenticated, and so it answers
    // nothing about the replica, its network or its operations (PROTOCOL.md §7).
    router.get("/v1/health") { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
    }

    router.get("/v1/info") { request, _ -> Response in
        let (caller, _) = try await prepare(request)
        logger.info("info", metadata: ["peer": "\(caller.department)"])
        let roster = try store.roster()
        return try signer.json(["network": .string(store.network.hex), "replica": .string(key.publicKey.base64url),
                                "department": .string(roster?.activeReplica(key.publicKey)?.department ?? ""),
                                "protocol": 1, "rosterVersion": .int(roster?.version ?? 0)], to: request)
    }

    router.post("/v1/sync") { request, _ -> Response in
        let (caller, body) = try await prepare(request)
        if let d = body["head"], d != .null {
            guard let decl = HeadDeclaration(json: d), decl.author == caller.key else {
                throw SyncProblem(400, "sync.bad_declaration", "The head declaration is not signed by the calling replica.")
            }
            _ = try await offload { try store.record(decl, now: clock()) }
        }
        var vector = [String: Int64]()
        for (a, v) in body["vector"]?.objectValue ?? [:] {
            guard let n = v.intValue, n >= 0 else { throw SyncProblem(400, "sync.malformed", "vector values are seq numbers ≥ 0") }
            vector[a] = n
        }
        // Untrusted numbers: a cursor is a position ≥ 0, a limit ≥ 1 (openapi.yaml).
        let cursor = body["cursor"]?.intValue ?? 0, asked = body["limit"]?.intValue ?? Int64(config.maxOpsPerRequest)
        guard cursor >= 0, asked >= 1 else { throw SyncProblem(400, "sync.malformed", "cursor is a position ≥ 0 and limit a count ≥ 1.") }
        let limit = Int(min(asked, Int64(config.maxOpsPerRequest)))
        // Forks (§7.1 "tips"): an author whose chain differs from the
        // caller's is sent in full, so both branches reach both sides.
        let tips: [String: [Digest]]?
        do { tips = try ChainTips.parse(body["tips"]) } catch { throw SyncProblem(400, "sync.malformed", ChainTipsError().detail) }
        // The caller holds more of this replica's own chain than is held
        // here (restored from a copy): no signing until it is back.
        let me = key.publicKey, maxBytes = config.maxPageBytes, given = vector
        // The store's work off the cooperative pool (issue 14 item 9).
        let (bytes, sent) = try await offload { () throws -> ([UInt8], Int) in
            if let mine = given[me.base64url] { try store.noteOwnChainSeen(mine, author: me) }
            let (effective, held) = try store.effectiveVector(given, tips: tips)
            let page = try store.opsLacking(vector: effective, after: cursor, limit: limit, maxBytes: maxBytes)
            return (try SyncPage.encode(envelopes: page.envelopes, cursor: page.cursor, more: page.more,
                                        tips: held.mapValues(\.tips), vector: held.mapValues(\.seq)), page.envelopes.count)
        }
        logger.info("sync", metadata: ["peer": "\(caller.department)", "sent": "\(sent)"])
        metrics?.sent(sent)
        return signer.response(.ok, contentType: "application/json", bytes, to: request)
    }

    router.post("/v1/ops") { request, _ -> Response in
        let (caller, raw) = try await authenticated(request)
        // One envelope at a time: a malformed one is refused alone (§7.1).
        guard let envelopes = OpsBatch.split(raw) else {
            throw SyncProblem(400, "sync.malformed", "The body is {\"ops\": [envelope, …]}.")
        }
        guard envelopes.count <= config.maxOpsPerRequest else {
            throw SyncProblem(413, "sync.too_many_ops", "At most \(config.maxOpsPerRequest) operations per request.")
        }
        let report = try await offload { try store.ingestEnvelopes(envelopes, now: clock()) }
        metrics?.received(accepted: report.accepted, refused: report.rejected)
        let newWork = report.results.contains { $0.outcome == .accepted && $0.kind != WitnessOps.kind }
        if newWork { await state.witness() }
        logger.info("ops", metadata: ["peer": "\(caller.department)", "received": "\(envelopes.count)", "accepted": "\(report.accepted)"])
        return try signer.json(["accepted": .int(Int64(report.accepted)), "results": .array(report.results.map(resultJSON))], to: request)
    }

    return Application(router: router,
                       server: try ServeTLS.builder(.http1(configuration: .init(
                           additionalChannelHandlers: [RequestDeadlineHandler(limit: .seconds(config.requestTimeoutSeconds))],
                           idleTimeout: .seconds(config.idleTimeoutSeconds))), tls: config.tls),
                       configuration: .init(address: .hostname(config.host, port: config.port), serverName: "shenguan"),
                       onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
                       logger: logger)
}

/// A verdict as JSON: index, id, code, and for refusals the clerk's sentence.
public func resultJSON(_ r: IngestResult) -> JSONValue {
    var o: [String: JSONValue] = ["index": .int(Int64(r.index)), "code": .string(r.code)]
    if let id = r.id { o["id"] = .string(id.hex) }
    if case .rejected(let why) = r.outcome { o["reason"] = .string(why.reason) }
    return .object(o)
}

/// Turns `SyncProblem`s (and Hummingbird's own errors) into signed problem
/// details (RFC 9457): refusals are answers too, and are authenticated.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let signer: AnswerSigner
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do { return try await next(request, context) } catch let p as SyncProblem {
            return signer.problem(p, to: request)
        } catch let e as HTTPError where e.status == .notFound {
            // A known path asked with another method: 405 naming the one it takes.
            let methods = ["/v1/info": "GET", "/v1/health": "GET", "/v1/sync": "POST", "/v1/ops": "POST"]
            if let allowed = methods[request.uri.path] {
                return signer.problem(SyncProblem(405, "sync.method_not_allowed", "\(request.uri.path) takes \(allowed) only."), to: request)
            }
            return signer.problem(SyncProblem(404, "sync.not_found", "No such endpoint: see Sync/PROTOCOL.md §7."), to: request)
        } catch {
            // A storage fault (disk full, read-only, locked, damaged): its
            // stable code and sentence, which hold no data, and 503 (the
            // peer retries later; nothing of the request was kept).
            if let fault = StoreError.classify(error) ?? (error as? StoreError).flatMap({ $0.isStorageFault ? $0 : nil }) {
                logger.error("storage fault", metadata: ["code": "\(fault.code)", "path": "\(request.uri.path)"])
                return signer.problem(SyncProblem(503, fault.code, fault.description), to: request)
            }
            logger.error("internal error", metadata: ["type": "\(type(of: error))", "path": "\(request.uri.path)"])
            return signer.problem(SyncProblem(500, "sync.internal", "The replica could not answer; its administrator can see why in its log."), to: request)
        }
    }
}
