import Foundation
import Hummingbird
import Logging
import NIOCore
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// Runs a serving replica until SIGINT/SIGTERM (graceful shutdown), and, if
/// asked, syncs with the known peers periodically so that witnesses stay
/// fresh (DESIGN.md "Time evidence").
public enum SyncServe {
    public static func run(home: ReplicaHome, store: ReplicaStore, key: SigningKey, config: SyncServerConfig,
                           syncEverySeconds: Int?, clock: @escaping @Sendable () -> Int64, logFormat: ServeLogHandler.Format = .text,
                           metricsAddress: (host: String, port: Int)? = nil, clientTLSCA: String? = nil,
                           onMetricsListening: @escaping @Sendable (Int) async -> Void = { _ in },
                           onListening: @escaping @Sendable (Int) async -> Void) async throws {
        var configured = Logger(label: "shenguan.serve") { label in ServeLogHandler(label: label, format: logFormat, clock: clock) }
        configured.logLevel = ProcessInfo.processInfo.environment["SHENGUAN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let logger = configured
        let metrics = metricsAddress.map { _ in ServeMetrics(store: store, clock: clock) }
        let app = try buildSyncApplication(home: home, store: store, key: key, config: config, clock: clock, logger: logger,
                                       metrics: metrics, onListening: onListening)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await settleVerdicts(store: store, clock: clock, logger: logger) }
            if let metrics, let address = metricsAddress {
                let exporter = buildMetricsApplication(metrics: metrics, host: address.host, port: address.port, logger: logger,
                                                       onListening: onMetricsListening)
                group.addTask { try await exporter.runService() }
            }
            if let every = syncEverySeconds, every > 0 {
                group.addTask {
                    var client = SyncClient(store: store, home: home, key: key, clock: clock)
                    client.tlsCA = clientTLSCA
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(every))
                        for peer in (try? store.peers()) ?? [] {
                            do {
                                let r = try await client.sync(with: peer.url)
                                logger.info("periodic sync", metadata: ["peer": "\(peer.url)", "pulled": "\(r.pulled)", "pushed": "\(r.pushed)",
                                                                        "witness": "\(r.witness != nil)"])
                            } catch {
                                logger.warning("periodic sync failed", metadata: ["peer": "\(peer.url)", "error": "\(error)"])
                            }
                        }
                    }
                }
            }
            // The server runs until a signal; then the periodic syncs stop.
            do { try await app.runService() } catch let e as IOError where e.errnoCode == EADDRINUSE {
                throw SyncClientError(code: "serve.address_in_use",
                                      detail: "Port \(config.port) of \(config.host) is already used by another program (perhaps another `shenguan serve`): choose another --listen port, or stop the other server.")
            }
            group.cancelAll()
        }
    }
}

extension SyncServe {
    /// Keeps the statistics' verdicts judged (`ReplicaStore.settleVerdicts`:
    /// 统计, `shenguan report`): 2,000 pushes at a time while some wait (a
    /// replica that just received a year of history), then a look every
    /// minute for limits that passed and verdicts that arrivals made stale.
    /// Each round is one short write transaction, so syncs and clerks'
    /// writes go between them.
    static func settleVerdicts(store: ReplicaStore, clock: @Sendable () -> Int64, logger: Logger) async {
        while !Task.isCancelled {
            var left = 0
            do { left = try store.settleVerdicts(now: clock(), limit: 2_000) } catch {
                logger.warning("statistics: judging verdicts failed", metadata: ["error": "\(type(of: error))"])
            }
            if left == 0 { try? await Task.sleep(for: .seconds(60)) } else { await Task.yield() }
        }
    }
}

/// Serving replicas inside one process (the demo): each on its own loopback
/// port, stopped together by cancelling the task that runs `body`.
public enum LocalServers {
    /// Starts a server per replica, runs `body` with their URLs, then stops them.
    public static func with<T: Sendable>(_ replicas: [(home: ReplicaHome, store: ReplicaStore, key: SigningKey)],
                                         clock: @escaping @Sendable () -> Int64,
                                         _ body: @Sendable ([String]) async throws -> T) async throws -> T {
        // Stopping by cancellation makes HummingbirdCore log each open
        // keep-alive connection's CancellationError at error level: expected
        // here, so only critical messages are shown.
        var logger = Logger(label: "shenguan.demo")
        logger.logLevel = .critical
        let quiet = logger
        let (stream, continuation) = AsyncStream<(Int, Int)>.makeStream()
        return try await withThrowingTaskGroup(of: T?.self) { group in
            for (i, r) in replicas.enumerated() {
                let app = try buildSyncApplication(home: r.home, store: r.store, key: r.key, config: SyncServerConfig(), clock: clock,
                                               logger: quiet) { port in continuation.yield((i, port)) }
                group.addTask { try await app.run(); return nil }
            }
            var ports = [Int: Int]()
            for await (i, port) in stream {
                ports[i] = port
                if ports.count == replicas.count { break }
            }
            let urls = (0..<replicas.count).map { "http://127.0.0.1:\(ports[$0]!)" }
            let result = try await body(urls)
            group.cancelAll()
            return result
        }
    }
}
