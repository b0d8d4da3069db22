import Foundation
import GRDB
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

/// `OpIndex` over the replica's SQLite tables, inside one write transaction,
/// with in-memory caches of what the transaction already knows: metadata of
/// operations it read or applied, each author's highest seq (an op above it
/// cannot equivocate, so no lookup), the roster versions, and whether
/// anything waits at all.
final class SQLiteOpIndex: OpIndex {
    let db: Database
    var failure: Error?
    /// Metadata this transaction applied or read: merged into the store's
    /// cache once the transaction has committed.
    private(set) var learned: [Digest: StoredMeta] = [:]
    /// Operations of `MetaCache.namedKinds` this transaction applied or read
    /// (merged into the store's cache once it has committed).
    private(set) var learnedOps: [Digest: VerifiedOp] = [:]
    private var staffCache: [Digest: StaffMember?] = [:]
    private let cache: MetaCache?
    /// Ids known not to be stored when the transaction began (one batched query).
    private var absent: Set<Digest> = []
    private var maxSeq: [PublicKey: Int64] = [:]
    lazy var hasWaiters: Bool = (try? Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM pending_waits)")) ?? true
    /// Roster versions, index = root-chain seq − 1.
    private lazy var rosters: [RosterState] = loadRosters()

    init(db: Database, cache: MetaCache? = nil) { self.db = db; self.cache = cache }

    /// One query for the whole batch instead of one duplicate lookup per op.
    func prefetchAbsent(_ ids: [Digest]) throws {
        var found = Set<String>()
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ ids[$0..<min($0 + 500, ids.count)] }) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            found.formUnion(try String.fetchAll(db, sql: "SELECT id FROM ops WHERE id IN (\(marks))", arguments: StatementArguments(chunk.map(\.hex))))
        }
        absent = Set(ids.filter { !found.contains($0.hex) })
    }

    var latestRoster: RosterState? { rosters.last }
    var rosterVersions: [RosterState] { rosters }

    /// The latest roster's working-day calendar (what limits are judged on).
    private(set) lazy var calendar: WorkingDayCalendar = latestRoster?.calendar ?? OfficialCalendar.calendar

    /// The department an author counts as in time evidence (PROTOCOL.md §4.3).
    func department(of author: PublicKey) -> String {
        if let d = departments[author] { return d }
        let d = EvidenceGraph.owner(author) { latestRoster?.replicas[$0]?.department }
        departments[author] = d
        return d
    }
    private var departments: [PublicKey: String] = [:]

    /// The replica department of a key (nil: not a replica), as the oracle reads the roster.
    func replicaDepartment(of author: PublicKey) -> String? { latestRoster?.replicas[author]?.department }

    func didApply(_ op: VerifiedOp, rosterSeq: Int64, row: Int64) {
        let h = op.header
        learned[op.id] = StoredMeta(meta: OpMeta(author: h.author, seq: h.seq, clock: h.clock, rosterSeq: rosterSeq), row: row)
        if MetaCache.namedKinds.contains(h.kind) { learnedOps[op.id] = op }
        absent.remove(op.id)
        if h.seq > maxSeq[h.author] ?? 0 { maxSeq[h.author] = h.seq }
        if h.kind == RosterOps.genesis, let g = try? RosterState(genesis: op) {
            rosters = [g]
            rosterChanged()
        } else if h.kind.hasPrefix("roster."), rosterSeq == Int64(rosters.count) + 1, var next = rosters.last,
                  (try? next.apply(op)) != nil {
            rosters.append(next)
            rosterChanged()
        }
    }

    private func rosterChanged() {
        departments = [:]
        calendar = latestRoster?.calendar ?? OfficialCalendar.calendar
    }

    /// The `ops.rowid` of a held operation.
    func row(of id: Digest) -> Int64? {
        if let r = learned[id]?.row ?? cache?.get(id)?.row { return r }
        _ = meta(of: id)
        return learned[id]?.row
    }

    func meta(of id: Digest) -> OpMeta? {
        if let m = learned[id] ?? cache?.get(id) { return m.meta }
        if absent.contains(id) { return nil }
        do {
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT author, seq, time, ctr, roster_seq, rowid FROM ops WHERE id = ?"),
                                             arguments: [id.hex]) else { return nil }
            guard let pk = PublicKey(base64url: row[0] as String) else { return nil }
            let m = OpMeta(author: pk, seq: row[1], clock: HLC(time: row[2], ctr: row[3]), rosterSeq: row[4])
            learned[id] = StoredMeta(meta: m, row: row[5])
            return m
        } catch { failure = failure ?? error; return nil }
    }

    func ids(author: PublicKey, seq: Int64) -> [Digest] {
        do {
            if maxSeq[author] == nil {
                maxSeq[author] = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max_seq FROM authors WHERE author = ?"),
                                                    arguments: [author.base64url]) ?? 0
            }
            // Projections of earlier transactions are flushed; this one's are in maxSeq.
            if seq > maxSeq[author]! { return [] }
            return try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM ops WHERE author = ? AND seq = ?"),
                                       arguments: [author.base64url, seq]).compactMap { Digest(hex: $0) }
        } catch { failure = failure ?? error; return [] }
    }

    func roster(at version: Int64) -> RosterState? {
        version >= 1 && version <= Int64(rosters.count) ? rosters[Int(version) - 1] : nil
    }

    func staff(_ id: Digest) -> StaffMember? {
        if let known = staffCache[id] { return known }
        let m = operation(id).flatMap { op in op.header.kind == RosterOps.staff ? op.body.flatMap { try? StaffMember(json: $0) } : nil }
        staffCache[id] = m
        return m
    }

    func operation(_ id: Digest) -> VerifiedOp? {
        if let op = learnedOps[id] ?? cache?.operation(id) { return op }
        do {
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT author, header, sig, body FROM ops WHERE id = ?"),
                                             arguments: [id.hex]) else { return nil }
            let op = try ReplicaStore.load(row)
            if MetaCache.namedKinds.contains(op.header.kind) { learnedOps[id] = op }
            return op
        } catch { failure = failure ?? error; return nil }
    }

    private func loadRosters() -> [RosterState] {
        do {
            // Roster operations in version order (their roster_seq), genesis first.
            let rows = try Row.fetchAll(db, sql: "SELECT author, header, sig, body FROM ops WHERE \(ReplicaStore.rosterKinds) ORDER BY roster_seq")
            guard let first = rows.first, let genesisOp = try? ReplicaStore.load(first),
                  var state = try? RosterState(genesis: genesisOp) else { return [] }
            var out = [state]
            for r in rows.dropFirst() {
                guard let op = try? ReplicaStore.load(r), (try? state.apply(op)) != nil else { break }
                out.append(state)
            }
            return out
        } catch { failure = failure ?? error; return [] }
    }
}
