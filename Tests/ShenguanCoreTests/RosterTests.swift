import Foundation
import Testing
@testable import ShenguanCore
import ShenguanCalendar
import ShenguanCrypto
import ShenguanTestSupport

/// DESIGN.md "Roster, roles, policy"; RULES.md R3, R21: who may write what,
/// decided from the operation's causal past only.
@Suite struct RosterTests {
    /// d0 = approval bureau, d1 = regulator.
    func network() -> TestNetwork { TestNetwork(authors: 2, seed: 300, roles: [.approval, .regulator]) }

    func rootOp(_ net: TestNetwork, seq: Int64, prev: Digest, kind: String, body: JSONValue, time: Int64) -> VerifiedOp {
        try! OpSigner.sign(key: net.root, network: net.network, seq: seq, prev: prev, deps: [], clock: HLC(time: time, ctr: 0), kind: kind, body: body)
    }

    func code(_ d: IngestDecision) -> String { d.code }

    @Test func onlyTheRootKeyWritesRosterOperations() {
        let net = network()
        var r = MemoryReplica(network: net.network)
        r.ingest([net.genesis], now: net.clock + 10_000)
        let byRegulator = net.sign(1, seq: 1, prev: nil, time: net.clock + 1, kind: RosterOps.department,
                                   body: ["id": "fake", "name": "假", "role": "approval"])
        #expect(code(r.ingest([byRegulator], now: net.clock + 10_000)[0]) == "auth.forbidden_kind")
        let noteByRoot = rootOp(net, seq: 2, prev: net.genesis.id, kind: OpKinds.note, body: ["text": "x"], time: net.clock + 1)
        #expect(code(r.ingest([noteByRoot], now: net.clock + 10_000)[0]) == "auth.forbidden_kind")
        let admitUnknownDept = rootOp(net, seq: 2, prev: net.genesis.id, kind: RosterOps.admit,
                                      body: ["key": .string(SigningKey.generate().publicKey.base64url), "department": "nowhere"], time: net.clock + 1)
        #expect(code(r.ingest([admitUnknownDept], now: net.clock + 10_000)[0]) == "roster.invalid")
        #expect(r.held.count == 1)
    }

    @Test func unknownAndRevokedKeysAreRefused() {
        var net = network()
        var r = MemoryReplica(network: net.network)
        r.ingest([net.genesis], now: net.clock + 100_000)
        // A key nobody admitted, building on the genesis roster.
        let stranger = try! OpSigner.sign(key: SigningKey.generate(), network: net.network, seq: 1, prev: nil, deps: [net.genesis.id],
                                          clock: HLC(time: net.clock + 1, ctr: 0), kind: OpKinds.note, body: ["text": "?"])
        #expect(code(r.ingest([stranger], now: net.clock + 100_000)[0]) == "auth.not_admitted")
        // An admitted key whose first op does not build on any roster.
        let orphan = try! OpSigner.sign(key: net.keys[1], network: net.network, seq: 1, prev: nil, deps: [],
                                        clock: HLC(time: net.clock + 1, ctr: 0), kind: OpKinds.note, body: ["text": "?"])
        #expect(code(r.ingest([orphan], now: net.clock + 100_000)[0]) == "auth.not_admitted")
        // Revocation: ops that build on it are refused; one written before it stands.
        let before = net.write(1)
        let revoke = rootOp(net, seq: 2, prev: net.genesis.id, kind: RosterOps.revoke,
                            body: ["key": .string(net.keys[1].publicKey.base64url), "reason": "lost laptop"], time: net.clock + 5)
        let after = net.sign(1, seq: 2, prev: before.id, deps: [revoke.id], time: net.clock + 10)
        #expect(r.ingest([before, revoke], now: net.clock + 100_000).map(code) == ["accepted", "accepted"])
        #expect(code(r.ingest([after], now: net.clock + 100_000)[0]) == "auth.not_admitted")
        #expect(r.roster?.activeReplica(net.keys[1].publicKey) == nil)
    }

    @Test func rolesLimitWhatEachDepartmentWrites() {
        let net = network()
        var r = MemoryReplica(network: net.network)
        r.ingest(net.ops, now: net.clock + 100_000)
        // Staff of another department (R3, R21).
        let foreignStaff = net.sign(1, seq: 1, prev: nil, time: net.clock + 1, kind: RosterOps.staff,
                                    body: StaffMember(department: "d0", staffNo: "1", name: "李", office: "x",
                                                      validFrom: CivilDate(iso: "2026-01-01")!, validUntil: CivilDate(iso: "2026-12-31")!).json)
        #expect(code(r.ingest([foreignStaff], now: net.clock + 100_000)[0]) == "auth.forbidden_kind")
    }

