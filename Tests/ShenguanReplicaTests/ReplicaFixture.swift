import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanReplica
import ShenguanStore
import ShenguanTestSupport
import Testing

typealias F = Fixtures

/// Two real replicas (SQLite files, keys) of the workflow network: the
/// bureau (d0) and market regulation (d1), under the 聊城 policy; the
/// application layer is driven in-process, operations carried by ingest.
struct Desk {
    let dir: TempDir
    var net: TestNetwork
    let bureau: (home: ReplicaHome, store: ReplicaStore, key: SigningKey)
    let market: (home: ReplicaHome, store: ReplicaStore, key: SigningKey)

    init(_ label: String, roles: [Role] = [.approval, .regulator, .regulator, .regulator]) throws {
        let dir = TempDir(label)
        self.dir = dir
        net = F.network(roles: roles)
        func replica(_ name: String, _ dept: String, _ net: inout TestNetwork) throws -> (ReplicaHome, ReplicaStore, SigningKey) {
            let home = ReplicaHome(path: dir.file(name))
            let (store, key) = try home.create(network: net.network, passphrase: nil)
            _ = net.admit(key.publicKey, to: dept)
            return (home, store, key)
        }
        bureau = try replica("bureau", "d0", &net)
        market = try replica("market", "d1", &net)
        for s in [bureau.store, market.store] { _ = try s.ingest(net.ops.map(\.envelope), now: net.clock) }
    }

    func clerk(_ r: (home: ReplicaHome, store: ReplicaStore, key: SigningKey), at cst: String) throws -> Clerk {
        try Clerk(home: r.home, store: r.store, key: r.key, now: F.ms(cst))
    }

    /// Everything `from` holds, ingested by `to` (a sync without the network).
    func carry(_ from: ReplicaStore, to: ReplicaStore, at cst: String) throws {
        var envs = [Envelope]()
        try from.forEachEnvelope { e, _ in envs.append(e) }
        _ = try to.ingest(envs, now: F.ms(cst))
    }

    /// Registers staff `no` in both departments, valid through 2026.
    func registerStaff(_ no: String = "S01") throws {
        for (r, name) in [(bureau, "李明"), (market, "王芳")] {
            _ = try clerk(r, at: "2026-09-01T10:00:00").registerStaff(StaffRegistration(
                staffNo: no, name: name, office: "窗口", validFrom: CivilDate(iso: "2026-01-01")!, validUntil: CivilDate(iso: "2026-12-31")!))
        }
    }

    func approval(licence: String = "JY13715000001", code: String = F.codeA, applicant: String = "聊城市鲁西餐饮有限公司",
                  to: [String] = ["d1"]) -> ApprovalRequest {
        ApprovalRequest(itemCode: "370100-001", itemName: "食品经营许可", applicant: applicant, creditCode: code,
                        contact: "0635-1234567", licence: licence, pushTo: to)
    }

    /// The error a call throws (nil when it succeeds).
    /// Anything else than a `ReplicaError` is a failure: the application
    /// layer maps every error of the layers below.
    func refusal(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> ReplicaError? {
        do { try body(); return nil } catch let e as ReplicaError { return e } catch {
            Issue.record("not a ReplicaError: \(error)", sourceLocation: sourceLocation); return nil
        }
    }
}
