import GRDB

/// Errors of the replica store, with stable codes and clerk-readable text.
public struct StoreError: Error, Equatable, CustomStringConvertible {
    enum Kind: Equatable {
        case cannotOpen(String, String)
        case notInitialised(String)
        case networkMismatch(have: String, asked: String)
        case unknownOp(String)
        case ambiguousOp(String, Int)
        case restoredFromBackup(keySeq: Int64, dbSeq: Int64)
        case badExport(Int, String)
        case damagedExport(String)
        case clockBehind(Int64)
        case badGenesis(String)
        case unknownDepartment(String, [String])
        case invalid(String)
        case diskFull
        case readOnly(String)
        case busy
        case damaged(String)
        case keyMismatch(key: String, replica: String)
        case behindChain(seen: Int64, held: Int64)
        case forkedKey(seq: Int64)
        case restoredUnsynced([String])
    }
    let kind: Kind
    init(_ kind: Kind) { self.kind = kind }

    public var code: String {
        switch kind {
        case .cannotOpen: "store.cannot_open"
        case .notInitialised: "store.not_initialised"
        case .networkMismatch: "store.network_mismatch"
        case .unknownOp: "store.unknown_op"
        case .ambiguousOp: "store.ambiguous_op"
        case .restoredFromBackup: "store.behind_key"
        case .badExport: "export.malformed"
        case .damagedExport: "export.damaged"
        case .clockBehind: "clock.behind"
        case .badGenesis: "genesis.invalid"
        case .unknownDepartment: "roster.unknown_department"
        case .invalid: "store.invalid"
        case .diskFull: "store.disk_full"
        case .readOnly: "store.read_only"
        case .busy: "store.busy"
        case .damaged: "store.damaged"
        case .keyMismatch: "key.mismatch"
        case .behindChain: "store.behind_chain"
        case .forkedKey: "store.forked_key"
        case .restoredUnsynced: "store.restored_unsynced"
        }
    }

    public var description: String {
        switch kind {
        case .cannotOpen(let p, let why): "Cannot open the replica database \(p): \(why)."
        case .notInitialised(let p): "\(p) is not a Shenguan replica: run `shenguan init` first."
        case .networkMismatch(let have, let asked):
            "This replica belongs to network \(have.prefix(12))…, not \(asked.prefix(12))…: use a separate --home for each network."
        case .unknownOp(let id): "No operation \(id) in this replica."
        case .ambiguousOp(let id, let n): "\(n) operations start with \(id): type more characters of the id."
        case .restoredFromBackup(let k, let d):
            "This replica's key has signed up to seq \(k) but the database holds only up to seq \(d): it was restored from an old backup. Sync or import your own chain before writing (DESIGN.md), or join under a new key."
        case .badExport(let line, let why): "The export file is not valid at line \(line): \(why)."
        case .damagedExport(let why): "The export file is damaged (\(why)): operations may be missing; ask the sender for a complete copy. Everything readable was applied."
        case .clockBehind(let ms): "This computer's clock is \(ms / 1000) s behind this replica's latest operations (more than the allowed skew): correct the system clock, then try again. Nothing was written."
        case .badGenesis(let why): "\(why) Ask the oversight office for the network's genesis.jsonl."
        case .unknownDepartment(let d, let known): "The roster has no department \(d): choose one of \(known.joined(separator: ", ")), or ask the oversight office to add it (shenguan network add-department)."
        case .invalid(let why): why
        case .diskFull: "The disk holding the replica is full: nothing of this write was kept (it was rolled back). Free some space, then try again."
        case .readOnly(let why): "The replica database cannot be written (\(why)): check the disk is mounted read-write and the folder belongs to this account. Nothing was written."
        case .busy: "Another program holds the replica database for too long (another shenguan command or a backup): try again in a moment. Nothing was written."
        case .keyMismatch(let k, let r): "The key file belongs to another replica (\(k.prefix(12))…) than this database (\(r.prefix(12))…): restore this replica's own key file (never copy keys between replicas). Nothing was signed."
        case .behindChain(let seen, let held):
            "A peer holds operations this replica's key signed up to seq \(seen), but this replica holds its chain only up to seq \(held) (it was restored from a copy, or another copy of it is running): sync again until they arrive before writing; if they cannot be fetched, ask the oversight office to rotate this replica's key. Nothing was signed."
        case .forkedKey(let seq):
            "This replica's key has signed two different operations with seq \(seq) (a copy of this replica or of its key was used elsewhere): stop using this key and ask the oversight office to revoke it and admit a new one (the evidence is in `shenguan conflicts`). Nothing was signed."
        case .restoredUnsynced(let peers):
            "This replica was restored from a backup and has not yet synced with \(peers.joined(separator: ", ")): run `shenguan sync` first, so that no seq its key already signed is signed again (a fork). Nothing was signed."
        case .damaged(let why): "The replica database is damaged (\(why)): stop writing, keep the file, and restore it from a backup or sync a fresh replica from the peers."
        }
    }
}

extension StoreError {
    /// SQLite's faults that a clerk or the department's IT staff must act
    /// on (disk full, read-only, locked, damaged), as a `StoreError` with a
    /// stable code; nil for anything else. Every SQLite write is one
    /// transaction, so each of these left the replica as it was.
    public static func classify(_ error: any Error) -> StoreError? {
        guard let e = error as? DatabaseError else { return nil }
        switch e.resultCode {
        case .SQLITE_FULL: return StoreError(.diskFull)
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN: return StoreError(.readOnly(e.message ?? "\(e.resultCode)"))
        case .SQLITE_BUSY, .SQLITE_LOCKED: return StoreError(.busy)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return StoreError(.damaged(e.message ?? "\(e.resultCode)"))
        case .SQLITE_IOERR: return StoreError(.readOnly("input/output error: \(e.message ?? "")"))
        default: return nil
        }
    }
}

