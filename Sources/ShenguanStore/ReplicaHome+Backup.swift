import Foundation
import GRDB
import ShenguanCore
import ShenguanCrypto

/// `shenguan backup` and `shenguan restore` (issue 14 item 6): a backup
/// that cannot fork the replica's chain when it is restored.
///
/// A copy of a replica folder is dangerous: restored, it signs again the
/// seqs its key signed after the copy was taken, and those operations may
/// already be at a peer (a fork, an equivocation of the department's key).
/// So a restore (1) keeps the highest seq the key is known to have signed
/// (the `signed-….seq` file of the folder it replaces, if any, and of the
/// backup), and (2) marks the database so that it signs nothing until it
/// has synced with every peer it knows: those syncs bring back whatever
/// its key signed since the backup, and the chain goes on after it.
extension ReplicaHome {
    /// What `backup` wrote.
    public struct BackupSummary: Sendable {
        public let path: String
        public let ops: Int
        public let ownSeq: Int64
    }

    /// Writes a consistent copy of this replica into the new folder `dir`
    /// (mode 0700): the database as of one instant (`VACUUM INTO`, safe
    /// while the replica serves or a clerk writes), the key files as they
    /// are (still encrypted, mode 0600) and the signed-seq records.
    public func backup(store: ReplicaStore, to dir: String) throws -> BackupSummary {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: dir) else {
            throw StoreError(.invalid("\(dir) already exists: give a new folder for the backup (nothing was written)."))
        }
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let target = ReplicaHome(path: dir)
        do {
            try store.vacuum(into: target.databasePath)
            for name in try fm.contentsOfDirectory(atPath: path) where Self.keptByBackup(name) {
                try fm.copyItem(atPath: path + "/" + name, toPath: dir + "/" + name)
            }
        } catch {
            try? fm.removeItem(atPath: dir)
            throw StoreError.classify(error) ?? error
        }
        let me = try store.meta("author").flatMap(PublicKey.init(base64url:))
        return BackupSummary(path: dir, ops: try store.count(), ownSeq: try me.map { try store.head(of: $0).seq } ?? 0)
    }

    /// The files of a replica folder a backup carries besides the database.
    static func keptByBackup(_ name: String) -> Bool {
        name == "replica.key" || name == "root.key" || (name.hasPrefix("signed-") && name.hasSuffix(".seq"))
    }

    /// What `restore` did.
    public struct RestoreSummary: Sendable {
        /// The database that was replaced, kept under this name (nil: none).
        public let keptOld: String?
        /// The peers to sync with before the replica signs again.
        public let mustSyncWith: [String]
        public let ops: Int
    }

    /// Restores the backup folder `backup` into this folder. An existing
    /// replica here is replaced only with `replace`, and its database is
    /// kept beside (`replica.sqlite.before-restore-<time>`), never deleted.
    public func restore(from backup: String, replace: Bool, now: Int64) throws -> RestoreSummary {
        let fm = FileManager.default
        let source = ReplicaHome(path: backup)
        guard source.exists, fm.fileExists(atPath: source.keyPath) else {
            throw StoreError(.invalid("\(backup) is not a backup of a replica (no replica.sqlite and replica.key): give the folder `shenguan backup --out` wrote."))
        }
        // The backup must open as a replica of a network (not damaged).
        let saved = try ReplicaStore(path: source.databasePath)
        if exists {
            guard replace else {
                throw StoreError(.invalid("A replica already exists in \(path): add --replace to restore over it (its database is kept beside, renamed), or restore into another --home."))
            }
            let old = try ReplicaStore(path: databasePath)
            guard old.network == saved.network else { throw StoreError(.networkMismatch(have: old.network.hex, asked: saved.network.hex)) }
            if let mine = try old.meta("author"), let theirs = try saved.meta("author"), mine != theirs {
                throw StoreError(.keyMismatch(key: theirs, replica: mine))
            }
        }
        // The highest seq each key is known to have signed: of the folder
        // replaced and of the backup, whichever is higher.
        var signed = [String: Int64]()
        for home in [self, source] {
            for name in (try? fm.contentsOfDirectory(atPath: home.path)) ?? [] where name.hasPrefix("signed-") && name.hasSuffix(".seq") {
                signed[name] = max(signed[name] ?? 0, Self.recordedSeq(at: home.path + "/" + name))
            }
        }
        var keptOld: String?
        if exists {
            keptOld = databasePath + ".before-restore-\(now)"
            try fm.moveItem(atPath: databasePath, toPath: keptOld!)
            for suffix in ["-wal", "-shm"] where fm.fileExists(atPath: databasePath + suffix) {
                try fm.moveItem(atPath: databasePath + suffix, toPath: keptOld! + suffix)
            }
        } else {
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        try fm.copyItem(atPath: source.databasePath, toPath: databasePath)
        for name in try fm.contentsOfDirectory(atPath: backup) where name == "replica.key" || name == "root.key" {
            if fm.fileExists(atPath: path + "/" + name) { try fm.removeItem(atPath: path + "/" + name) }
            try fm.copyItem(atPath: backup + "/" + name, toPath: path + "/" + name)
        }
        for (name, seq) in signed {
            try "\(seq)\n".write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
        }
        let store = try open()
        let peers = try store.peers().map(\.url)
        try store.markRestored(peers: peers)
        return RestoreSummary(keptOld: keptOld, mustSyncWith: peers.sorted(), ops: try store.count())
    }
}

extension ReplicaStore {
    /// A consistent copy of the database as of one instant, written to the
    /// new file `path` (SQLite `VACUUM INTO`; readers and writers go on).
    public func vacuum(into path: String) throws {
        try pool.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
    }
}
