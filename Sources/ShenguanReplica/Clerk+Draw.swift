import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// An expert for the shared pool (R16 专家库).
public struct ExpertRegistration: Sendable {
    public var expertNo: String, name: String, field: String, employer: String
    public var staff: String?
    public init(expertNo: String, name: String, field: String, employer: String) {
        self.expertNo = expertNo; self.name = name; self.field = field; self.employer = employer
    }
}

/// A draw of experts to make (R16 随机抽取).
public struct DrawInput: Sendable {
    public var topic: String, field: String, count: Int
    /// The departments whose secrets make the randomness (at least two).
    public var participants: [String]
    /// Experts left out (回避), by expert number or id, with the reason.
    public var excluded: [(expert: String, reason: String)] = []
    /// The special review the experts are for (id or prefix).
    public var review: String?
    public var staff: String?
    public init(topic: String, field: String, count: Int, participants: [String]) {
        self.topic = topic; self.field = field; self.count = count; self.participants = participants
    }
}

extension ReplicaReader {
    /// The pool as held: every expert registered and not retired, by field then number.
    public func experts(field: String? = nil) throws(ReplicaError) -> [Workflow.Expert] {
        try run {
            let v = try store.expertPoolView(now: now)
            return v.workflow.experts.values.filter { $0.retired.isEmpty && (field == nil || $0.body.field == field) }
                .sorted { ($0.body.field, $0.body.expertNo, $0.act.id) < ($1.body.field, $1.body.expertNo, $1.act.id) }
        }
    }
}

extension Clerk {
    /// Adds an expert to the shared pool for this department (R16).
    public func registerExpert(_ e: ExpertRegistration) throws(ReplicaError) -> ActResult {
        try run {
            if try reader.experts().contains(where: { $0.act.department == department && $0.body.expertNo == e.expertNo }) {
                throw ReplicaError("expert.duplicate", "Expert number \(e.expertNo) is already in this department's pool. Nothing was written.",
                                   zh: "本部门专家库中已有编号 \(e.expertNo)。未写入任何内容。")
            }
            let body: [String: JSONValue] = ["expertNo": .string(e.expertNo), "name": .string(e.name), "field": .string(e.field), "employer": .string(e.employer)]
            _ = try ExpertBody(json: .object(body))
            let op = try append(WorkflowKinds.expertRegister, body, staff: try staffID(e.staff))
            return ActResult(op: op, json: .object(["expert": .string(op.id.hex)]), text: "expert \(op.id.hex)  \(e.name) (\(e.expertNo)) · \(e.field) (R16)")
        }
    }

    /// Takes one of this department's experts out of the pool (R16).
    public func retireExpert(_ expert: String, reason: String, staff: String?) throws(ReplicaError) -> ActResult {
        try run {
            let e = try findExpert(expert, in: try reader.experts())
            guard e.act.department == department else {
                throw ReplicaError("workflow.not_addressee", "\(e.body.name) was registered by \(roster.departments[e.act.department]?.name ?? e.act.department); only that department retires the expert. Nothing was written.",
                                   zh: "该专家由 \(roster.departments[e.act.department]?.name ?? e.act.department) 登记，只有该部门可以将其移出专家库。未写入任何内容。")
            }
            let op = try append(WorkflowKinds.expertRetire, ["expert": .string(e.act.id.hex), "reason": .string(reason)], staff: try staffID(staff))
            return ActResult(op: op, json: .object(["retired": .string(e.act.id.hex)]), text: "retired \(e.body.name) (\(e.body.expertNo)) from the pool (R16)")
        }
    }

    /// An active expert named by number (unique in the pool) or id prefix.
    func findExpert(_ name: String, in pool: [Workflow.Expert]) throws -> Workflow.Expert {
        let hits = pool.filter { $0.body.expertNo == name || (name.count >= 6 && $0.act.id.hex.hasPrefix(name.lowercased())) }
        guard hits.count == 1 else {
            throw ReplicaError(hits.isEmpty ? "expert.unknown" : "expert.ambiguous",
                               hits.isEmpty ? "No expert \(name) in the pool held here. Nothing was written." : "\(name) names \(hits.count) experts: give the id. Nothing was written.",
                               zh: hits.isEmpty ? "专家库中没有 \(name)。未写入任何内容。" : "\(name) 对应多名专家，请给出编号。未写入任何内容。")
        }
        return hits[0]
    }

