import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

/// A fast generator of a large, valid operation set: K authors write notes;
/// each op cites the new heads of up to two other authors. The genesis
/// roster (op 1 of N) admits all K authors.
struct BenchNetwork {
    let network: Digest
    var keys: [SigningKey] = []
    var ops: [VerifiedOp] = []
    var now: Int64 = 1_790_000_000_000

    static func generate(ops n: Int, authors k: Int) -> BenchNetwork {
        var rng = SystemRandomNumberGenerator()
        let keys = (0..<k).map { SigningKey(seed: Array(SHA256.hash([UInt8($0 % 256), UInt8($0 / 256)]).bytes))! }
        let root = SigningKey(seed: SHA256.hash(Array("bench-root".utf8)).bytes)!
        let genesisBody = RosterOps.Genesis(
            name: "bench", root: root.publicKey, policy: .liaocheng, calendar: OfficialCalendar.builtInYears,
            departments: (0..<k).map { RosterState.Department(id: "d\($0)", name: "部门\($0)", role: .regulator) },
            replicas: keys.enumerated().map { ($0.element.publicKey, "d\($0.offset)") })
        let genesis = try! OpSigner.sign(key: root, network: RosterOps.genesisNet, seq: 1, prev: nil, deps: [],
                                         clock: HLC(time: 1_790_000_000_000, ctr: 0), kind: RosterOps.genesis, body: genesisBody.json)
        var net = BenchNetwork(network: genesis.id)
        net.keys = keys
        net.ops.reserveCapacity(n)
        net.ops.append(genesis)
        var heads = [VerifiedOp?](repeating: nil, count: k)
        var chains = [[Digest]](repeating: [], count: k)   // ids by seq − 1, for the skip links
        var cited = [[Int64]](repeating: [Int64](repeating: 0, count: k), count: k)
        for i in 0..<(n - 1) {
            let a = i < k ? i : Int.random(in: 0..<k, using: &rng)
            var deps = [Digest](), after = [HLC]()
            if let h = heads[a] { after.append(h.header.clock) } else { deps.append(genesis.id); after.append(genesis.header.clock) }
            for _ in 0..<2 {
                let b = Int.random(in: 0..<k, using: &rng)
                guard b != a, let hb = heads[b], hb.header.seq > cited[a][b], !deps.contains(hb.id) else { continue }
                deps.append(hb.id); after.append(hb.header.clock); cited[a][b] = hb.header.seq
            }
            net.now += 7
            let seq = (heads[a]?.header.seq ?? 0) + 1
            let op = try! OpSigner.sign(key: keys[a], network: net.network, seq: seq,
                                        prev: heads[a]?.id, skip: OpHeader.skipSeq(seq).map { chains[a][Int($0) - 1] }, deps: deps, clock: HLC.next(now: net.now, after: after),
                                        kind: OpKinds.note, body: ["text": .string("监管信息 #\(i): 现场检查记录，企业整改已完成。")])
            heads[a] = op
            chains[a].append(op.id)
            net.ops.append(op)
        }
        net.now += 1000
        return net
    }
}
