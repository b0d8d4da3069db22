import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ShenguanCore
import ShenguanCrypto
import ShenguanReplica
import ShenguanStore
import ShenguanSync

/// The pages and forms of 审管工作台. Each handler parses, calls the
/// application layer (`Clerk`, `ReplicaReader`, `Accounts`) and presents;
/// no rule of the workflow is decided here.
struct WebRoutes: Sendable {
    let replica: WebReplica
    let config: WebConfig
    let logger: Logger

    static let cookie = "sg_session"

    /// A signed-in request: the clerk at this instant, the page context.
    struct Session {
        let clerk: Clerk
        let user: SignedIn
        let token: String
        var ctx: PageContext { WebRoutes.context(clerk.roster, department: clerk.department, user: user) }
    }

    static func anonymous(_ r: WebReplica) -> PageContext {
        let roster = try? r.store.roster()
        return context(roster, department: roster?.activeReplica(r.key.publicKey)?.department ?? "", user: nil)
    }

    /// A page's context: the department's name and role in `roster`.
    static func context(_ roster: RosterState?, department: String, user: SignedIn?) -> PageContext {
        let d = roster?.departments[department]
        return PageContext(departmentName: d?.name ?? department, role: d?.role.rawValue ?? "", user: user)
    }

    static func token(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let kv = part.trimmingWhitespace.split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0] == cookie { return String(kv[1]) }
            }
        }
        return nil
    }

    /// The signed-in session of `request`, or nil (the caller redirects to /login).
    func session(_ request: Request) throws(ReplicaError) -> Session? {
        let clerk = try replica.clerk()
        guard let token = Self.token(request),
              let user = Accounts(store: replica.store, department: clerk.department).session(token: token, now: clerk.now) else { return nil }
        return Session(clerk: clerk, user: user, token: token)
    }

    static func render(_ answer: WebAnswer) -> Response {
        switch answer {
        case .page(let html, let status):
            return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: html.raw)))
        case .redirect(let to, let cookie):
            var h: HTTPFields = [.location: to]
            if let cookie { h[.setCookie] = cookie }
            return Response(status: .seeOther, headers: h)
        case .download(let name, let type, let bytes):
            return Response(status: .ok, headers: [.contentType: type, .contentDisposition: contentDisposition(name)],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// `attachment` with the name as RFC 6266 gives it: an ASCII fallback
    /// (letters, digits, `.`, `-`, `_`) and the UTF-8 name percent-encoded
    /// (a name a peer chose cannot break out of the header).
    static func contentDisposition(_ name: String) -> String {
        let safe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_".utf8)
        let ascii = String(decoding: name.utf8.filter { safe.contains($0) }, as: UTF8.self)
        let encoded = name.utf8.map { safe.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
        return "attachment; filename=\"\(ascii.isEmpty ? "download" : ascii)\"; filename*=UTF-8''\(encoded)"
    }

    /// Reads a form (urlencoded or multipart) within the size limit.
    func form(_ request: Request) async throws -> Form {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: config.maxBodyBytes) } catch {
            throw ReplicaError("web.too_large", "The form exceeds \(config.maxBodyBytes >> 20) MiB.",
                               zh: "提交的内容超过 \(config.maxBodyBytes >> 20) MB，请减少或压缩附件。")
        }
        let bytes = Array(buffer.readableBytesView)
        let type = request.headers[.contentType] ?? ""
        if type.lowercased().hasPrefix("multipart/form-data") {
            let boundary = type.split(separator: ";").map(\.trimmingWhitespace).first { $0.hasPrefix("boundary=") }
                .map { String($0.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) } ?? ""
            return try Form.multipart(bytes, boundary: boundary)
        }
        return try Form.urlencoded(bytes)
    }

    /// A signed-in POST: the session and its form, the anti-forgery token checked.
    func post(_ request: Request) async throws -> (Session, Form)? {
        guard let s = try session(request) else { return nil }
        let f = try await form(request)
        guard let sent = f["csrf"], sent == s.user.csrf else {
            throw ReplicaError("web.csrf", "The form's security token is missing or stale.",
                               zh: "表单已过期或来源不明（安全令牌不符）；请刷新页面后重新提交。")
        }
        return (s, f)
    }

    /// Runs a handler that needs a session; without one, to the sign-in page.
    /// A refusal keeps the signed-in frame (navigation, the staff member).
    func signedIn(_ request: Request, _ body: (Session) async throws -> WebAnswer) async throws -> Response {
        guard let s = try session(request) else { return Self.render(.redirect("/login")) }
        do { return Self.render(try await body(s)) } catch let e as ReplicaError { return Self.render(Self.refusal(e, s.ctx)) }
    }

    /// The page of a refusal: the clerk's sentence and code, a way back;
    /// 404 for what is not held, 403 for a stale form, else 422.
    static func refusal(_ e: ReplicaError, _ ctx: PageContext) -> WebAnswer {
        let status: HTTPResponse.Status = e.code.hasSuffix("not_found") ? .notFound : e.code.hasPrefix("web.csrf") ? .forbidden : .init(code: 422)
        return .page(Pages.layout("未能完成", ctx, error: e, "<p><a href=\"/inbox\">返回待办</a></p>"), status: status)
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/assets/app.css") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: Assets.css)))
        }
        router.get("/assets/app.js") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: Assets.js)))
        }
        // The credit-code hint as a clerk types (R8): the server's one check, as JSON.
        router.get("/check/credit-code") { request, _ -> Response in
            guard try session(request) != nil else { return Response(status: .unauthorized) }
            let code = request.uri.queryParameters["c"].map(String.init) ?? ""
            let problem = Clerk.creditCodeProblem(code, field: "统一社会信用代码")
            let json = try CanonicalJSON.encode(.object(["ok": .bool(problem == nil), "zh": .string(problem?.chinese ?? "校验通过")]))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
        router.get("/") { request, _ -> Response in
            Self.render(.redirect((try session(request)) == nil ? "/login" : "/inbox"))
        }
        router.get("/login") { request, _ -> Response in
            Self.render(.page(Pages.login(Self.anonymous(replica), plainHTTP: !Self.keepsSecureCookies(request))))
        }
        router.post("/login") { request, _ -> Response in try await login(request) }
        router.post("/logout") { request, _ -> Response in
            if let (s, _) = try await post(request) {
                Accounts(store: replica.store, department: s.clerk.department).signOut(token: s.token)
            }
            return Self.render(.redirect("/login", cookie: "\(Self.cookie)=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0"))
        }
        registerViews(on: router)
        registerWrites(on: router)
    }

    /// Whether the browser will keep the session cookie (marked Secure):
    /// over HTTPS (a TLS proxy says so), or on this machine's loopback.
    static func keepsSecureCookies(_ request: Request) -> Bool {
        if HTTPField.Name("X-Forwarded-Proto").flatMap({ request.headers[$0] }) == "https" { return true }
        let host = (request.head.authority ?? "").split(separator: ":").first.map(String.init) ?? ""
        return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host.isEmpty
    }

    func login(_ request: Request) async throws -> Response {
        let f = try await form(request)
        let ctx = Self.anonymous(replica)
        let staffNo = f["staff"] ?? ""
        do {
            let clerk = try replica.clerk()
            let (token, _) = try Accounts(store: replica.store, department: clerk.department)
                .signIn(staffNo: staffNo, password: f.fields["password"]?.first ?? "", now: clerk.now)
            // HttpOnly: no script reads it; SameSite=Strict: no other site sends
            // it; Secure: only over HTTPS or loopback; ends with the session.
            let cookie = "\(Self.cookie)=\(token); Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=\(Accounts.sessionMillis / 1000)"
            return Self.render(.redirect("/inbox", cookie: cookie))
        } catch {
            logger.notice("sign-in refused", metadata: ["code": "\(error.code)"])
            return Self.render(.page(Pages.login(ctx, staffNo: staffNo, error: error), status: .unauthorized))
        }
    }
}

extension HTTPField.Name {
    static let contentDisposition = HTTPField.Name("Content-Disposition")!
}
