import Foundation
import Hummingbird
import Logging
import Prometheus
import ShenguanCore
import ShenguanStore

/// What `shenguan serve --metrics` shows Prometheus (issue 15): requests the
/// sync API answered by route and status, operations received and sent,
/// and, read from the replica when scraped, what it holds, what waits, the
/// statistics still to judge and each peer's last sync and failure. Counts
/// and instants only: no ids, names or contents. Served on its own
/// listener (loopback unless told otherwise), never on the sync port.
public final class ServeMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let store: ReplicaStore
    let clock: @Sendable () -> Int64

    public init(store: ReplicaStore, clock: @escaping @Sendable () -> Int64) {
        self.store = store; self.clock = clock
    }

    /// The sync API's routes; anything else counts as "other" (a scanner's
    /// paths never become labels).
    static let routes: Set = ["/v1/info", "/v1/health", "/v1/sync", "/v1/ops"]

    func answered(path: String, status: Int) {
        registry.makeCounter(name: "shenguan_sync_requests_total",
                             labels: [("route", Self.routes.contains(path) ? path : "other"), ("status", String(status))],
                             help: "Requests the sync API answered, by route and HTTP status.").increment()
    }

    func received(accepted: Int, refused: Int) {
        let help = "Operations peers pushed to this replica, by outcome."
        registry.makeCounter(name: "shenguan_ops_received_total", labels: [("outcome", "accepted")], help: help).increment(by: Int64(accepted))
        registry.makeCounter(name: "shenguan_ops_received_total", labels: [("outcome", "refused")], help: help).increment(by: Int64(refused))
    }

    func sent(_ n: Int) {
        registry.makeCounter(name: "shenguan_ops_sent_total", help: "Operations sent to peers in sync pages.").increment(by: Int64(n))
    }

    /// The text exposition (Prometheus format 0.0.4), gauges read now.
    public func exposition() throws -> [UInt8] {
        registry.makeGauge(name: "shenguan_ops_held", help: "Signed operations this replica holds.").set(to: Double(try store.count()))
        registry.makeGauge(name: "shenguan_ops_waiting", help: "Operations received that wait for what they build on or for the clock.")
            .set(to: Double(try store.pendingCount()))
        registry.makeGauge(name: "shenguan_verdicts_unjudged", help: "Pushes the statistics have not judged yet.")
            .set(to: Double(try store.unjudgedVerdicts(now: clock())))
        for p in try store.peers() {
            let labels = [("peer", p.url)]
            registry.makeGauge(name: "shenguan_peer_last_sync_timestamp_seconds", labels: labels,
                               help: "When the last sync with the peer completed (0: never).").set(to: Double(p.lastSync ?? 0) / 1000)
            registry.makeGauge(name: "shenguan_peer_failing", labels: labels,
                               help: "1 when the last attempt to sync with the peer failed.").set(to: p.lastError == nil ? 0 : 1)
        }
        var out = [UInt8]()
        registry.emit(into: &out)
        return out
    }
}

/// Counts every answer of the sync API (`ServeMetrics.answered`).
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServeMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        metrics.answered(path: request.uri.path, status: Int(response.status.code))
        return response
    }
}

/// The metrics listener: `GET /metrics` and nothing else.
public func buildMetricsApplication(metrics: ServeMetrics, host: String, port: Int, logger: Logger,
                                    onListening: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
    let router = Router()
    router.get("/metrics") { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try metrics.exposition())))
    }
    return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "shenguan-metrics"),
                       onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) }, logger: logger)
}
