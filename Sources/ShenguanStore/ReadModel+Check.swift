import Foundation
import GRDB
import ShenguanCrypto

extension ReadModel {
    /// Every row of the read model's tables as text, operations named by id
    /// (row numbers are arrival order, which differs between replicas), sorted.
    static func dump(db: Database) throws -> [String] {
        let ids = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT rowid, id FROM ops").map { ($0[0] as Int64, $0[1] as String) })
        func name(_ row: Int64) -> String { ids[row] ?? "row \(row)?" }
        func mark(_ r: Row, _ p: String) -> String {
            let id = (r[p + "_id"] as Data?).flatMap { Digest(bytes: [UInt8]($0))?.hex } ?? "-"
            return "\(String(describing: r[p + "_time"] as Int64?)) \(String(describing: r[p + "_ctr"] as Int64?)) \(id) \(String(describing: r[p + "_dept"] as String?))"
        }
        var out = [String]()
        for r in try Row.fetchAll(db, sql: "SELECT * FROM op_time") {
            let parents = unpackRows(r["parents"]).map(name)
            out.append("op_time \(name(r["op"])) \(r["dept"] as String) \(parents) \(r["item"] as Int64) lo \(mark(r, "lo")) hi \(mark(r, "hi"))")
        }
        for r in try Row.fetchAll(db, sql: "SELECT target, op FROM refs") { out.append("refs \(r[0] as String) \(name(r[1]))") }
        for r in try Row.fetchAll(db, sql: "SELECT item, action, dept, working_days, deadline FROM wf_open") {
            out.append("wf_open \(name(r[0])) \(r[1] as String) \(r[2] as String) \(String(describing: r[3] as Int64?)) \(String(describing: r[4] as Int64?))")
        }
        for r in try Row.fetchAll(db, sql: "SELECT op, credit_code FROM listings") { out.append("listings \(name(r[0])) \(r[1] as String)") }
        for r in try Row.fetchAll(db, sql: "SELECT dept, op FROM addressed") { out.append("addressed \(r[0] as String) \(name(r[1]))") }
        for r in try Row.fetchAll(db, sql: "SELECT key, op FROM subjects") { out.append("subjects \(r[0] as String) \(name(r[1]))") }
        for t in ["declared", "cited"] { out += try Row.fetchAll(db, sql: "SELECT * FROM \(t)").map { "\(t) \($0)" } }
        return out.sorted()
    }
}

/// The outcome of `ReplicaStore.checkReadModel`.
public struct ReadModelCheck: Sendable {
    /// Rows in the read model as maintained.
    public let rows: Int
    /// Rows that a rebuild from the operations alone would add or drop.
    public let missing: [String]
    public let extra: [String]
    public var isConsistent: Bool { missing.isEmpty && extra.isEmpty }
}

extension ReplicaStore {
    /// Compares the maintained read model with one rebuilt from the
    /// operations alone (the rebuild is rolled back: nothing changes).
    public func checkReadModel() throws -> ReadModelCheck {
        try pool.write { db in
            let live = try ReadModel.dump(db: db)
            var rebuilt = [String]()
            try db.inSavepoint {
                try ReadModel.rebuild(db: db)
                rebuilt = try ReadModel.dump(db: db)
                return .rollback
            }
            let a = Set(live), b = Set(rebuilt)
            return ReadModelCheck(rows: live.count, missing: b.subtracting(a).sorted(), extra: a.subtracting(b).sorted())
        }
    }
}
