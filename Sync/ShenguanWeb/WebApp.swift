import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOSSL
import ShenguanCore
import ShenguanCrypto
import ShenguanReplica
import ShenguanStore
import ShenguanSync

/// Where the web interface listens (127.0.0.1 by default: a department
/// exposes it on its LAN on purpose, over HTTPS: `serve --tls-cert`).
public struct WebConfig: Sendable {
    public var host = "127.0.0.1"
    public var port = 0
    /// Largest form accepted (attachments included).
    public var maxBodyBytes = 32 << 20
    /// HTTPS with this certificate and key (``ServeTLS/server(certificate:key:)``); nil: plain HTTP.
    public var tls: TLSConfiguration?
    public init() {}
}

/// The replica as the web interface sees it: one store and key, unlocked
/// once when the server starts; a `Clerk` per request at the request's
/// instant (every rule lives in ShenguanReplica).
struct WebReplica: Sendable {
    let home: ReplicaHome
    let store: ReplicaStore
    let key: SigningKey
    let clock: @Sendable () -> Int64

    func clerk() throws(ReplicaError) -> Clerk { try Clerk(home: home, store: store, key: key, now: clock()) }
}

/// A page to answer with: HTML, a redirect, or a download.
enum WebAnswer {
    case page(HTML, status: HTTPResponse.Status = .ok)
    case redirect(String, cookie: String? = nil)
    case download(name: String, type: String, bytes: [UInt8])
}

/// Builds the HTTP application of 审管工作台 (issue 16). `onListening`
/// receives the bound port.
public func buildWebApplication(home: ReplicaHome, store: ReplicaStore, key: SigningKey, config: WebConfig,
                                clock: @escaping @Sendable () -> Int64, logger: Logger,
                                onListening: @escaping @Sendable (Int) async -> Void) throws -> some ApplicationProtocol {
    let replica = WebReplica(home: home, store: store, key: key, clock: clock)
    let router = Router()
    router.middlewares.add(WebGuard(replica: replica, logger: logger))
    WebRoutes(replica: replica, config: config, logger: logger).register(on: router)
    return Application(router: router,
                       server: try ServeTLS.builder(.http1(configuration: .init(idleTimeout: .seconds(60))), tls: config.tls),
                       configuration: .init(address: .hostname(config.host, port: config.port), serverName: "shenguan-ui"),
                       onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
                       logger: logger)
}

/// Security on every answer: a strict content security policy (no script
/// or style from anywhere but this server, no framing), no caching, no
/// referrer; a POST from another origin is refused before any handler runs
/// (cross-site request forgery); errors become a page in Chinese.
struct WebGuard<Context: RequestContext>: RouterMiddleware {
    let replica: WebReplica
    let logger: Logger

    static var headers: HTTPFields {
        var h = HTTPFields()
        h[.contentSecurityPolicy] = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        h[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        h[HTTPField.Name("Referrer-Policy")!] = "same-origin"   // "no-referrer" makes the browser send Origin: null
        h[HTTPField.Name("X-Frame-Options")!] = "DENY"
        h[.cacheControl] = "no-store"
        return h
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        if request.method == .post, let refusal = Self.crossOrigin(request) {
            response = WebRoutes.render(.page(Pages.layout("请求被拒绝", WebRoutes.anonymous(replica), error: refusal, ""), status: .forbidden))
        } else {
            do { response = try await next(request, context) } catch let e as ReplicaError {
                // A refusal of the application layer: the clerk's sentence, the page otherwise intact.
                response = WebRoutes.render(WebRoutes.refusal(e, WebRoutes.anonymous(replica)))
            } catch let e as HTTPError where e.status == .notFound {
                response = WebRoutes.render(.page(Pages.layout("页面不存在", WebRoutes.anonymous(replica),
                                                               error: ReplicaError("web.not_found", "No such page.", zh: "没有这个页面。"),
                                                               "<p><a href=\"/inbox\">返回待办</a></p>"), status: .notFound))
            } catch {
                logger.error("web page failed", metadata: ["path": "\(request.uri.path)", "error": "\(type(of: error))"])
                response = WebRoutes.render(.page(Pages.layout("出错了", WebRoutes.anonymous(replica),
                                                               error: ReplicaError("web.internal", "The page could not be shown.",
                                                                                   zh: "页面无法显示；管理员可在服务日志中查看原因。"), ""),
                                                  status: .internalServerError))
            }
        }
        for f in Self.headers where response.headers[f.name] == nil { response.headers.append(f) }
        // Method and path only: ids, never names, numbers or form contents.
        logger.info("ui", metadata: ["method": "\(request.method.rawValue)", "path": "\(Self.route(request.uri.path))", "status": "\(response.status.code)"])
        return response
    }

    /// The page's route without what follows it (`/item/…`): a clerk may type
    /// a licence number or an applicant's name into a URL, and the log keeps
    /// nothing personal.
    static func route(_ path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let first = parts.first else { return "/" }
        return "/" + first + (parts.count > 1 ? "/…" : "")
    }

    /// A POST whose Origin (or Sec-Fetch-Site) says it came from another site.
    static func crossOrigin(_ request: Request) -> ReplicaError? {
        let refusal = ReplicaError("web.cross_site", "This form was sent from another site and is refused.",
                                   zh: "该请求来自其他网站，已拒绝（防跨站请求伪造）。请在本系统页面中操作。")
        if let site = HTTPField.Name("Sec-Fetch-Site").flatMap({ request.headers[$0] }), site != "same-origin", site != "none" { return refusal }
        if let origin = HTTPField.Name("Origin").flatMap({ request.headers[$0] }) {
            guard let host = request.head.authority, origin == "http://\(host)" || origin == "https://\(host)" else {
                return refusal
            }
        }
        return nil
    }
}
