import Foundation
import GRDB
import ShenguanCore
import ShenguanCrypto

extension ReplicaStore {
    /// Signs and applies a new operation of this replica's own chain, in one
    /// transaction: next `seq`, `prev` = own head, `deps` = heads of other
    /// authors not cited before, clock after all of them (DESIGN.md
    /// "Causal links", "Clock").
    ///
    /// `signedUpTo` is the highest seq the key has signed, as recorded beside
    /// the key: if the database holds less, it was restored from a backup and
    /// writing would fork the chain, so it is refused (DESIGN.md "Per-replica
    /// hash chain").
    public func append(kind: String, body: JSONValue, key: SigningKey, now: Int64,
                       signedUpTo: Int64 = 0) throws -> VerifiedOp {
        try appendAll([{ _ in (kind, body) }], key: key, now: now, signedUpTo: signedUpTo)[0]
    }

    /// What a write's last check reads, inside its write transaction (e.g.
    /// "this push is not claimed yet"): two clerks claiming at once, from one
    /// process or two, cannot both pass it.
    public struct WriteCheck {
        let db: Database
        /// ``itemView(_:now:)`` as of this transaction.
        public func itemView(_ id: Digest, now: Int64) throws -> WorkflowView {
            try ReplicaStore.view(db, try ReplicaStore.closure(db, of: id), now: now)
        }
    }

    /// One operation to write: its kind and body, built from the operations
    /// written before it in the same call (e.g. a push names the approval).
    public typealias Draft = (_ written: [VerifiedOp]) throws -> (kind: String, body: JSONValue)

    /// Signs and applies several operations of this replica's chain in one
    /// transaction (an approval with its attachments and pushes): either all
    /// are written or none is. Each body's schema is checked before it is
    /// signed, and each operation passes every ingest check before the next
    /// is drafted; any refusal rolls back the whole call.
    /// `after` runs in the same transaction once every operation is written
    /// (e.g. a witness marks the declarations it carries).
    public func appendAll(_ drafts: [Draft], key: SigningKey, now: Int64, signedUpTo: Int64 = 0,
                          check: ((WriteCheck) throws -> Void)? = nil,
                          after: ((WriteCheck, [VerifiedOp]) throws -> Void)? = nil) throws -> [VerifiedOp] {
        try pool.write { db in
            // Inside the (IMMEDIATE) write transaction: no other writer, in
            // this process or another, commits between this check and the write.
            try check?(WriteCheck(db: db))
            var written = [VerifiedOp]()
            for draft in drafts {
                let (kind, body) = try draft(written)
                // The body schema other replicas will check (PROTOCOL.md §2.5
                // step 11): never sign what every peer would refuse.
                try OpKinds.validate(kind: kind, body: body)
                written.append(try appendOne(db, kind: kind, body: body, key: key, now: now, signedUpTo: signedUpTo))
            }
            try after?(WriteCheck(db: db), written)
            return written
        }
    }

