import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

/// A city-year of 审管 work (issue 12), written from PROTOCOL.md: one
/// approval bureau (d0) and K−1 regulators, each a replica that syncs four
/// times a working day and signs a witness of every chain it then holds
/// (with a head declaration it received). Per working day, for K = 50:
/// ~600 approvals pushed to 1–3 regulators (2% with a 20–80 KB scan),
/// claims on time (85%), late (10%) or never (5%), ~100 supervision records
/// pushed back and claimed by the bureau, ~20 inquiries (80% answered),
/// ~5 revocation requests decided, ~6 corrections: ~3,500 operations a day,
/// so 1M operations is about a year. Operations go straight to an export
/// file in causal order; only heads and open items stay in memory.
struct CityWorkload {
    let network: Digest
    let keys: [SigningKey]
    /// Staff registration ids per department.
    var staff: [[Digest]]
    var count = 0
    var bytes = 0
    /// The clock just after the last operation.
    var now: Int64 = 0
    /// Ops written per kind.
    var kinds: [String: Int] = [:]
    /// Pushes still unclaimed at the end, per addressee (inbox sizes), and samples for the views.
    var pushesTo: [[Digest]]
    var approvals: [Digest] = []
    var inquiries: [Digest] = []

    var heads: [(seq: Int64, id: Digest, clock: HLC)?]
    /// Each department's chain, ids by seq − 1: the skip links (PROTOCOL.md §2.1) name old ones.
    var chains: [[Digest]] = []
    /// seen[a][b]: b's head as a last synced it (what a holds of b).
    var seen: [[(seq: Int64, id: Digest, clock: HLC)?]]
    private var cited: [[Int64]]          // cited[a][b]: seq of b that a's ops already cite
    private var out: FileHandle
    private var buffer: [UInt8] = []
    var rng: SeededGenerator
    var queue = EventQueue()
    /// Items waiting for a department to learn of them at its next sync.
    var unseen: [[Event]]

    enum Action {
        case approval, supervision, inquiry, revocation, correction, sync
        case claim(Digest), pushBack(Digest), reply(Digest), decide(Digest)
    }
    struct Event { let time: Int64; let dept: Int; let action: Action }

    /// Writes about `ops` operations of a network of `departments` to `path`
    /// (an export file, PROTOCOL.md §3).
    static func generate(ops target: Int, departments k: Int, path: String) throws -> CityWorkload {
        let keys = (0..<k).map { SigningKey(seed: SHA256.hash(Array("city-\($0)".utf8)).bytes)! }
        let root = SigningKey(seed: SHA256.hash(Array("city-root".utf8)).bytes)!
        // A year from March 2025: every limit falls within the built-in
        // calendar (2020–2026), even those of the last operations.
        let start = ChinaStandardTime.parseRFC3339("2025-03-03T09:00:00+08:00")!
        let genesisBody = RosterOps.Genesis(
            name: "聊城审管互动 (bench)", root: root.publicKey, policy: .liaocheng, calendar: OfficialCalendar.builtInYears,
            departments: (0..<k).map { RosterState.Department(id: "d\($0)", name: $0 == 0 ? "市行政审批服务局" : "监管部门\($0)", role: $0 == 0 ? .approval : .regulator) },
            replicas: keys.enumerated().map { ($0.element.publicKey, "d\($0.offset)") })
        let genesis = try OpSigner.sign(key: root, network: RosterOps.genesisNet, seq: 1, prev: nil, deps: [],
                                        clock: HLC(time: start, ctr: 0), kind: RosterOps.genesis, body: genesisBody.json)
        let tmp = path + ".body"
        FileManager.default.createFile(atPath: tmp, contents: nil)
        var w = CityWorkload(network: genesis.id, keys: keys, staff: Array(repeating: [], count: k), pushesTo: Array(repeating: [], count: k),
                             heads: Array(repeating: nil, count: k), seen: Array(repeating: Array(repeating: nil, count: k), count: k),
                             cited: Array(repeating: Array(repeating: 0, count: k), count: k), out: FileHandle(forWritingAtPath: tmp)!,
                             rng: SeededGenerator(seed: 2026), unseen: Array(repeating: [], count: k))
        w.emit(genesis)
        w.genesisID = genesis.id
        w.genesisClock = genesis.header.clock
        try w.run(until: target, from: ChinaStandardTime.civilDate(atMillis: start))
        w.out.write(Data(w.buffer)); try w.out.close()
        // Header (with the count) first, then the operations.
        let header = try CanonicalJSON.encode(["count": .int(Int64(w.count)), "format": "shenguan-export/1", "network": .string(genesis.id.hex)]) + [10]
        FileManager.default.createFile(atPath: path, contents: Data(header))
        let fh = FileHandle(forWritingAtPath: path)!
        fh.seekToEndOfFile()
        let src = FileHandle(forReadingAtPath: tmp)!
        while case let chunk = src.readData(ofLength: 1 << 24), !chunk.isEmpty { fh.write(chunk) }
        try fh.close(); try src.close()
        try FileManager.default.removeItem(atPath: tmp)
        return w
    }

    var genesisID: Digest? = nil
    var genesisClock = HLC(time: 0, ctr: 0)

    private mutating func emit(_ op: VerifiedOp) {
        op.envelope.encode(into: &buffer); buffer.append(10)
        if buffer.count > 1 << 22 { out.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
        count += 1
        bytes += op.envelope.header.count + op.envelope.sig.count + (op.envelope.body?.count ?? 0)
        kinds[op.header.kind, default: 0] += 1
    }

    /// Department `a` signs an operation at `t`, citing the heads it holds that it has not cited.
    @discardableResult
    mutating func write(_ a: Int, _ kind: String, _ body: JSONValue, at t: Int64) -> VerifiedOp {
        var deps = [Digest](), after = [HLC]()
        if let h = heads[a] { after.append(h.clock) } else if let g = genesisID { deps.append(g); after.append(genesisClock) }
        for b in heads.indices where b != a && deps.count < OpHeader.maxDeps {
            guard let hb = seen[a][b], hb.seq > cited[a][b] else { continue }
            deps.append(hb.id); after.append(hb.clock); cited[a][b] = hb.seq
        }
        if chains.count <= a { chains += Array(repeating: [], count: a + 1 - chains.count) }
        let seq = (heads[a]?.seq ?? 0) + 1
        let skip = OpHeader.skipSeq(seq).map { chains[a][Int($0) - 1] }
        let op = try! OpSigner.sign(key: keys[a], network: network, seq: seq, prev: heads[a]?.id, skip: skip, deps: deps,
                                    clock: HLC.next(now: t, after: after), kind: kind, body: body)
        heads[a] = (op.header.seq, op.id, op.header.clock)
        chains[a].append(op.id)
        now = max(now, op.header.clock.time + 1)
        emit(op)
        return op
    }
}