    /// Requests a draw (bureau only, R16): every expert of the field held
    /// and not retired is a candidate, the exclusions are recorded with
    /// their reasons, and the participants make the randomness.
    public func requestDraw(_ d: DrawInput) throws(ReplicaError) -> ActResult {
        let review = try d.review.map { r throws(ReplicaError) in try resolve(r, kind: WorkflowKinds.reviewConvene, what: "a special review", zh: "专项审查") }
        return try run {
            let pool = try reader.experts(field: d.field)
            guard !pool.isEmpty else {
                throw ReplicaError("draw.no_experts", "The pool held here has no expert in \(d.field). Nothing was written.", zh: "专家库中没有 \(d.field) 领域的专家。未写入任何内容。")
            }
            let parts = Array(Set(d.participants)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            guard parts.count >= 2 else {
                throw ReplicaError("draw.participants", "A draw's randomness comes from at least two departments (--participant twice or more): no single department controls it. Nothing was written.",
                                   zh: "抽取的随机数须由至少两个部门共同产生（--participant 至少两次）：任何单一部门都不能控制结果。未写入任何内容。")
            }
            for p in parts {
                guard roster.departments[p] != nil else { try checkDepartment(p); continue }
                guard Permissions.refusal(kind: WorkflowKinds.drawCommit, role: roster.departments[p]?.role, isRoot: false) == nil else {
                    throw ReplicaError("draw.participants", "\(roster.departments[p]?.name ?? p) cannot take part in a draw. Nothing was written.", zh: "\(roster.departments[p]?.name ?? p) 不能参与抽取。未写入任何内容。")
                }
            }
            var excluded = [(Digest, String)]()
            for (name, why) in d.excluded { excluded.append((try findExpert(name, in: pool).act.id, why)) }
            excluded.sort { $0.0 < $1.0 }
            let eligible = pool.count - Set(excluded.map(\.0)).count
            guard (1...9).contains(d.count), d.count <= eligible else {
                throw ReplicaError("draw.count", "\(d.count) experts cannot be drawn from the \(eligible) not excluded (1 to 9). Nothing was written.",
                                   zh: "无法从未回避的 \(eligible) 名专家中抽取 \(d.count) 名（1 至 9 名）。未写入任何内容。")
            }
            var body: [String: JSONValue] = [
                "topic": .string(d.topic), "field": .string(d.field), "count": .int(Int64(d.count)),
                "candidates": .array(pool.map(\.act.id).sorted().map { .string($0.hex) }),
                "participants": .array(parts.map { .string($0) })]
            if !excluded.isEmpty { body["excluded"] = .array(excluded.map { .object(["expert": .string($0.0.hex), "reason": .string($0.1)]) }) }
            if let review { body["review"] = .string(review.id.hex) }
            _ = try DrawRequestBody(json: .object(body))
            let op = try append(WorkflowKinds.drawRequest, body, staff: try staffID(d.staff))
            return ActResult(op: op, json: .object(["request": .string(op.id.hex), "candidates": .int(Int64(pool.count)), "eligible": .int(Int64(eligible))]),
                             text: "draw \(op.id.hex)  \(d.count) of \(eligible) experts in \(d.field); \(parts.map { roster.departments[$0]?.name ?? $0 }.joined(separator: "、")) commit, then reveal (R16)")
        }
    }

    /// Commits this department to its secret for a draw it takes part in
    /// (R16). The secret comes from this replica's key and the request, so
    /// nothing has to be kept until the reveal. Once.
    public func commitDraw(_ request: String, staff: String?) throws(ReplicaError) -> ActResult {
        let q = try resolve(request, kind: WorkflowKinds.drawRequest, what: "a draw request", zh: "抽取申请")
        return try run {
            let dept = department
            let commitment = ExpertDraw.commitment(request: q.id, nonce: ExpertDraw.nonce(key: key, request: q.id))
            let op = try append(WorkflowKinds.drawCommit, ["request": .string(q.id.hex), "commitment": .string(commitment.hex)], staff: try staffID(staff),
                                checking: (q.id, { wf, _ in
                guard let d = wf.draws[q.id] else { return }
                guard d.body.participants.contains(dept) else {
                    throw ReplicaError("workflow.not_addressee", "\(wf.name(of: dept)) is not a participant of this draw (R16). Nothing was written.", zh: "\(wf.name(of: dept)) 不是该抽取的参与部门（R16）。未写入任何内容。")
                }
                if d.commits.contains(where: { $0.department == dept }) {
                    throw ReplicaError("draw.already_committed", "This department has already committed to this draw: a second commitment would void it (R16). Nothing was written.",
                                       zh: "本部门已提交承诺值：再次提交将使抽取作废（R16）。未写入任何内容。")
                }
            }))
            return ActResult(op: op, json: .object(["commit": .string(op.id.hex), "commitment": .string(commitment.hex)]),
                             text: "committed \(op.id.hex)  the secret stays with this replica's key until every participant has committed (R16)")
        }
    }

    /// Reveals this department's secret once every participant's
    /// commitment is held here (R16); the draw is complete with the last reveal.
    public func revealDraw(_ request: String, staff: String?) throws(ReplicaError) -> ActResult {
        let q = try resolve(request, kind: WorkflowKinds.drawRequest, what: "a draw request", zh: "抽取申请")
        return try run {
            let (wf, _) = try item(q.id)
            guard let d = wf.draws[q.id] else { throw ReplicaError("workflow.body_erased", "The draw's content is not held on this replica.", zh: "本副本未持有该抽取的内容。") }
            guard d.body.participants.contains(department) else {
                throw ReplicaError("workflow.not_addressee", "\(wf.name(of: department)) is not a participant of this draw (R16). Nothing was written.", zh: "\(wf.name(of: department)) 不是该抽取的参与部门（R16）。未写入任何内容。")
            }
            let status = wf.drawStatus(of: d)
            if status.status == "void" {
                throw ReplicaError("draw.void", "The draw is void (\(status.reason ?? "")): request a new one. Nothing was written.", zh: "该抽取已作废（\(status.reason ?? "")）：请重新申请抽取。未写入任何内容。")
            }
            if status.status == "awaiting_commits" {
                let who = status.waitingFor.map { wf.name(of: $0) }.joined(separator: "、")
                throw ReplicaError("draw.awaiting_commits", "\(who) has not committed yet (or its commitment has not reached this replica): a secret is revealed only once every commitment is held. Sync, then try again. Nothing was written.",
                                   zh: "\(who) 尚未提交承诺值（或尚未同步到本副本）：须待全部承诺值到齐后方可公开。请同步后重试。未写入任何内容。")
            }
            let nonce = ExpertDraw.nonce(key: key, request: q.id)
            guard let mine = d.commits.first(where: { $0.department == department }),
                  mine.op.body.flatMap({ try? DrawCommitBody(json: $0) })?.commitment == ExpertDraw.commitment(request: q.id, nonce: nonce) else {
                throw ReplicaError("draw.key_changed", "This department's commitment was made with another key: its secret cannot be shown. Request a new draw. Nothing was written.",
                                   zh: "本部门的承诺值由另一密钥生成，无法公开对应随机数。请重新申请抽取。未写入任何内容。")
            }
            let commits = d.commits.map(\.id).sorted()
            let dept = department
            // Once: checked in the write transaction, on the draw as it is then.
            let op = try append(WorkflowKinds.drawReveal, ["request": .string(q.id.hex), "nonce": .string(nonce.hex), "commits": .array(commits.map { .string($0.hex) })],
                                staff: try staffID(staff), checking: (q.id, { wf, _ in
                if wf.draws[q.id]?.reveals.contains(where: { $0.department == dept }) == true {
                    throw ReplicaError("draw.already_revealed", "This department has already revealed its secret. Nothing was written.", zh: "本部门已公开随机数。未写入任何内容。")
                }
            }))
            let (after, _) = try item(q.id)
            let s = after.draws[q.id].map { after.drawStatus(of: $0) }
            let drawn = s?.status == "drawn" ? " · drawn: " + (s?.selected.map { after.experts[$0].map { "\($0.body.name) (\($0.body.expertNo))" } ?? $0.hex.prefix(12) + "…" }.joined(separator: "、") ?? "") : ""
            return ActResult(op: op, json: .object(["reveal": .string(op.id.hex), "draw": s.map { Workflow.json($0) } ?? .null]),
                             text: "revealed \(op.id.hex)\(drawn) (R16)")
        }
    }
}
