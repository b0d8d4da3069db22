import GRDB
import GRDBSQLite

/// The ingest hot path's inserts, bound through SQLite's C API directly.
///
/// GRDB's `execute(arguments:)` boxes every value in an existential and
/// converts `Data`; on the ingest writer thread that cost more than SQLite's
/// own work (BENCHMARKS.md). This is the one file of the store that calls
/// SQLite's C functions; it only binds and steps statements GRDB prepared
/// and cached, inside GRDB's transaction.
struct RawInsert {
    enum Value {
        case text(String)
        case int(Int64)
        case blob([UInt8])
        case null
    }

    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// Binds `values` to the parameters of `statement` (1-based, in order)
    /// and runs it to completion; throws GRDB's `DatabaseError` on failure.
    static func run(_ statement: Statement, _ values: [Value], db: Database) throws {
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        bind(s, values)
        let rc = sqlite3_step(s)
        sqlite3_reset(s)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: statement.sql)
        }
    }

    /// Binds `values`, steps once and hands the row (if any) to `read`: the
    /// hot path's one-row lookups (`op_time` of a parent) without GRDB's
    /// `Row` boxing.
    static func one<T>(_ statement: Statement, _ values: [Value], db: Database, _ read: (Columns) -> T) throws -> T? {
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        bind(s, values)
        defer { sqlite3_reset(s) }
        switch sqlite3_step(s) {
        case SQLITE_ROW: return read(Columns(s: s))
        case SQLITE_DONE: return nil
        case let rc:
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: statement.sql)
        }
    }

    /// The columns of the current row (valid only inside `one`'s `read`).
    struct Columns {
        let s: OpaquePointer
        func int(_ i: Int32) -> Int64? { sqlite3_column_type(s, i) == SQLITE_NULL ? nil : sqlite3_column_int64(s, i) }
        func text(_ i: Int32) -> String? {
            guard let p = sqlite3_column_text(s, i) else { return nil }
            return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i))), as: UTF8.self)
        }
        func blob(_ i: Int32) -> UnsafeRawBufferPointer? {
            guard sqlite3_column_type(s, i) != SQLITE_NULL else { return nil }
            let n = Int(sqlite3_column_bytes(s, i))
            return UnsafeRawBufferPointer(start: sqlite3_column_blob(s, i), count: n)
        }
    }

    private static func bind(_ s: OpaquePointer?, _ values: [Value]) {
        for (i, v) in values.enumerated() {
            let at = Int32(i + 1)
            switch v {
            case .text(let t):
                var t = t
                t.withUTF8 { u in
                    // SQLite copies the bytes (transient); an explicit length keeps any U+0000.
                    if let base = u.baseAddress, u.count > 0 {
                        _ = UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: u.count) { sqlite3_bind_text(s, at, $0, Int32(u.count), transient) }
                    } else {
                        _ = sqlite3_bind_text(s, at, "", 0, transient)
                    }
                }
            case .int(let n): sqlite3_bind_int64(s, at, n)
            case .blob(let b):
                // A zero-length blob must still be a blob, not NULL: bind through a non-nil pointer.
                if b.isEmpty { sqlite3_bind_zeroblob(s, at, 0) } else {
                    b.withUnsafeBytes { _ = sqlite3_bind_blob(s, at, $0.baseAddress, Int32($0.count), transient) }
                }
            case .null: sqlite3_bind_null(s, at)
            }
        }
    }
}

extension RawInsert.Value {
    static func textOrNull(_ s: String?) -> Self { s.map { .text($0) } ?? .null }
    static func blobOrNull(_ b: [UInt8]?) -> Self { b.map { .blob($0) } ?? .null }
}
