import Foundation
import Hummingbird
import Logging
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// Runs a serving replica until SIGINT/SIGTERM (graceful shutdown), and, if
/// asked, syncs with the known peers periodically so that witnesses stay
/// fresh (DESIGN.md "Time evidence").
public enum SyncServe {
    public static func run(home: ReplicaHome, store: ReplicaStore, key: SigningKey, config: SyncServerConfig,
                           syncEverySeconds: Int?, clock: @escaping @Sendable () -> Int64,
                           onListening: @escaping @Sendable (Int) async -> Void) async throws {
        var configured = Logger(label: "shenguan.serve")
        configured.logLevel = ProcessInfo.processInfo.environment["SHENGUAN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let logger = configured
        let app = buildSyncApplication(home: home, store: store, key: key, config: config, clock: clock, logger: logger,
                                       onListening: onListening)
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let every = syncEverySeconds, every > 0 {
                group.addTask {
                    let client = SyncClient(store: store, home: home, key: key, clock: clock)
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(every))
                        for peer in (try? store.peers()) ?? [] {
                            do { _ = try await client.sync(with: peer.url) } catch {
                                logger.warning("periodic sync failed", metadata: ["peer": "\(peer.url)", "error": "\(error)"])
                            }
                        }
                    }
                }
            }
            // The server runs until a signal; then the periodic syncs stop.
            try await app.runService()
            group.cancelAll()
        }
    }
}