    @Test func staffMustBeRegisteredForTheAuthorsDepartmentAndValid() {
        let net = network()
        var r = MemoryReplica(network: net.network)
        r.ingest([net.genesis], now: net.clock + 100_000_000)
        let t0 = net.clock + 1_000   // 2026-09-21 in China Standard Time
        let reg = net.sign(1, seq: 1, prev: nil, time: t0, kind: RosterOps.staff,
                           body: StaffMember(department: "d1", staffNo: "0042", name: "王芳", office: "登记科",
                                             validFrom: CivilDate(iso: "2026-01-01")!, validUntil: CivilDate(iso: "2026-09-30")!).json)
        let claimOK = net.sign(1, seq: 2, prev: reg.id, time: t0 + 1_000, body: ["text": "签收", "staff": .string(reg.id.hex)])
        #expect(r.ingest([reg, claimOK], now: net.clock + 100_000_000).map(code) == ["accepted", "accepted"])
        // Valid until 09-30: an op dated 10-08 names an expired member.
        let late = net.sign(1, seq: 3, prev: claimOK.id, time: t0 + 17 * 86_400_000, body: ["text": "签收", "staff": .string(reg.id.hex)])
        #expect(code(r.ingest([late], now: net.clock + 100_000_000)[0]) == "staff.invalid")
        // The bureau cannot cite the regulator's staff; a note is not a staff record.
        let wrongDept = net.sign(0, seq: 1, prev: nil, deps: [reg.id], time: t0 + 2_000, body: ["text": "x", "staff": .string(reg.id.hex)])
        #expect(code(r.ingest([wrongDept], now: net.clock + 100_000_000)[0]) == "staff.unknown")
        // A staff reference not held yet waits for it.
        let unknown = SHA256.hash([1, 2, 3])
        let waits = net.sign(0, seq: 1, prev: nil, time: t0 + 3_000, body: ["text": "x", "staff": .string(unknown.hex)])
        #expect(r.ingest([waits], now: net.clock + 100_000_000)[0] == .wait(missing: [unknown]))
    }

