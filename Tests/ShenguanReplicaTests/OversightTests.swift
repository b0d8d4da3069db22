import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanReplica
import ShenguanStore
import ShenguanTestSupport
import Testing

/// The oversight office's roster changes through the application layer
/// (`Oversight`), on real replicas: what the CLI's `shenguan network …` only
/// parses and prints.
@Suite struct OversightTests {
    static let t0 = Fixtures.ms("2026-09-01T09:00:00")

    /// A new network in `dir/oversight` (replica passphrase "p", root key unencrypted unless given).
    func network(_ dir: TempDir, root rootPassphrase: String? = nil) throws -> (ReplicaHome, Oversight) {
        let home = ReplicaHome(path: dir.file("oversight"))
        _ = try Oversight.createNetwork(home: home, name: "测试网络", policy: .liaocheng, departmentID: "oversight", departmentName: "市人民政府办公室",
                                        passphrase: "p", rootPassphrase: rootPassphrase, now: Self.t0)
        return (home, try Oversight.open(home: home, now: Self.t0 + 1_000) { rootPassphrase })
    }

    func code(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let e as ReplicaError { return e.code } catch { return "other: \(error)" }
    }

    @Test func theRootKeyNeedsItsOwnPassphraseAndNothingIsCreatedOtherwise() throws {
        let dir = TempDir("ov-same"); defer { dir.remove() }
        let home = ReplicaHome(path: dir.file("oversight"))
        #expect(code { _ = try Oversight.createNetwork(home: home, name: "x", policy: .liaocheng, departmentID: "oversight", departmentName: "x",
                                                     passphrase: "same", rootPassphrase: "same", now: Self.t0) } == "key.same_passphrase")
        #expect(!FileManager.default.fileExists(atPath: home.path), "nothing was created")
    }

    @Test func rosterChangesAreSignedByTheRootAndReachAJoiningDepartment() throws {
        let dir = TempDir("ov-changes"); defer { dir.remove() }
        let (home, ov) = try network(dir)
        _ = try ov.addDepartment(id: "market", name: "市市场监督管理局", role: .regulator)
        _ = try ov.at(Self.t0 + 2_000).setPolicy(.linzi)
        let year = CalendarYear(year: 2027, holidays: [CivilDate(iso: "2027-01-01")!], adjustedWorkingDays: [], source: "国办发明电〔2026〕1号")
        _ = try ov.at(Self.t0 + 3_000).publishCalendar(year)
        try ov.store.export(to: dir.file("roster.jsonl"))
        let market = ReplicaHome(path: dir.file("market"))
        let (mstore, _, request) = try market.join(genesisFile: dir.file("roster.jsonl"), department: "market", passphrase: nil, now: Self.t0 + 4_000)
        let admitted = try ov.at(Self.t0 + 5_000).admit(request)
        _ = try mstore.ingest([admitted.envelope], now: Self.t0 + 6_000)
        let r = try #require(try mstore.roster())
        #expect(r.policy.profile == "linzi" && r.activeReplica(request.key)?.department == "market")
        #expect(r.calendar.years.contains { $0.year == 2027 } && r.root == ov.rootKey && r.root != request.key)
        // The department's replica holds no root key: it cannot change the roster.
        #expect(code { _ = try Oversight.open(home: market, now: Self.t0) { nil } } == "roster.no_root_key")
        _ = home
    }

    @Test func aJoinRequestOfAnotherNetworkIsRefusedAndNothingIsSigned() throws {
        let dir = TempDir("ov-foreign"); defer { dir.remove() }
        let (_, ov) = try network(dir)
        let before = try ov.store.count()
        let foreign = JoinRequest(network: SHA256.hash(Array("another network".utf8)), department: "oversight", key: SigningKey.generate().publicKey)
        #expect(code { _ = try ov.admit(foreign) } == "store.network_mismatch")
        #expect(code { _ = try ov.addDepartment(id: "Bad Id!", name: "x", role: .credit) } != nil, "the roster's own checks still apply")
        #expect(try ov.store.count() == before)
    }

    @Test func rotatingTheRootKeepsTheRetiredKeyAndTheNewOneSigns() throws {
        let dir = TempDir("ov-rotate"); defer { dir.remove() }
        let (home, ov) = try network(dir, root: "root-pass")
        let old = ov.rootKey
        let (_, _, retired) = try ov.rotateRoot(passphrase: "root-pass")
        #expect(FileManager.default.fileExists(atPath: try #require(retired)))
        let again = try Oversight.open(home: home, now: Self.t0 + 9_000) { "root-pass" }
        let rosterRoot = try again.store.roster()?.root
        #expect(again.rootKey != old && again.rootKey == rosterRoot)
        _ = try again.addDepartment(id: "credit", name: "市信用信息平台", role: .credit)
        let credit = try again.store.roster()?.departments["credit"]
        #expect(credit != nil)
    }

    /// A crash at each point of a rotation: before the hand-over was signed
    /// (undone), after it was signed but before the renames (finished), and
    /// between the renames (finished). The network can always sign again.
    @Test func aRotationInterruptedAnywhereIsFinishedOrUndone() throws {
        for point in ["before signing", "after signing", "between renames"] {
            let dir = TempDir("ov-crash"); defer { dir.remove() }
            let (home, ov) = try network(dir)
            let old = ov.rootKey
            let next = SigningKey.generate()
            try KeyFile.write(KeyFile.seal(next, passphrase: nil), to: home.path + "/root-next.key")
            if point != "before signing" {
                let root = try home.loadKey(at: home.rootKeyPath) { nil }
                _ = try home.append(store: ov.store, key: root, kind: RosterOps.root, body: ["key": .string(next.publicKey.base64url)], now: Self.t0 + 2_000)
            }
            if point == "between renames" {
                try FileManager.default.moveItem(atPath: home.rootKeyPath, toPath: home.path + "/root-retired-\(old.base64url.prefix(12)).key")
            }
            let reopened = try Oversight.open(home: home, now: Self.t0 + 3_000) { nil }
            #expect(reopened.rootKey == (point == "before signing" ? old : next.publicKey), "\(point)")
            #expect(!FileManager.default.fileExists(atPath: home.path + "/root-next.key"), "\(point)")
            _ = try reopened.addDepartment(id: "credit", name: "市信用信息平台", role: .credit)
            let root = try reopened.store.roster()?.root
            #expect(root == reopened.rootKey, "\(point)")
        }
    }
}
