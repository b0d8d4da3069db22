import ArgumentParser
import Foundation
import ShenguanCore
import ShenguanReplica
import ShenguanCrypto
import ShenguanStore
import ShenguanSync
import ShenguanWeb

/// `shenguan serve`: serve this replica to its peers over HTTP (PROTOCOL.md §7).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve this replica to authenticated peers over HTTP until SIGINT/SIGTERM.", discussion: "Example: shenguan serve --listen 0.0.0.0:8741 --sync-every 300")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Address to listen on, HOST:PORT (port 0: any free port).") var listen = "127.0.0.1:0"
    @Option(name: .customLong("sync-every"), help: "Also sync with the known peers every N seconds.") var syncEvery: Int?
    @Option(name: .customLong("idle-timeout"), help: "Close connections idle (or stuck in their headers) for N seconds.") var idleTimeout: Int64 = 30
    @Option(name: .customLong("request-timeout"), help: "Answer 408 to a request whose body takes longer than N seconds.") var requestTimeout: Int64 = 60
    @Option(name: .customLong("log-format"), help: "Log lines on stderr, stamped in China Standard Time: text or json.") var logFormat: LogFormat = .text
    @Option(help: "Also serve 审管工作台, the clerks' web interface, on HOST:PORT (e.g. 127.0.0.1:8080; sign-in with `shenguan staff password`).")
    var ui: String?
    @Option(help: "Also serve Prometheus metrics (counts only, no data) at http://HOST:PORT/metrics, e.g. 127.0.0.1:9464; keep it on loopback or behind the monitoring network.")
    var metrics: String?
    @Option(name: .customLong("tls-cert"), help: "Serve over HTTPS (sync API and --ui) with this PEM certificate chain; needs --tls-key.") var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert (unencrypted, mode 0600).") var tlsKey: String?
    @Option(name: .customLong("tls-ca"), help: "For --sync-every with https:// peers: trust only this PEM CA file (default: $SHENGUAN_TLS_CA, then the system's roots).") var tlsCA: String?
    @Flag(help: "Run as the network's neutral notary: only sync and witness (the replica's department must have role notary; syncs every 60 s unless --sync-every).")
    var notary = false

    func run() async throws {
        let (home, store, key) = try openForWriting(global)
        var syncEvery = self.syncEvery
        if notary {
            try Clerk(home: home, store: store, key: key, now: try Clock.nowMillis()).requireNotary()
            syncEvery = syncEvery ?? 60
        }
        let (syncHost, syncPort) = try hostPort(listen, option: "--listen", example: "127.0.0.1:8741")
        var config = SyncServerConfig()
        config.host = syncHost; config.port = syncPort
        guard idleTimeout > 0, requestTimeout > 0 else {
            throw ReplicaError("cli.bad_timeout", "--idle-timeout and --request-timeout take a number of seconds ≥ 1.")
        }
        config.idleTimeoutSeconds = idleTimeout; config.requestTimeoutSeconds = requestTimeout
        switch (tlsCert, tlsKey) {
        case (nil, nil): break
        case (let cert?, let key?): config.tls = try ServeTLS.server(certificate: cert, key: key)
        default: throw ReplicaError("cli.tls_pair", "--tls-cert and --tls-key go together: give both, or neither for plain HTTP on loopback.")
        }
        let scheme = config.tls == nil ? "http" : "https"
        let clientCA = tlsCA ?? ProcessInfo.processInfo.environment["SHENGUAN_TLS_CA"]
        let host = config.host, syncConfig = config, every = syncEvery
        let clock: @Sendable () -> Int64 = { (try? Clock.nowMillis()) ?? 0 }
        let format = logFormat.format
        var web: WebConfig?
        if let ui {
            var w = WebConfig()
            (w.host, w.port) = try hostPort(ui, option: "--ui", example: "127.0.0.1:8080")
            w.tls = config.tls
            web = w
        }
        let webConfig = web
        let metricsAddress = try metrics.map { m -> (host: String, port: Int) in
            let (h, p) = try hostPort(m, option: "--metrics", example: "127.0.0.1:9464")
            return (h, p)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await SyncServe.run(home: home, store: store, key: key, config: syncConfig, syncEverySeconds: every,
                                        clock: clock, logFormat: format, metricsAddress: metricsAddress, clientTLSCA: clientCA, onMetricsListening: { bound in
                    FileHandle.standardOutput.write(Data("metrics on http://\(metricsAddress?.host ?? ""):\(bound)/metrics\n".utf8))
                }) { bound in
                    // The first line on stdout is the address (scripts and tests wait for it).
                    FileHandle.standardOutput.write(Data("listening on \(scheme)://\(host):\(bound)\n".utf8))
                }
            }
            if let web = webConfig {
                group.addTask {
                    try await WebServe.run(home: home, store: store, key: key, config: web, clock: clock, logFormat: format) { bound in
                        FileHandle.standardOutput.write(Data("web interface on \(scheme)://\(web.host):\(bound)/\n".utf8))
                    }
                }
            }
            // Either server stopping (a signal, or a failure) stops both.
            try await group.next()
            group.cancelAll()
        }
    }

    func hostPort(_ s: String, option: String, example: String) throws -> (String, Int) {
        let parts = s.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), (0...65535).contains(port) else {
            throw ReplicaError("cli.bad_listen", "\(option) takes HOST:PORT, e.g. \(example).")
        }
        return (String(parts[0]), port)
    }
}

