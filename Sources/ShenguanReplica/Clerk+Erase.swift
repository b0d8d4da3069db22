import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

extension Clerk {
    /// Erases the body of an attachment or note that holds personal data
    /// (DESIGN.md "body by hash", PROTOCOL.md §2.6): every replica that
    /// receives the erasure drops the body and never stores it again; the
    /// operation's header, signature and id stay, so every chain, verdict
    /// and bundle still verifies. This department's own bodies only, unless
    /// it is the oversight office.
    public func erase(_ target: String, reason: String, staff: String?) throws(ReplicaError) -> ActResult {
        let op = try reader.resolveOp(target)
        return try run {
            guard [WorkflowKinds.attachment, OpKinds.note].contains(op.header.kind) else {
                throw ReplicaError("erase.not_erasable", "\(target) is a \(op.header.kind) operation: only an attachment or a note can be erased (the other bodies are what verdicts are judged from; keep personal data in attachments). Nothing was written.",
                                   zh: "\(target) 是 \(op.header.kind) 操作：只能删除附件或备注的内容（其他内容是判定时限的依据；个人信息请以附件提交）。未写入任何内容。")
            }
            let owner = roster.replicas[op.header.author]?.department ?? "?"
            guard owner == department || roster.departments[department]?.role == .oversight else {
                throw ReplicaError("workflow.not_addressee", "That body was written by \(roster.departments[owner]?.name ?? owner); only that department or the oversight office erases it. Nothing was written.",
                                   zh: "该内容由 \(roster.departments[owner]?.name ?? owner) 写入，只有该部门或监督部门可以删除。未写入任何内容。")
            }
            guard op.body != nil else {
                throw ReplicaError("erase.already", "The body of \(op.id.hex.prefix(12))… is not held here (erased already, or never received). Nothing was written.",
                                   zh: "本副本未持有 \(op.id.hex.prefix(12))… 的内容（已删除或从未收到）。未写入任何内容。")
            }
            _ = try EraseBody(json: .object(["op": .string(op.id.hex), "reason": .string(reason)]))
            let written = try append(WorkflowKinds.erase, ["op": .string(op.id.hex), "reason": .string(reason)], staff: try staffID(staff))
            return ActResult(op: written, json: .object(["erase": .string(written.id.hex), "op": .string(op.id.hex)]),
                             text: "erased \(written.id.hex)  the body of \(op.header.kind) \(op.id.hex.prefix(12))… is dropped here and on every replica that syncs; its signature still verifies")
        }
    }
}
