import Foundation
import Hummingbird
import Logging
import NIOCore
import ShenguanCore
import ShenguanCrypto
import ShenguanReplica
import ShenguanStore
import ShenguanSync

/// Runs 审管工作台 until SIGINT/SIGTERM (graceful shutdown), beside the
/// sync server of the same replica (`shenguan serve --ui`).
public enum WebServe {
    public static func run(home: ReplicaHome, store: ReplicaStore, key: SigningKey, config: WebConfig,
                           clock: @escaping @Sendable () -> Int64, logFormat: ServeLogHandler.Format = .text,
                           onListening: @escaping @Sendable (Int) async -> Void) async throws {
        var logger = Logger(label: "shenguan.ui") { label in ServeLogHandler(label: label, format: logFormat, clock: clock) }
        logger.logLevel = ProcessInfo.processInfo.environment["SHENGUAN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let app = try buildWebApplication(home: home, store: store, key: key, config: config, clock: clock, logger: logger, onListening: onListening)
        do { try await app.runService() } catch let e as IOError where e.errnoCode == EADDRINUSE {
            throw ReplicaError("serve.address_in_use", "Port \(config.port) of \(config.host) is already used by another program: choose another --ui port, or stop the other server.",
                               zh: "\(config.host) 的端口 \(config.port) 已被其他程序占用：请换一个 --ui 端口，或先停止另一个服务。")
        }
    }
}