    /// `staff.end` (PROTOCOL.md §2.7 step 14.4): its own department's
    /// registration, a last day before the registration's, waiting for the
    /// registration like any ref; and it refuses no later act (step 14.3
    /// reads the registration alone), in any delivery order.
    @Test func aStaffEndNamesItsOwnDepartmentsRegistrationAndRefusesNothing() {
        let net = network()
        let t0 = net.clock + 1_000   // 2026-09-21 in China Standard Time
        let reg = net.sign(1, seq: 1, prev: nil, time: t0, kind: RosterOps.staff,
                           body: StaffMember(department: "d1", staffNo: "0042", name: "王芳", office: "登记科",
                                             validFrom: CivilDate(iso: "2026-01-01")!, validUntil: CivilDate(iso: "2026-12-31")!).json)
        func end(_ author: Int, seq: Int64, prev: Digest?, dept: String, last: String, deps: [Digest] = [], day: Int64 = 0) -> VerifiedOp {
            net.sign(author, seq: seq, prev: prev, deps: deps, time: t0 + day * 86_400_000 + seq * 1_000, kind: RosterOps.staffEnd,
                     body: StaffEnd(department: dept, registration: reg.id, lastDay: CivilDate(iso: last)!, reason: "调离").json)
        }
        let ok = end(1, seq: 2, prev: reg.id, dept: "d1", last: "2026-09-21")
        // Named by the end: a reference like `staff`, never a `deps` entry.
        #expect(ok.refs.map(\.id) == [reg.id])
        let actAfter = net.sign(1, seq: 3, prev: ok.id, time: t0 + 2 * 86_400_000, body: ["text": "签收", "staff": .string(reg.id.hex)])
        let laterEnd = end(1, seq: 4, prev: actAfter.id, dept: "d1", last: "2026-12-31", day: 3)
        let foreign = end(0, seq: 1, prev: nil, dept: "d0", last: "2026-10-01", deps: [reg.id])
        let claimsOther = end(0, seq: 1, prev: nil, dept: "d1", last: "2026-10-01", deps: [reg.id])
        let outcomes = { (order: [VerifiedOp]) -> (codes: [Digest: String], held: Set<Digest>) in
            var r = MemoryReplica(network: net.network)
            r.ingest([net.genesis], now: t0 + 30 * 86_400_000)
            var out = [Digest: String]()
            for (op, d) in zip(order, r.ingest(order, now: t0 + 30 * 86_400_000)) { out[op.id] = code(d) }
            return (out, Set(r.held.keys))
        }
        let (inOrder, held) = outcomes([reg, ok, actAfter, laterEnd, foreign, claimsOther])
        #expect(inOrder[ok.id] == "accepted" && inOrder[actAfter.id] == "accepted")
        #expect(inOrder[laterEnd.id] == "staff.invalid")       // not before the registration's own last day
        #expect(inOrder[foreign.id] == "staff.unknown")        // the bureau cannot end the regulator's staff
        #expect(inOrder[claimsOther.id] == "auth.forbidden_kind")
        // The end before its registration waits for it; the outcome is the same.
        var r = MemoryReplica(network: net.network)
        r.ingest([net.genesis], now: t0 + 30 * 86_400_000)
        let detached = end(1, seq: 1, prev: nil, dept: "d1", last: "2026-09-21")
        #expect(r.ingest([detached], now: t0 + 30 * 86_400_000)[0] == .wait(missing: [reg.id]))
        #expect(outcomes([actAfter, laterEnd, ok, claimsOther, foreign, reg]).held == held)
        #expect(held.isSuperset(of: [reg.id, ok.id, actAfter.id]) && held.isDisjoint(with: [laterEnd.id, foreign.id, claimsOther.id]))
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func anyReplicaReachesTheOversightRosterFromTheSameOps(seed: UInt64) {
        var net = network()
        var ops = [VerifiedOp]()
        var prev = net.genesis
        let changes: [(String, JSONValue)] = [
            (RosterOps.department, ["id": "credit", "name": "信用平台", "role": "credit"]),
            (RosterOps.admit, ["key": .string(SigningKey(seed: [UInt8](repeating: 7, count: 32))!.publicKey.base64url), "department": "credit"]),
            (RosterOps.policy, ["policy": Policy.linzi.json]),
            (RosterOps.revoke, ["key": .string(net.keys[0].publicKey.base64url), "reason": "rotated"]),
        ]
        for (i, (kind, body)) in changes.enumerated() {
            prev = rootOp(net, seq: Int64(i + 2), prev: prev.id, kind: kind, body: body, time: net.clock + Int64(i + 1) * 1000)
            ops.append(prev)
        }
        _ = net.write(1)
        var oversight = MemoryReplica(network: net.network)
        oversight.ingest(net.ops + ops, now: net.clock + 100_000)
        var rng = SeededRNG(seed: seed)
        var other = MemoryReplica(network: net.network)
        other.ingest((net.ops + ops).shuffled(using: &rng), now: net.clock + 100_000)
        #expect(other.roster == oversight.roster)
        #expect(oversight.roster?.version == 5 && oversight.roster?.departments["credit"]?.role == .credit)
        #expect(oversight.roster?.activeReplica(net.keys[0].publicKey) == nil)
    }

    @Test func everyKnownKindHasAWriterInThePermissionTable() {
        for kind in [OpKinds.note, RosterOps.genesis, RosterOps.department, RosterOps.admit, RosterOps.revoke,
                     RosterOps.policy, RosterOps.calendar, RosterOps.staff, RosterOps.staffEnd] {
            #expect(Permissions.table[kind] != nil, "\(kind)")
        }
    }
}

/// R21: the oversight office rotates its root key; the old key stops
/// signing roster changes, the new one takes over, replicas carry on.
@Suite struct RootRotationTests {
    @Test func rotationHandsRosterSigningToTheNewKey() {
        var net = TestNetwork(authors: 1, seed: 400)
        let newRoot = SigningKey(seed: [UInt8](repeating: 9, count: 32))!
        func sign(_ key: SigningKey, seq: Int64, prev: Digest?, deps: [Digest], kind: String, body: JSONValue, dt: Int64) -> VerifiedOp {
            try! OpSigner.sign(key: key, network: net.network, seq: seq, prev: prev, deps: deps,
                               clock: HLC(time: net.clock + dt, ctr: 0), kind: kind, body: body)
        }
        let rotate = sign(net.root, seq: 2, prev: net.genesis.id, deps: [], kind: RosterOps.root,
                          body: ["key": .string(newRoot.publicKey.base64url)], dt: 1)
        let oldStillTries = sign(net.root, seq: 3, prev: rotate.id, deps: [], kind: RosterOps.department,
                                 body: ["id": "x", "name": "旧根", "role": "approval"], dt: 2)
        let newAdds = sign(newRoot, seq: 1, prev: nil, deps: [rotate.id], kind: RosterOps.department,
                           body: ["id": "credit", "name": "信用平台", "role": "credit"], dt: 3)
        let newWithoutHandOver = sign(newRoot, seq: 1, prev: nil, deps: [net.genesis.id], kind: RosterOps.department,
                                      body: ["id": "y", "name": "y", "role": "approval"], dt: 3)
        var r = MemoryReplica(network: net.network)
        r.ingest([net.genesis], now: net.clock + 10_000)
        let d = r.ingest([newWithoutHandOver, rotate, oldStillTries, newAdds], now: net.clock + 10_000)
        #expect(d[0] == .reject(OpRejection(.notAdmitted, "author \(newRoot.publicKey.base64url.prefix(10))… is not an active replica in roster version 1")))
        #expect(d[1] == .accept(equivocatesWith: []))
        if case .reject(let why) = d[2] { #expect(why.code == .notAdmitted) } else { Issue.record("old root still signs: \(d[2])") }
        #expect(d[3] == .accept(equivocatesWith: []))
        #expect(r.roster?.root == newRoot.publicKey && r.roster?.version == 3 && r.roster?.departments["credit"] != nil)
        // Department replicas keep working under the new roster.
        let note = net.write(0)
        #expect(r.ingest([note], now: net.clock + 10_000) == [.accept(equivocatesWith: [])])
    }
}
