import ArgumentParser
import Foundation
import ShenguanCore
import ShenguanStore

/// `shenguan backup`: a consistent copy of the replica that cannot fork its
/// chain when restored (README "Backup and restore").
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent copy of this replica (database, encrypted key, signed seq) into a new folder; safe while it serves.",
        discussion: "Example: shenguan backup --out /backup/market-2026-12-02")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The new folder to write (it must not exist).") var out: String

    func run() throws {
        let home = ReplicaHome(path: global.resolvedHome)
        let summary = try home.backup(store: try home.open(), to: out)
        if global.json {
            printJSON(["path": .string(summary.path), "ops": .int(Int64(summary.ops)), "ownSeq": .int(summary.ownSeq)])
        } else {
            print("Backed up \(summary.ops) operations (own chain up to seq \(summary.ownSeq)) into \(summary.path)")
            print("  the key stays encrypted with its passphrase; keep the folder as safe as the replica itself")
        }
    }
}

/// `shenguan restore`: puts a backup back; the replica signs nothing until
/// it has synced with every peer it knows.
struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a backup into --home; no signing until a sync with every known peer has brought back what the key signed since.",
        discussion: "Example: shenguan restore /backup/market-2026-12-02 --home ~/market --replace")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The folder `shenguan backup --out` wrote.") var backup: String
    @Flag(help: "Replace the replica in --home (its database is kept beside it, renamed, never deleted).") var replace = false

    func run() throws {
        let home = ReplicaHome(path: global.resolvedHome)
        let r = try home.restore(from: backup, replace: replace, now: try Clock.nowMillis())
        if global.json {
            printJSON(["ops": .int(Int64(r.ops)), "keptOld": r.keptOld.map { .string($0) } ?? .null,
                       "mustSyncWith": .array(r.mustSyncWith.map { .string($0) })])
            return
        }
        print("Restored \(r.ops) operations into \(home.path)")
        if let old = r.keptOld { print("  the database it replaced is kept as \(old)") }
        if r.mustSyncWith.isEmpty {
            print("  no peer is known: if this replica's operations after the backup went anywhere (a sync, an export file), import them before writing")
        } else {
            print("  before it signs again, run `shenguan sync` (it must reach \(r.mustSyncWith.joined(separator: ", "))): that brings back what its key signed since the backup, so no seq is signed twice")
        }
    }
}