/// `shenguan sync`: pull and push until both sides hold the same operations.
struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sync with peers (given, or all known peers) until both sides hold the same operations.", discussion: "Example: shenguan sync http://10.0.0.12:8741")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Peer URLs, e.g. http://127.0.0.1:8741; default: every peer in `shenguan peers list`.") var urls: [String] = []
    @Option(name: .customLong("tls-ca"), help: "For https:// peers: trust only this PEM CA file (default: $SHENGUAN_TLS_CA, then the system's roots).") var tlsCA: String?

    func run() async throws {
        let (home, store, key) = try openForWriting(global)
        let targets = urls.isEmpty ? try store.peers().map(\.url) : urls
        guard !targets.isEmpty else { throw ReplicaError("sync.no_peers", "No peer given and none known: pass a URL or run `shenguan peers add URL`.") }
        var client = SyncClient(store: store, home: home, key: key, clock: { (try? Clock.nowMillis()) ?? 0 })
        client.tlsCA = tlsCA ?? ProcessInfo.processInfo.environment["SHENGUAN_TLS_CA"]
        let tty = isatty(1) == 1 && !global.json
        var reports = [JSONValue]()
        var failed = [ReplicaError]()
        for url in targets {
            // One peer down does not stop the others; each outcome is reported.
            let r: SyncReport
            do {
                r = try await client.sync(with: url) { line in if tty { FileHandle.standardError.write(Data("\r\(line)".utf8)) } }
            } catch {
                if tty { FileHandle.standardError.write(Data("\n".utf8)) }
                let e = ErrorReport.of(error)
                failed.append(e)
                reports.append(.object(["url": .string(url), "error": .object(["code": .string(e.code), "message": .string(e.message)])]))
                ErrorReport.print(e, json: false)   // the JSON of every peer is printed together below
                continue
            }
            if tty { FileHandle.standardError.write(Data("\n".utf8)) }
            reports.append(r.json)
            if !global.json {
                print("\(url): pulled \(r.pulled), pushed \(r.pushed) in \(r.requests) request\(r.requests == 1 ? "" : "s")"
                      + (r.refusedByPeer.isEmpty ? "" : ", \(r.refusedByPeer.count) refused by the peer")
                      + (r.refusedHere == 0 ? "" : ", \(r.refusedHere) refused here"))
                if !r.diverged.isEmpty || r.forksReceived > 0 {
                    print("  fork: an author's chain differs from the peer's (a replica restored from a copy, or one key used twice): both branches were exchanged; see `shenguan conflicts`")
                }
            }
        }
        if global.json { printJSON(.array(reports)) }
        if !failed.isEmpty { throw ExitCode(2) }
    }
}

/// `shenguan peers`: the peers this replica syncs with.
struct Peers: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remember the peers to sync with.", subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a peer URL.", discussion: "Example: shenguan peers add http://10.0.0.12:8741")
        @OptionGroup var global: GlobalOptions
        @Argument var url: String
        func run() throws {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw ReplicaError("cli.bad_url", "A peer is an http:// or https:// URL.") }
            try global.openStore().addPeer(url, now: try Clock.nowMillis())
            print("Added peer \(url)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List known peers and when they last synced.", discussion: "Example: shenguan peers list")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let store = try global.openStore()
            let peers = try store.peers()
            let lacking = try peers.map { p in try p.lastVector.map { try store.lacking(vector: $0) } }
            if global.json {
                printJSON(.array(zip(peers, lacking).map { p, n in
                    .object(["url": .string(p.url), "lastSync": p.lastSync.map { .int($0) } ?? .null, "lacking": n.map { .int(Int64($0)) } ?? .null,
                             "lastAttempt": p.lastAttempt.map { .int($0) } ?? .null, "lastError": p.lastError.map { .string($0) } ?? .null])
                }))
            } else {
                for (p, n) in zip(peers, lacking) {
                    let failed = p.lastError.map { e in "  last attempt \(p.lastAttempt.map { Clock.cst($0) } ?? "?") failed (\(e))" } ?? ""
                    print("\(p.url)  last sync \(p.lastSync.map { Clock.cst($0) } ?? "never")\(n.map { "  lacks \($0) ops" } ?? "")\(failed)")
                }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forget a peer.", discussion: "Example: shenguan peers remove http://10.0.0.12:8741")
        @OptionGroup var global: GlobalOptions
        @Argument var url: String
        func run() throws {
            guard try global.openStore().removePeer(url) else {
                throw ReplicaError("peers.unknown", "\(url) is not a known peer.")
            }
            print("Removed peer \(url)")
        }
    }
}

/// `serve --log-format`.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
    var format: ServeLogHandler.Format { self == .json ? .json : .text }
}

