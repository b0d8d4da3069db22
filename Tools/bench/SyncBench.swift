import Foundation
import ShenguanCore
import ShenguanCrypto
import ShenguanStore
import ShenguanSync

/// Issue 5's benchmark: a replica holding `source`'s operations serves them
/// over loopback HTTP to an empty replica; then a no-op sync between the two.
enum SyncBench {
    struct Result { let seconds: Double; let ops: Int; let bytes: Int; let requests: Int; let noopSeconds: Double; let noopBytes: Int; let noopRequests: Int; let converged: Bool }

    static func run(dir: String, source: ReplicaStore, net: BenchNetwork) async throws -> Result {
        let serverHome = ReplicaHome(path: dir + "/server-home")
        try FileManager.default.createDirectory(atPath: serverHome.path, withIntermediateDirectories: true)
        let clientHome = ReplicaHome(path: dir + "/client-home")
        let (client, _) = try clientHome.create(network: net.network, passphrase: nil, key: net.keys[1])
        // A replica joins holding the roster (it authenticates every answer by it, PROTOCOL.md §7.2).
        _ = try client.ingestVerified(net.ops.filter { $0.header.kind.hasPrefix("roster.") }.map { .success($0) }, now: net.now)
        let clock: @Sendable () -> Int64 = { [now = net.now] in now }
        return try await LocalServers.with([(serverHome, source, net.keys[0])], clock: clock) { urls in
            let c = SyncClient(store: client, home: clientHome, key: net.keys[1], clock: clock)
            sync()   // earlier phases' writeback stays out of the measurement
            let t0 = DispatchTime.now().uptimeNanoseconds
            let full = try await c.sync(with: urls[0])
            let t1 = DispatchTime.now().uptimeNanoseconds
            let noop = try await c.sync(with: urls[0])
            let t2 = DispatchTime.now().uptimeNanoseconds
            let converged = try client.state().digest == source.state().digest
            return Result(seconds: Double(t1 - t0) / 1e9, ops: full.pulled, bytes: full.bytesSent + full.bytesReceived,
                          requests: full.requests, noopSeconds: Double(t2 - t1) / 1e9, noopBytes: noop.bytesSent + noop.bytesReceived,
                          noopRequests: noop.requests, converged: converged)
        }
    }
}
