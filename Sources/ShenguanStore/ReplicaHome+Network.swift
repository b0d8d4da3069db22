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
                              passphrase: String?, rootPassphrase: String?, now: Int64) throws -> (store: ReplicaStore, root: SigningKey, genesis: VerifiedOp) {
        let root = SigningKey.generate(), replica = SigningKey.generate()
        let body = RosterOps.Genesis(
            name: name, root: root.publicKey, policy: policy, calendar: OfficialCalendar.builtInYears,
            departments: [RosterState.Department(id: departmentID, name: departmentName, role: .oversight)],
            replicas: [(replica.publicKey, departmentID)])
        let genesis = try OpSigner.sign(key: root, network: RosterOps.genesisNet, seq: 1, prev: nil, deps: [],
                                        clock: HLC(time: now, ctr: 0), kind: RosterOps.genesis, body: body.json)
        let (store, _) = try create(network: genesis.id, passphrase: passphrase, key: replica)
        // The root key has its own passphrase (it signs roster changes only; keep it off serving machines).
        try KeyFile.write(KeyFile.seal(root, passphrase: rootPassphrase, strength: .moderate), to: rootKeyPath)
        let report = try store.ingestVerified([.success(genesis)], now: now)
        guard report.accepted == 1 else { throw StoreError(.invalid("The genesis roster was refused: \(report.results.first?.code ?? "?").")) }
        try recordSigned(1, key: root.publicKey)
        try store.export(to: genesisPath)
        return (store, root, genesis)
    }

    public var genesisPath: String { path + "/genesis.jsonl" }

    /// Reads a genesis (or roster) export without touching any replica: the
    /// network id and the roster it holds. Refuses a file whose first
    /// operation is not a valid genesis roster, and (if given) a department
    /// that roster does not have.
    public static func inspectGenesis(_ file: String, department: String? = nil) throws -> (network: Digest, roster: RosterState) {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw StoreError(.badGenesis("\(file) is not a Shenguan export whose first operation is the genesis roster (the file cannot be read)."))
        }
        let bytes = [UInt8](data)
        let lines = Lines.ranges(bytes).dropFirst().filter { !$0.isEmpty }.map { Array(bytes[$0]) }
        guard let first = lines.first, let env = try? Envelope.decode(first),
              let op = try? VerifiedOp.verify(env, network: env.id), op.header.kind == RosterOps.genesis else {
            throw StoreError(.badGenesis("\(file) is not a Shenguan export whose first operation is the genesis roster."))
        }
        var replica = MemoryReplica(network: op.id)
        let ops = lines.compactMap { try? VerifiedOp.verify(Envelope.decode($0), network: op.id) }
        replica.ingest(ops, now: Int64.max / 2)
        guard let roster = replica.roster else { throw StoreError(.badGenesis("The genesis roster in \(file) is invalid.")) }
        if let department, roster.departments[department] == nil {
            throw StoreError(.unknownDepartment(department, roster.departments.keys.sorted()))
        }
        return (op.id, roster)
    }

    /// A department's first step: a replica on the network of `genesisFile`
    /// (an export whose first operation is the genesis roster; any roster
    /// operations after it are imported too) and a signed join request.
    /// The department must exist in that roster.
    public func join(genesisFile: String, department: String, passphrase: String?, now: Int64) throws -> (store: ReplicaStore, key: SigningKey, request: JoinRequest) {
        let (network, _) = try Self.inspectGenesis(genesisFile, department: department)
        let (store, key) = try create(network: network, passphrase: passphrase)
        _ = try store.importFile(genesisFile, now: now)
        let request = JoinRequest(network: network, department: department, key: key.publicKey)
        try Data(request.signed(by: key)).write(to: URL(fileURLWithPath: joinRequestPath))
        return (store, key, request)
    }
}
