import ArgumentParser
import Foundation
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// `shenguan demo`: three department replicas work offline, exchange export
/// files (as between networks with no link), converge to the same state, and
/// refuse a tampered file without losing anything.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build a small network of replicas in DIR and show them converge.")
    @Option(help: "Folder for the demo replicas (kept for inspection).") var dir = "demo-out"

    func run() throws {
        try guarded {
            if FileManager.default.fileExists(atPath: dir) { try FileManager.default.removeItem(atPath: dir) }
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let passphrase = ProcessInfo.processInfo.environment["SHENGUAN_PASSPHRASE"].flatMap { $0.isEmpty ? nil : $0 } ?? "shenguan-demo"
            var now = try Clock.nowMillis()
            let network = SHA256.hash(SecureRandom.bytes(32))
            let departments = [("bureau", "行政审批局"), ("market", "市场监督管理局"), ("ecology", "生态环境局")]
            print("Shenguan demo: 3 replicas on network \(network.hex.prefix(16))… in \(dir)/")
            var replicas: [(name: String, cn: String, home: ReplicaHome, store: ReplicaStore, key: SigningKey)] = []
            for (name, cn) in departments {
                let home = ReplicaHome(path: "\(dir)/\(name)")
                let (store, key) = try home.create(network: network, passphrase: passphrase)
                replicas.append((name, cn, home, store, key))
                print("  \(pad(cn, 16)) \(name)  key \(key.publicKey.base64url.prefix(12))…  (encrypted, mode 0600)")
            }
            print("\n1. Each department writes while offline (signed notes in its own hash chain):")
            let notes = [
                ["审批决定：食品经营许可 JY13715020000123 已作出，推送市场监管局", "审批决定：排污许可 91371500MA3C0000X1 已作出，推送生态环境局"],
                ["已认领食品经营许可推送（签收人：王芳）"],
                ["现场检查记录：企业排污口整改完成", "行政处罚决定书 聊环罚〔2026〕12号"],
            ]
            for (i, r) in replicas.enumerated() {
                for text in notes[i] {
                    now += 60_000
                    let op = try r.home.append(store: r.store, key: r.key, kind: OpKinds.note, body: ["text": .string(text)], now: now)
                    print("   \(pad(r.cn, 16)) seq \(op.header.seq)  \(op.id.hex.prefix(12))…  \(text)")
                }
            }
            print("\n2. They exchange export files in a ring, twice (bureau → market → ecology → bureau):")
            for round in 1...2 {
                for i in 0..<replicas.count {
                    let from = replicas[i], to = replicas[(i + 1) % replicas.count]
                    let file = "\(dir)/\(from.name)-round\(round).jsonl"
                    try from.store.export(to: file)
                    now += 1_000
                    let report = try to.store.importFile(file, now: now)
                    print("   round \(round): \(pad(from.cn, 16)) → \(pad(to.cn, 16)) \(report.accepted) new, \(report.results.count - report.accepted) already held")
                }
            }
            print("\n3. State digests (equal: the same operations give the same state, whatever the order):")
            var digests = Set<String>()
            for r in replicas {
                let d = try r.store.state().digest.hex
                digests.insert(d)
                print("   \(pad(r.cn, 16)) \(try r.store.count()) ops  digest \(d.prefix(16))…")
            }
            print("   converged: \(digests.count == 1 ? "yes" : "NO")")
            print("\n4. A tampered export is refused op by op; the rest applies and nothing is lost:")
            let file = "\(dir)/bureau-round2.jsonl"
            var lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
            if lines.count > 2, var env = try? Envelope.decode(Array(lines[2].utf8)), var body = env.body {
                body[body.count / 2] ^= 0x01
                env = Envelope(author: env.author, header: env.header, sig: env.sig, body: body)
                lines[2] = String(decoding: env.encoded(), as: UTF8.self)
            }
            let tampered = "\(dir)/tampered.jsonl"
            try (lines.joined(separator: "\n") + "\n").write(toFile: tampered, atomically: true, encoding: .utf8)
            let fresh = ReplicaHome(path: "\(dir)/auditor")
            let (auditor, _) = try fresh.create(network: network, passphrase: passphrase)
            let report = try auditor.importFile(tampered, now: now)
            for r in report.results { if case .rejected(let why) = r.outcome { print("   line \(r.index + 2): \(why.code.rawValue): \(why.reason)") } }
            print("   auditor replica: \(try auditor.count()) applied, \(try auditor.pendingCount()) waiting for the refused op, of \(report.results.count) in the file")
            print("\nInspect: shenguan state --home \(dir)/bureau ; sqlite3 \(dir)/bureau/replica.sqlite .tables")
            if digests.count != 1 { throw ExitCode(1) }
        }
    }
}

/// Pads to a display width, counting East Asian wide characters as two
/// columns, so that Chinese names align in tables.
func pad(_ s: String, _ width: Int) -> String {
    let w = s.unicodeScalars.reduce(0) { $0 + (isWide($1) ? 2 : 1) }
    return s + String(repeating: " ", count: max(0, width - w))
}

private func isWide(_ u: Unicode.Scalar) -> Bool {
    switch u.value {
    case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
         0x20000...0x3FFFD: true
    default: false
    }
}