    private func appendOne(_ db: Database, kind: String, body: JSONValue, key: SigningKey, now: Int64,
                           signedUpTo: Int64) throws -> VerifiedOp {
        let me = key.publicKey.base64url
        let head = try Row.fetchOne(db, sql: "SELECT id, seq, time, ctr FROM ops WHERE author = ? ORDER BY seq DESC, id LIMIT 1",
                                    arguments: [me])
        let seq: Int64 = (head?["seq"] ?? 0) + 1
        guard seq > signedUpTo else { throw StoreError(.restoredFromBackup(keySeq: signedUpTo, dbSeq: seq - 1)) }
        try Self.checkOwnChain(db, me: me, held: seq - 1)
        var after = [HLC]()
        if let head { after.append(HLC(time: head["time"], ctr: head["ctr"])) }
        // Heads of other authors this replica has not cited yet (PROTOCOL.md
        // §2.1): every such head, latest time first (then id); at most 64 go
        // into deps, a roster operation's roster dependency among them.
        let fresh = try Row.fetchAll(db, sql: """
            SELECT a.author, a.max_seq, o.id, o.time, o.ctr FROM authors a
            CROSS JOIN ops o ON o.author = a.author AND o.seq = a.max_seq
            WHERE a.author <> ? AND a.max_seq > a.cited_seq
            ORDER BY o.time DESC, o.id
            """, arguments: [me])
        // A roster operation builds on the latest roster version (after a
        // root rotation the new root key's first operation names it).
        var rosterDep: (id: Digest, clock: HLC)?
        if kind.hasPrefix("roster."), let latest = try Row.fetchOne(db, sql: """
            SELECT id, time, ctr FROM ops WHERE \(Self.rosterKinds) ORDER BY roster_seq DESC LIMIT 1
            """), let id = Digest(hex: latest["id"] as String), id != head.flatMap({ Digest(hex: $0["id"] as String) }) {
            rosterDep = (id, HLC(time: latest["time"], ctr: latest["ctr"]))
        }
        let chosen = Self.chooseDeps(fresh: fresh.map { (author: $0["author"] as String, id: Digest(hex: $0["id"] as String)!) },
                                     required: rosterDep?.id)
        var deps = chosen.deps
        for r in fresh where chosen.deps.contains(Digest(hex: r["id"] as String)!) { after.append(HLC(time: r["time"], ctr: r["ctr"])) }
        if let rosterDep, !fresh.contains(where: { ($0["id"] as String) == rosterDep.id.hex }) { after.append(rosterDep.clock) }
        deps.sort()
        // The skip link (§2.1): this replica's own chain has one operation per seq.
        let skip = try OpHeader.skipSeq(seq).flatMap { t in
            try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM ops WHERE author = ? AND seq = ?"), arguments: [me, t])
        }.flatMap { Digest(hex: $0) }
        let op = try OpSigner.sign(key: key, network: network, seq: seq,
                                   prev: head.map { Digest(hex: $0["id"] as String)! }, skip: skip,
                                   deps: deps, clock: HLC.next(now: now, after: after),
                                   kind: kind, body: body)
        var w = IngestWriter(db: db, now: now, maxSkew: maxSkewMillis, cache: metaCache)
        try w.offer(op, index: 0)
        switch w.report.results.first?.outcome {
        case .accepted?: break
        case .rejected(let why)?: throw why   // e.g. auth.not_admitted, staff.invalid: nothing was written
        case .pending(.future)?: throw StoreError(.clockBehind(op.header.clock.time - now))
        case let other: throw StoreError(.invalid("Could not apply this replica's own operation (\(String(describing: other))); nothing was written."))
        }
        try w.flushAuthors()
        for r in fresh where chosen.cited.contains(r["author"] as String) {
            try db.execute(sql: "UPDATE authors SET cited_seq = ? WHERE author = ?", arguments: [r["max_seq"] as Int64, r["author"] as String])
        }
        return op
    }

    /// PROTOCOL.md §2.1: the deps of a new operation from the other
    /// authors' uncited heads (`fresh`, latest time first, then id; a forked
    /// author has several) and an id that must be among them (a roster
    /// operation's latest roster version). At most 64: `required` first, then
    /// `fresh` in order. An author counts as cited only when every one of its
    /// heads went in, so a head the cap leaves out is cited by a later operation.
    package static func chooseDeps(fresh: [(author: String, id: Digest)], required: Digest?) -> (deps: [Digest], cited: Set<String>) {
        var deps = [Digest](), taken = Set<Digest>()
        if let required { deps.append(required); taken.insert(required) }
        var left = Set<String>()
        for f in fresh {
            if taken.contains(f.id) { continue }
            if deps.count < OpHeader.maxDeps { deps.append(f.id); taken.insert(f.id) } else { left.insert(f.author) }
        }
        let cited = Set(fresh.map(\.author)).subtracting(left)
        return (deps, cited)
    }
}
