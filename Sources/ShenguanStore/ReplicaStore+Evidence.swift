import Foundation
import GRDB
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

extension ReplicaStore {
    /// The evidence bundle of the verdict about `target` (PROTOCOL.md §8):
    /// a push, an inquiry, or an operation of a forked author, judged at
    /// `now`; nil when `target` is none of these. Read through the read
    /// model: the item, its acts, the operations that set each bound with
    /// the shortest causal path to them, the witness of the best head
    /// declaration, the roster. It never reads the whole history.
    public func evidenceBundle(for target: Digest, now: Int64) throws -> EvidenceBundle? {
        try pool.read { db in
            guard let t = try Self.loadIDs(db, ids: [target])[target]?.op else { return nil }
            let forked = try Row.fetchAll(db, sql: "SELECT author, header, sig, body FROM ops WHERE author = ? AND seq = ?",
                                          arguments: [t.header.author.base64url, t.header.seq]).map(Self.load)
            let roster = try Row.fetchAll(db, sql: "SELECT author, header, sig, body FROM ops WHERE \(Self.rosterKinds)").map(Self.load)
            if forked.count > 1 {
                // Equivocation: the conflicting signed operations are the proof.
                return EvidenceBundle(network: network, subject: t.header.author.base64url, kind: "equivocation", judgedAt: now,
                                      envelopes: Self.causalOrder(roster + forked).map(\.envelope), verdict: ["fork": true, "seq": .int(t.header.seq)])
            }
            let view = try Self.view(db, try Self.closure(db, of: target), now: now)
            let (wf, ctx) = (view.workflow, view.context)
            let kind: String, verdict: JSONValue, items: [Digest], judged: [Digest]
            if let p = wf.pushes[target] {
                let st = try wf.status(of: p, ctx)
                let acts = (p.claims + p.feedback).map(\.id)
                (kind, items, judged) = ("push", [p.act.id] + acts, [p.act.id] + acts)
                verdict = EvidenceVerifier.verdictJSON(label: st.label, st.claim, responsible: st.responsible)
            } else if let q = wf.inquiries[target] {
                let st = try wf.status(of: q, ctx)
                var all = [q.act.id] + q.replies.map(\.id)
                judged = all
                // R12: the silent party's chain seen past the limit makes consent final.
                if let seen = ctx.evidence.lastCited(department: q.body.to) { all.append(seen.op) }
                (kind, items) = ("inquiry", all)
                verdict = EvidenceVerifier.verdictJSON(label: st.label, st.verdict, responsible: st.responsible)
            } else if let d = wf.draws[target] {
                // R16: no time is judged; the request, its candidates, the commitments and the reveals decide (§8).
                (kind, items, judged) = ("draw", [d.act.id] + d.body.candidates + d.commits.map(\.id) + d.reveals.map(\.id), [])
                verdict = Workflow.json(wf.drawStatus(of: d))
            } else {
                return nil
            }
            // The items, what they name (the pushed record, the push an act is on) and the staff
            // registrations all of these name: without them an item does not count (§8 step 4a).
            var keep = Set(items)
            var loaded = try Self.loadIDs(db, ids: keep)
            for l in loaded.values { for r in l.op.refs { keep.insert(r.id) } }
            loaded.merge(try Self.loadIDs(db, ids: keep.subtracting(loaded.keys))) { a, _ in a }
            for l in loaded.values { if let s = OpKinds.staffRef(l.op.body) { keep.insert(s) } }
            // What the bounds are read from. An operation that sets a bound by its place in the
            // graph (hi, or lo from the causal past) decides by its signed header alone, so it
            // and the path to it come without bodies; a head declaration lives in its witness's
            // body, so that witness comes whole (a witness body is ~10 KB at a city's size).
            var path = Set<Digest>()
            for id in judged {
                guard let op = loaded[id]?.op else { continue }
                let b = ctx.evidence.bounds(of: op)
                if let hi = b.hiOp { path.formUnion(try Self.path(db, from: hi, to: op.id, notBefore: op.header.clock)) }
                if let lo = b.loOp {
                    if lo == loaded[id]?.lo?.id, let loClock = loaded[id]?.lo?.clock {
                        path.formUnion(try Self.path(db, from: op.id, to: lo, notBefore: loClock))
                    } else {
                        keep.insert(lo)
                    }
                }
            }
            loaded.merge(try Self.loadIDs(db, ids: keep.union(path).subtracting(loaded.keys))) { a, _ in a }
            let ops = roster + loaded.values.map(\.op).filter { !$0.header.kind.hasPrefix("roster.") }
            let whole = keep.union(roster.map(\.id))
            let envelopes = Self.causalOrder(ops).map { whole.contains($0.id) ? $0.envelope : $0.envelope.withoutBody }
            return EvidenceBundle(network: network, subject: target.hex, kind: kind, judgedAt: now,
                                  envelopes: envelopes, verdict: verdict)
        }
    }

    static func causalOrder(_ ops: [VerifiedOp]) -> [VerifiedOp] {
        var seen = Set<Digest>()
        return ops.filter { seen.insert($0.id).inserted }.sorted { ($0.header.clock, $0.id) < ($1.header.clock, $1.id) }
    }

    /// The shortest causal path (over `prev` and `deps`) from `descendant`
    /// down to `ancestor`, both included; empty if there is none. Only
    /// operations with a clock at or after the ancestor's can lie on it
    /// (clocks grow along every edge), so the search stays within the
    /// window between the two.
    static func path(_ db: Database, from descendant: Digest, to ancestor: Digest, notBefore: HLC) throws -> [Digest] {
        let node = try db.cachedStatement(sql: """
            SELECT o.rowid, o.id, o.time, o.ctr, t.parents FROM ops o JOIN op_time t ON t.op = o.rowid WHERE o.rowid = ?
            """)
        guard let start = try Int64.fetchOne(db.cachedStatement(sql: "SELECT rowid FROM ops WHERE id = ?"), arguments: [descendant.hex]),
              let goal = try Int64.fetchOne(db.cachedStatement(sql: "SELECT rowid FROM ops WHERE id = ?"), arguments: [ancestor.hex]) else { return [] }
        var parentOf = [Int64: Int64](), ids = [Int64: Digest](), queue = [start], next = 0
        var seen: Set<Int64> = [start]
        while next < queue.count {
            let x = queue[next]; next += 1
            guard let r = try Row.fetchOne(node, arguments: [x]), let id = Digest(hex: r[1] as String) else { continue }
            ids[x] = id
            if x == goal { break }
            guard HLC(time: r[2], ctr: r[3]) > notBefore, let blob = r[4] as Data? else { continue }
            for p in ReadModel.unpackRows(blob) where !seen.contains(p) {
                seen.insert(p); parentOf[p] = x; queue.append(p)
            }
        }
        guard ids[goal] != nil else { return [] }
        var out = [ancestor], x = goal
        while let n = parentOf[x], let id = ids[n] { out.append(id); x = n }
        return out
    }
}
