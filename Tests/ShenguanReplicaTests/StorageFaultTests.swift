import Foundation
import GRDB
import Testing
import ShenguanCore
import ShenguanReplica
@testable import ShenguanStore
import ShenguanTestSupport

/// Storage faults reach the clerk as a stable code and a sentence, and the
/// write that met them leaves the replica as it was (issue 14).
@Suite struct StorageFaultTests {
    /// A full disk, injected for real: SQLite's page limit on the store's
    /// own writer connection, so the approval's transaction hits SQLITE_FULL.
    @Test func aFullDiskRefusesTheWholeWriteWithItsCode() throws {
        let d = try Desk("fault-full"); defer { d.dir.remove() }
        let bureau = try d.clerk(d.bureau, at: "2026-09-30T16:00:00")
        let before = try d.bureau.store.count()
        let pages = try d.bureau.store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
        try d.bureau.store.pool.write { db in _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)") }
        var big = d.approval(to: ["d1", "d2"])
        big.attachments = [FileUpload(name: "scan.pdf", bytes: [UInt8](repeating: 7, count: 150_000))]
        let e = d.refusal { _ = try bureau.approve(big) }
        #expect(e?.code == "store.disk_full" && e?.chinese.contains("磁盘已满") == true, "\(String(describing: e))")
        #expect(try d.bureau.store.count() == before, "nothing of the approval, its file or its pushes was kept")
        try d.bureau.store.pool.write { db in _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = 1073741823") }
        _ = try bureau.approve(big)
        #expect(try d.bureau.store.count() == before + 4)
        #expect(try d.bureau.store.checkReadModel().isConsistent)
    }

    @Test func sqliteFaultsHaveStableCodes() {
        for (code, expected) in [(ResultCode.SQLITE_FULL, "store.disk_full"), (.SQLITE_READONLY, "store.read_only"),
                                 (.SQLITE_BUSY, "store.busy"), (.SQLITE_CORRUPT, "store.damaged")] {
            #expect(ReplicaError.wrap(DatabaseError(resultCode: code)).code == expected)
        }
        #expect(StoreError.classify(DatabaseError(resultCode: .SQLITE_CONSTRAINT)) == nil)
    }
}
