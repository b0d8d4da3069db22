import ArgumentParser
import Foundation
import ShenguanCore
import ShenguanCrypto
import ShenguanStore
import ShenguanSync

/// `shenguan demo`: the oversight office opens a network; the approval
/// bureau and two regulators join it; they work offline, then sync over HTTP
/// on loopback (each department serving its replica), converge to the same
/// state, and refuse forged, tampered and unauthorised operations without
/// losing anything; an export file carries operations where there is no link.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build a small network of replicas in DIR and show them converge.")
    @Option(help: "Folder for the demo replicas (kept for inspection; an earlier demo there is replaced).") var dir = "demo-out"

    typealias Replica = (id: String, cn: String, home: ReplicaHome, store: ReplicaStore, key: SigningKey)

    func run() async throws {
        try await guardedAsync {
            // Only ever replace an earlier demo folder (or an empty one), never anything else.
            if FileManager.default.fileExists(atPath: dir) {
                let contents = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
                guard contents.isEmpty || FileManager.default.fileExists(atPath: dir + "/oversight/genesis.jsonl") else {
                    throw CLIError("demo.dir_in_use", "\(dir) exists and is not an earlier demo folder: choose another --dir.")
                }
                try FileManager.default.removeItem(atPath: dir)
            }
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let passphrase = ProcessInfo.processInfo.environment["SHENGUAN_PASSPHRASE"].flatMap { $0.isEmpty ? nil : $0 } ?? "shenguan-demo"
            var now = try Clock.nowMillis()
            func tick(_ ms: Int64 = 60_000) -> Int64 { now += ms; return now }

            print("1. 市人民政府办公室 (oversight) opens the network: root key + genesis roster (R21, policy 聊城 000):")
            let ovHome = ReplicaHome(path: "\(dir)/oversight")
            let (ovStore, root, genesis) = try ovHome.createNetwork(name: "聊城审管互动", policy: .liaocheng, departmentID: "oversight",
                                                                   departmentName: "市人民政府办公室", passphrase: passphrase, now: tick())
            print("   network \(genesis.id.hex.prefix(16))…  root key \(root.publicKey.base64url.prefix(12))…  calendar 2020–2026 (T1)")
            let departments = [("bureau", "市行政审批服务局", "approval"), ("market", "市市场监督管理局", "regulator"), ("ecology", "市生态环境局", "regulator")]
            for (id, cn, role) in departments {
                _ = try ovHome.append(store: ovStore, key: root, kind: RosterOps.department,
                                      body: ["id": .string(id), "name": .string(cn), "role": .string(role)], now: tick(1_000))
            }
            try ovStore.export(to: "\(dir)/roster.jsonl")

            print("\n2. Each department creates its replica from the roster file and is admitted (join request → roster.admit):")
            var replicas: [Replica] = []
            for (id, cn, role) in departments {
                let home = ReplicaHome(path: "\(dir)/\(id)")
                let (store, key, request) = try home.join(genesisFile: "\(dir)/roster.jsonl", department: id, passphrase: passphrase, now: tick(1_000))
                _ = try ovHome.append(store: ovStore, key: root, kind: RosterOps.admit,
                                      body: ["key": .string(request.key.base64url), "department": .string(id)], now: tick(1_000))
                replicas.append((id, cn, home, store, key))
                print("   \(pad(cn, 18)) \(pad(role, 10)) key \(key.publicKey.base64url.prefix(12))…  (encrypted, mode 0600)")
            }
            try ovStore.export(to: "\(dir)/roster-admitted.jsonl")
            for r in replicas { _ = try r.store.importFile("\(dir)/roster-admitted.jsonl", now: tick(1_000)) }

            print("\n3. Each department works offline (signed operations in its own hash chain; R3 staff recorded):")
            let staff = try replicas[1].home.append(store: replicas[1].store, key: replicas[1].key, kind: RosterOps.staff,
                body: ["department": "market", "staffNo": "0042", "name": "王芳", "office": "食品经营许可科",
                       "validFrom": "2026-01-01", "validUntil": "2026-12-31"], now: tick())
            print("   \(pad(replicas[1].cn, 18)) staff.register 王芳 (0042)  \(staff.id.hex.prefix(12))…")
            let notes: [[(String, Digest?)]] = [
                [("审批决定：食品经营许可 JY13715020000123 已作出，推送市场监管局 (R1)", nil), ("审批决定：排污许可 91371500MA3C0000X1 已作出，推送生态环境局 (R1)", nil)],
                [("已认领食品经营许可推送 (R2, R3)", staff.id)],
                [("现场检查记录：企业排污口整改完成 (R6)", nil), ("行政处罚决定书 聊环罚〔2026〕12号 (R6)", nil)],
            ]
            for (i, r) in replicas.enumerated() {
                for (text, who) in notes[i] {
                    var body: [String: JSONValue] = ["text": .string(text)]
                    if let who { body["staff"] = .string(who.hex) }
                    let op = try r.home.append(store: r.store, key: r.key, kind: OpKinds.note, body: .object(body), now: tick())
                    print("   \(pad(r.cn, 18)) seq \(op.header.seq)  \(op.id.hex.prefix(12))…  \(text)")
                }
            }

            print("\n4. Each department serves its replica on loopback HTTP; they sync in a ring (signed requests, PROTOCOL.md §7):")
            let clock: @Sendable () -> Int64 = { [base = now] in base + 3_600_000 }
            now += 3_600_000
            let serving = replicas.map { (home: $0.home, store: $0.store, key: $0.key) }
            let peers = replicas
            let syncLines: [String] = try await LocalServers.with(serving, clock: clock) { urls in
                var out = [String]()
                for round in 1...3 {
                    for i in 0..<peers.count {
                        let from = peers[i], to = (i + 1) % peers.count
                        let client = SyncClient(store: from.store, home: from.home, key: from.key, clock: clock)
                        let r = try await client.sync(with: urls[to])
                        out.append("   round \(round): \(pad(from.cn, 18)) ⇄ \(pad(peers[to].cn, 18)) \(urls[to])  pulled \(r.pulled), pushed \(r.pushed), \(r.requests) request\(r.requests == 1 ? "" : "s")")
                    }
                    if Set(try peers.map { try $0.store.state().digest }).count == 1 { break }
                }
                return out
            }
            for l in syncLines { print(l) }
            for r in replicas { try r.store.export(to: "\(dir)/\(r.id)-after-sync.jsonl") }
            print("\n5. State digests (equal: the same operations give the same state, whatever the order):")
            var digests = Set<String>()
            for r in replicas {
                let d = try r.store.state().digest.hex
                digests.insert(d)
                print("   \(pad(r.cn, 18)) \(try r.store.count()) ops  digest \(d.prefix(16))…")
            }
            print("   converged: \(digests.count == 1 ? "yes" : "NO")")

            print("\n6. Refusals, each with a stable code; nothing else is lost:")
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
            print("\nInspect: shenguan roster --home \(dir)/market ; shenguan state --home \(dir)/bureau ; sqlite3 \(dir)/bureau/replica.sqlite .tables")
            if digests.count != 1 { throw ExitCode(1) }
        }
    }
}

