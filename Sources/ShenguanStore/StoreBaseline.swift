import Foundation
import GRDB

/// Measures the machine's raw SQLite insert rate for rows shaped like the
/// `ops` table (same size, a unique index and a second index), so that the
/// benchmark can compare ingest against what SQLite alone can do.
public enum StoreBaseline {
    /// Inserts `rows` rows of about `rowBytes` bytes in one transaction with
    /// the store's pragmas; returns rows per second.
    public static func rawInsertRate(path: String, rows: Int, rowBytes: Int) throws -> Double {
        var config = Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let pool = try DatabasePool(path: path, configuration: config)
        try pool.write { db in
            try db.execute(sql: """
                CREATE TABLE t(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, author TEXT NOT NULL,
                               seq INTEGER NOT NULL, payload BLOB NOT NULL);
                CREATE INDEX t_author_seq ON t(author, seq);
                """)
        }
        let payload = Data(repeating: 0x5a, count: max(0, rowBytes - 64 - 43 - 8))
        let ids = (0..<rows).map { i in String(format: "%064x", i &* 2_654_435_761 % 1_000_000_007) + "\(i)" }
        sync()   // other files' dirty pages are written back before, not during, the measurement
        let start = DispatchTime.now().uptimeNanoseconds
        try pool.write { db in
            let stmt = try db.cachedStatement(sql: "INSERT INTO t(id, author, seq, payload) VALUES (?, ?, ?, ?)")
            for i in 0..<rows {
                try stmt.execute(arguments: [ids[i], "author-\(i % 50)", i / 50, payload])
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(rows) / seconds
    }
}
