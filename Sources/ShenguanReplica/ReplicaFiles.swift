import Foundation
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// What `importFile` did: every line's outcome, and the witness signed for
/// what the file brought (time evidence, as after an HTTP sync).
public struct ImportOutcome: Sendable {
    public let report: IngestReport
    public let witness: VerifiedOp?
    /// The lines refused, each with its code (line 1 is the file's header).
    public var refused: [(line: Int, id: Digest?, rejection: OpRejection)] {
        report.results.compactMap { r in
            if case .rejected(let why) = r.outcome { return (r.index + 2, r.id, why) } else { return nil }
        }
    }
    /// How many lines ended in each outcome code (`accepted`, `duplicate`, …).
    public var counts: [String: Int] {
        var c = [String: Int]()
        for r in report.results { c[r.code, default: 0] += 1 }
        return c
    }
}

/// Offline transfer (PROTOCOL.md §3): export files in and out of a replica.
public enum ReplicaFiles {
    /// Verifies and merges an export file: bad operations are refused, the
    /// rest apply in batches. With `witness` (this replica's home and its
    /// unlocked key, checked to be the replica's own before anything of the
    /// file is applied) a witness is signed when anything new arrived,
    /// witnesses included: a silent party's witness-only chain is what
    /// makes silence final (R12).
    public static func importFile(_ path: String, into store: ReplicaStore, now: Int64,
                                  witness: (home: ReplicaHome, key: SigningKey)? = nil, batchSize: Int = 5000,
                                  progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws(ReplicaError) -> ImportOutcome {
        do {
            if let witness { try witness.home.checkOwnKey(witness.key, store: store) }
            let report = try store.importFile(path, now: now, batchSize: batchSize, progress: progress)
            var signed: VerifiedOp?
            if let witness, report.results.contains(where: { $0.outcome == .accepted }) {
                signed = try store.appendWitness(home: witness.home, key: witness.key, now: now)
            }
            return ImportOutcome(report: report, witness: signed)
        } catch { throw ReplicaError.wrap(error) }
    }

    /// Writes every operation held to `path`; returns how many.
    public static func export(_ store: ReplicaStore, to path: String) throws(ReplicaError) -> Int {
        do { return try store.export(to: path) } catch { throw ReplicaError.wrap(error) }
    }

    /// Changes the passphrase of a key file (the replica's, or a root key
    /// kept elsewhere): the current one must open it, the new one must
    /// differ; the file is replaced atomically.
    public static func changePassphrase(keyFile path: String, current: String?, new: String) throws(ReplicaError) {
        try checkPassphrase(keyFile: path, current: current)
        do {
            guard new != current else {
                throw ReplicaError("key.same_passphrase", "The new passphrase is the current one: nothing was changed.", zh: "新口令与当前口令相同，未作更改。")
            }
            try KeyFile.changePassphrase(at: path, old: current, new: new)
        } catch { throw ReplicaError.wrap(error) }
    }

    /// Checks that `current` opens the key file (`key.wrong_passphrase`
    /// otherwise), e.g. before asking for a new passphrase.
    public static func checkPassphrase(keyFile path: String, current: String?) throws(ReplicaError) {
        do { _ = try KeyFile.open(try KeyFile.read(from: path), passphrase: current, path: path) } catch { throw ReplicaError.wrap(error) }
    }

    /// Whether the key file at `path` is encrypted (so a passphrase is needed).
    public static func keyIsEncrypted(_ path: String) throws(ReplicaError) -> Bool {
        do { return KeyFile.isEncrypted(try KeyFile.read(from: path)) } catch { throw ReplicaError.wrap(error) }
    }
}

extension Clerk {
    /// A signed note (`note`): free text, optionally naming who acted (a
    /// staff number valid today, or a registration id prefix).
    public func note(_ text: String, staff: String? = nil) throws(ReplicaError) -> VerifiedOp {
        try run {
            guard (1...OpKinds.noteMaxScalars).contains(text.unicodeScalars.count) else {
                throw ReplicaError("note.length", "A note has 1 to \(OpKinds.noteMaxScalars) characters; nothing was written.",
                                   zh: "备注须为 1 至 \(OpKinds.noteMaxScalars) 个字符，未写入任何内容。")
            }
            var body: [String: JSONValue] = ["text": .string(text)]
            if let id = try staffID(staff) { body["staff"] = .string(id.hex) }
            return try home.append(store: store, key: key, kind: OpKinds.note, body: .object(body), now: now)
        }
    }

    /// Checks that this replica may run as the network's neutral notary:
    /// its department's role is `notary` and it knows peers to witness.
    public func requireNotary() throws(ReplicaError) {
        guard roster.role(of: key.publicKey) == .notary else {
            throw ReplicaError("notary.role", "--notary needs a replica of a department with role notary in the roster; ask the oversight office to add one (network add-department --role notary).",
                               zh: "公证模式需要名册中角色为 notary 的部门的副本：请监督办公室添加（network add-department --role notary）。")
        }
        let peers: [PeerState]
        do { peers = try store.peers() } catch { throw ReplicaError.wrap(error) }
        guard !peers.isEmpty else {
            throw ReplicaError("notary.no_peers", "A notary witnesses what it pulls from its peers: add them first with `shenguan peers add URL`.",
                               zh: "公证副本见证从对端拉取的内容：请先用 shenguan peers add URL 添加对端。")
        }
    }
}

extension ReplicaReader {
    /// The most recent operations held, newest first (`log`).
    public func log(limit: Int = 50) throws(ReplicaError) -> [OpSummary] {
        guard (1...10_000).contains(limit) else {
            throw ReplicaError("log.limit", "--limit takes 1 to 10000 operations.", zh: "--limit 取 1 至 10000。")
        }
        return try run { try store.log(limit: limit) }
    }

    /// The roster this replica holds (`roster`, `policy show`).
    public func roster() throws(ReplicaError) -> RosterState {
        guard let r = try run({ try store.roster() }) else {
            throw ReplicaError("roster.missing", "This replica holds no roster yet: import the genesis file or sync first.",
                               zh: "本副本尚无名册：请先导入创世文件或同步。")
        }
        return r
    }

    /// Compares the read model with one rebuilt from the operations alone
    /// (`state --check`; changes nothing). `ReadModelCheck.refusal` says
    /// what to do when they differ.
    public func checkReadModel() throws(ReplicaError) -> ReadModelCheck {
        try run { try store.checkReadModel() }
    }
}

extension ReadModelCheck {
    /// The refusal naming the fix when the read model differs (nil: consistent).
    public var refusal: ReplicaError? {
        isConsistent ? nil : ReplicaError("state.read_model_mismatch", "The read model differs from the operations in \(missing.count + extra.count) rows; run shenguan state --rebuild (the operations themselves are intact).",
                                          zh: "读模型与操作记录有 \(missing.count + extra.count) 行不一致：请运行 shenguan state --rebuild（操作记录本身完好）。")
    }
}
