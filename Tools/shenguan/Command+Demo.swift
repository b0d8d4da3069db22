import ArgumentParser
import Foundation
import ShenguanCore
import ShenguanReplica
import ShenguanCrypto
import ShenguanStore
import ShenguanSync
import ShenguanWeb
import ShenguanCalendar

/// `shenguan demo`: the oversight office opens a network; the approval
/// bureau and two regulators join it; they work offline, then sync over HTTP
/// on loopback (each department serving its replica), converge to the same
/// state, and refuse forged, tampered and unauthorised operations without
/// losing anything; an export file carries operations where there is no link.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the 审管互动 scenario on a small network of replicas in DIR, syncing over loopback HTTP.", discussion: "Example: shenguan demo --dir demo-out")
    @Option(help: "Folder for the demo replicas (kept for inspection; an earlier demo there is replaced).") var dir = "demo-out"
    @Flag(help: "Afterwards, serve 审管工作台 for the bureau and the market regulator on loopback until Ctrl-C, with demo sign-ins.")
    var ui = false
    @Option(name: .customLong("ui-port"), help: "First port of the web interfaces with --ui (the bureau's; the market's is the next).")
    var uiPort = 8801

    typealias Replica = (id: String, cn: String, home: ReplicaHome, store: ReplicaStore, key: SigningKey)

    func run() async throws {
        // Only ever replace an earlier demo folder (or an empty one), never anything else.
        if FileManager.default.fileExists(atPath: dir) {
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            guard contents.isEmpty || FileManager.default.fileExists(atPath: dir + "/oversight/genesis.jsonl") else {
                throw ReplicaError("demo.dir_in_use", "\(dir) exists and is not an earlier demo folder: choose another --dir.")
            }
            try FileManager.default.removeItem(atPath: dir)
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let passphrase = ProcessInfo.processInfo.environment["SHENGUAN_PASSPHRASE"].flatMap { $0.isEmpty ? nil : $0 } ?? "shenguan-demo"
        // The scenario runs on fixed dates (2026-09-28 … 10-16) so that it
        // crosses the National Day holiday whatever today's date is.
        var now = DemoScenario.t("2026-09-28T09:00:00")
        func tick(_ ms: Int64 = 60_000) -> Int64 { now += ms; return now }

        print("1. 市人民政府办公室 (oversight) opens the network: root key + genesis roster (R21, policy 聊城 000):")
        let ovHome = ReplicaHome(path: "\(dir)/oversight")
        // The root key has its own passphrase, as `shenguan network init` requires.
        let rootPassphrase = passphrase + " (root)"
        let (network, rootKey) = try Oversight.createNetwork(home: ovHome, name: "聊城审管互动", policy: .liaocheng, departmentID: "oversight",
                                                             departmentName: "市人民政府办公室", passphrase: passphrase,
                                                             rootPassphrase: rootPassphrase, now: tick())
        let oversight = try Oversight.open(home: ovHome, now: now) { rootPassphrase }
        let ovStore = oversight.store
        print("   network \(network.hex.prefix(16))…  root key \(rootKey.base64url.prefix(12))…  calendar 2020–2026 (T1)")
        print("   (the root key's own passphrase is the demo's passphrase followed by \" (root)\")")
        let departments: [(String, String, Role)] = [("bureau", "市行政审批服务局", .approval), ("market", "市市场监督管理局", .regulator), ("ecology", "市生态环境局", .regulator)]
        for (id, cn, role) in departments { _ = try oversight.at(tick(1_000)).addDepartment(id: id, name: cn, role: role) }
        // The credit platform (R20) is in the roster; its own replica is not part of the demo.
        _ = try oversight.at(tick(1_000)).addDepartment(id: "credit", name: "市信用信息平台", role: .credit)
        try ovStore.export(to: "\(dir)/roster.jsonl")

        print("\n2. Each department creates its replica from the roster file and is admitted (join request → roster.admit):")
        var replicas: [Replica] = []
        for (id, cn, role) in departments {
            let home = ReplicaHome(path: "\(dir)/\(id)")
            let (store, key, request) = try home.join(genesisFile: "\(dir)/roster.jsonl", department: id, passphrase: passphrase, now: tick(1_000))
            _ = try oversight.at(tick(1_000)).admit(request)
            replicas.append((id, cn, home, store, key))
            print("   \(pad(cn, 18)) \(pad(role.rawValue, 10)) key \(key.publicKey.base64url.prefix(12))…  (encrypted, mode 0600)")
        }
        try ovStore.export(to: "\(dir)/roster-admitted.jsonl")
        for r in replicas { _ = try r.store.importFile("\(dir)/roster-admitted.jsonl", now: tick(1_000)) }

        print("\n3. The 审管互动 scenario, on its own dates around the 2026 National Day holiday (T1, T2):")
        var scene = DemoScenario(replicas: replicas)
        try await scene.play(dir: dir)
        let digests = scene.digests
        print("\n5. Refusals, each with a stable code; nothing else is lost:")
        now = DemoScenario.t("2026-10-16T10:00:00")
        for line in try scene.refusals(now: tick()) { print("   " + line) }
        do {
            _ = try replicas[1].home.append(store: replicas[1].store, key: replicas[1].key, kind: RosterOps.department,
                                            body: ["id": "fake", "name": "假部门", "role": "approval"], now: tick())
        } catch let why as OpRejection { print("   a regulator writes a roster op → \(why.code.rawValue): \(why.reason)") }
        let file = "\(dir)/bureau-after-sync.jsonl"
        var lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        if let i = lines.indices.last, var env = try? Envelope.decode(Array(lines[i].utf8)), var body = env.body {
            body[body.count / 2] ^= 0x01
            env = Envelope(author: env.author, header: env.header, sig: env.sig, body: body)
            lines[i] = String(decoding: env.encoded(), as: UTF8.self)
        }
        let tampered = "\(dir)/tampered.jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: tampered, atomically: true, encoding: .utf8)
        let auditor = ReplicaHome(path: "\(dir)/auditor")
        let (audit, _, _) = try auditor.join(genesisFile: ovHome.genesisPath, department: "oversight", passphrase: passphrase, now: tick())
        let report = try audit.importFile(tampered, now: tick())
        for r in report.results { if case .rejected(let why) = r.outcome { print("   tampered export, line \(r.index + 2) → \(why.code.rawValue): \(why.reason)") } }
        print("   auditor replica: \(try audit.count()) applied of \(report.results.count) in the file; the rest intact")
        print("\nInspect: SHENGUAN_NOW=2026-10-16T09:00:00+08:00 shenguan inbox --home \(dir)/bureau ; shenguan status ID --home \(dir)/market ; shenguan warnings --home \(dir)/bureau ; sqlite3 \(dir)/bureau/replica.sqlite .tables")
        if digests.count != 1 { throw ExitCode(1) }
        if ui { try await serveWorkbench(replicas.filter { $0.id == "bureau" || $0.id == "market" }) }
    }

    /// Gives a demo clerk a web password; the scenario's registrations end
    /// with 2026, so after that a new period from today is registered first.
    static func setPassword(_ clerk: Clerk, staffNo: String, name: String, password: String) throws {
        let today = ChinaStandardTime.civilDate(atMillis: clerk.now)
        if try !clerk.reader.staff(department: clerk.department).contains(where: { $0.member.staffNo == staffNo && $0.member.mayAct(atMillis: clerk.now) }) {
            _ = try clerk.registerStaff(StaffRegistration(staffNo: staffNo, name: name, office: "窗口", validFrom: today,
                                                          validUntil: CivilDate(iso: "\(today.year + 1)-12-31")!))
        }
        try clerk.setWebPassword(staffNo: staffNo, password: password)
    }

    /// Serves the web interface and the sync API of each replica until
    /// SIGINT/SIGTERM, on today's clock; each department's demo clerk gets a
    /// password, and each replica knows the other as a peer.
    func serveWorkbench(_ replicas: [Replica]) async throws {
        let clock: @Sendable () -> Int64 = { (try? Clock.nowMillis()) ?? 0 }
        let names = ["bureau": ("0007", "李明"), "market": ("0042", "王芳")]
        var syncPorts = [String: Int]()
        for (i, r) in replicas.enumerated() { syncPorts[r.id] = uiPort + 100 + i }
        print("\n6. 审管工作台 (the clerks' web interface), on today's clock; Ctrl-C stops it:")
        for (i, r) in replicas.enumerated() {
            let (no, name) = names[r.id]!
            let password = "demo-\(r.id)-\(no)"
            let clerk = try Clerk(home: r.home, store: r.store, key: r.key, now: clock())
            try Self.setPassword(clerk, staffNo: no, name: name, password: password)
            for (other, port) in syncPorts where other != r.id { try r.store.addPeer("http://127.0.0.1:\(port)", now: clerk.now) }
            print("   \(pad(r.cn, 18)) http://127.0.0.1:\(uiPort + i)/   工号 \(no)（\(name)）  密码 \(password)")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, r) in replicas.enumerated() {
                var sync = SyncServerConfig(); sync.port = syncPorts[r.id]!
                var web = WebConfig(); web.port = uiPort + i
                let (home, store, key) = (r.home, r.store, r.key)
                group.addTask { try await SyncServe.run(home: home, store: store, key: key, config: sync, syncEverySeconds: nil, clock: clock) { _ in } }
                group.addTask { try await WebServe.run(home: home, store: store, key: key, config: web, clock: clock) { _ in } }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}

