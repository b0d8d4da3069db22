import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

/// Opening a network and joining one (DESIGN.md "Roster, roles, policy").
extension ReplicaHome {
    /// The oversight office's first step: a root key (`root.key`, moderate
    /// Argon2id), the genesis roster it signs (policy, the 2020–2026 official
    /// calendar, the oversight department with this replica's key), the
    /// replica itself, and `genesis.jsonl` to hand to every department.
    public func createNetwork(name: String, policy: Policy, departmentID: String, departmentName: String,
                              passphrase: String?, now: Int64) throws -> (store: ReplicaStore, root: SigningKey, genesis: VerifiedOp) {
        let root = SigningKey.generate(), replica = SigningKey.generate()
        let body = RosterOps.Genesis(
            name: name, root: root.publicKey, policy: policy, calendar: OfficialCalendar.builtInYears,
            departments: [RosterState.Department(id: departmentID, name: departmentName, role: .oversight)],
            replicas: [(replica.publicKey, departmentID)])
        let genesis = try OpSigner.sign(key: root, network: RosterOps.genesisNet, seq: 1, prev: nil, deps: [],
                                        clock: HLC(time: now, ctr: 0), kind: RosterOps.genesis, body: body.json)
        let (store, _) = try create(network: genesis.id, passphrase: passphrase, key: replica)
        try KeyFile.write(KeyFile.seal(root, passphrase: passphrase, strength: .moderate), to: rootKeyPath)
        let report = try store.ingestVerified([.success(genesis)], now: now)
        guard report.accepted == 1 else { throw StoreError(.invalid("The genesis roster was refused: \(report.results.first?.code ?? "?").")) }
        try recordSigned(1, key: root.publicKey)
        try store.export(to: genesisPath)
        return (store, root, genesis)
    }

    public var genesisPath: String { path + "/genesis.jsonl" }

    /// A department's first step: a replica on the network of `genesisFile`
    /// (an export whose first operation is the genesis roster; any roster
    /// operations after it are imported too) and a signed join request.
    public func join(genesisFile: String, department: String, passphrase: String?, now: Int64) throws -> (store: ReplicaStore, key: SigningKey, request: JoinRequest) {
        guard let data = FileManager.default.contents(atPath: genesisFile),
              let line = data.split(separator: 10).dropFirst().first,
              let env = try? Envelope.decode([UInt8](line)),
              let op = try? VerifiedOp.verify(env, network: env.id), op.header.kind == RosterOps.genesis else {
            throw StoreError(.invalid("\(genesisFile) is not a Shenguan export whose first operation is the genesis roster."))
        }
        let (store, key) = try create(network: op.id, passphrase: passphrase)
        _ = try store.importFile(genesisFile, now: now)
        let request = JoinRequest(network: op.id, department: department, key: key.publicKey)
        try Data(request.signed(by: key)).write(to: URL(fileURLWithPath: joinRequestPath))
        return (store, key, request)
    }
}
