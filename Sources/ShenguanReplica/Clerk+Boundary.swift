import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// One item's entry for the 审管互动 boundary list (R18).
public struct BoundaryInput: Sendable {
    public var itemCode: String, itemName: String, powerType = "行政许可"
    /// The stage the duties apply to (e.g. 事中事后监管).
    public var stage: String?
    public var approvalDuties: String, regulatorDuties: String
    /// The departments the item's approvals are pushed to.
    public var regulators: [String]
    public var pushMethod = "审管互动平台推送", office: String
    public var staff: String?
    public init(itemCode: String, itemName: String, approvalDuties: String, regulatorDuties: String, regulators: [String], office: String) {
        self.itemCode = itemCode; self.itemName = itemName; self.approvalDuties = approvalDuties
        self.regulatorDuties = regulatorDuties; self.regulators = regulators; self.office = office
    }
}

extension ReplicaReader {
    /// The boundary list in force now (R18), by item code: what a bureau
    /// publishes. An item with two entries in force has concurrent versions.
    public func boundaryList() throws(ReplicaError) -> (workflow: Workflow, items: [(itemCode: String, entries: [Workflow.BoundaryEntry])]) {
        try run {
            let wf = try store.boundaryView(now: now).workflow
            return (wf, wf.boundaryList())
        }
    }

    /// One item's entries in force now (R18).
    public func boundaryEntries(itemCode: String) throws(ReplicaError) -> (workflow: Workflow, entries: [Workflow.BoundaryEntry]) {
        try run {
            let wf = try store.boundaryView(itemCode: itemCode, now: now).workflow
            return (wf, wf.boundaryEntries(itemCode: itemCode))
        }
    }
}

extension Clerk {
    /// Writes an item's entry in the boundary list (R18): a new version
    /// that supersedes every entry of the item in force here (so
    /// concurrent versions are resolved by writing one).
    public func setBoundary(_ e: BoundaryInput) throws(ReplicaError) -> ActResult {
        let held = try reader.boundaryEntries(itemCode: e.itemCode)
        return try run {
            let regulators = Array(Set(e.regulators)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            guard !regulators.isEmpty else {
                throw ReplicaError("boundary.no_regulator", "Name at least one --regulator the item's approvals go to (R18). Nothing was written.",
                                   zh: "请至少列明一个接收该事项审批结果的监管部门（--regulator，R18）。未写入任何内容。")
            }
            for d in regulators {
                try checkDepartment(d)
                guard Permissions.refusal(kind: WorkflowKinds.claim, role: roster.departments[d]?.role, isRoot: false) == nil else {
                    throw ReplicaError("boundary.no_regulator", "\(roster.departments[d]?.name ?? d) cannot receive pushes (R18). Nothing was written.",
                                       zh: "\(roster.departments[d]?.name ?? d) 不能接收推送（R18）。未写入任何内容。")
                }
            }
            var body: [String: JSONValue] = [
                "itemCode": .string(e.itemCode), "itemName": .string(e.itemName), "powerType": .string(e.powerType),
                "approvalDuties": .string(e.approvalDuties), "regulatorDuties": .string(e.regulatorDuties),
                "regulators": .array(regulators.map { .string($0) }), "pushMethod": .string(e.pushMethod), "office": .string(e.office)]
            if let s = e.stage { body["stage"] = .string(s) }
            let previous = held.entries.map(\.act.id).sorted()
            if !previous.isEmpty { body["supersedes"] = .array(previous.map { .string($0.hex) }) }
            _ = try BoundaryEntryBody(json: .object(body))
            let op = try append(WorkflowKinds.boundaryEntry, body, staff: try staffID(e.staff))
            let version = 1 + (held.entries.map { held.workflow.boundaryVersion($0.act.id) }.max() ?? 0)
            return ActResult(op: op, json: .object(["entry": .string(op.id.hex), "version": .int(Int64(version)), "supersedes": .array(previous.map { .string($0.hex) })]),
                             text: "boundary \(op.id.hex)  \(e.itemCode) \(e.itemName) 第\(version)版 → \(regulators.map { roster.departments[$0]?.name ?? $0 }.joined(separator: "、")) (R18)")
        }
    }

    /// Takes an item off the boundary list (R18): withdraws its entries in
    /// force here, all written by this department, in one transaction.
    public func withdrawBoundary(itemCode: String, reason: String, staff: String?) throws(ReplicaError) -> [VerifiedOp] {
        let held = try reader.boundaryEntries(itemCode: itemCode)
        return try run {
            guard !held.entries.isEmpty else {
                throw ReplicaError("boundary.not_listed", "Item \(itemCode) is not on the boundary list held here. Nothing was written.",
                                   zh: "本副本的边界清单中没有事项 \(itemCode)。未写入任何内容。")
            }
            if let other = held.entries.first(where: { $0.act.department != department }) {
                throw ReplicaError("workflow.not_addressee", "The entry of \(itemCode) was written by \(roster.departments[other.act.department]?.name ?? other.act.department); only that department withdraws it. Nothing was written.",
                                   zh: "事项 \(itemCode) 的清单条目由 \(roster.departments[other.act.department]?.name ?? other.act.department) 编制，只有该部门可以撤除。未写入任何内容。")
            }
            _ = try BoundaryWithdrawBody(json: .object(["entry": .string(String(repeating: "0", count: 64)), "reason": .string(reason)]))
            let who = try staffID(staff)
            return try appendAll(held.entries.map { e in draft(WorkflowKinds.boundaryWithdraw, staff: who) { _ in ["entry": .string(e.act.id.hex), "reason": .string(reason)] } })
        }
    }

    /// The departments an approval of `itemCode` is pushed to when the
    /// clerk names none: the boundary list's entry in force (R18).
    func routeFromBoundary(itemCode: String) throws -> [String] {
        let held = try store.boundaryView(itemCode: itemCode, now: now).workflow.boundaryEntries(itemCode: itemCode)
        guard !held.isEmpty else {
            throw ReplicaError("workflow.no_regulator", "Item \(itemCode) is not on the boundary list (R18): name each responsible regulator with --push-to (R1). Nothing was written.",
                               zh: "事项 \(itemCode) 未列入审管互动边界清单（R18）：请用 --push-to 指定每个负责监管的部门（R1）。未写入任何内容。")
        }
        guard held.count == 1 else {
            throw ReplicaError("boundary.conflict", "The boundary list holds \(held.count) concurrent versions of item \(itemCode): name the regulators with --push-to, and have the list's keeper write one version (boundary set). Nothing was written.",
                               zh: "边界清单中事项 \(itemCode) 有 \(held.count) 个并存版本：请用 --push-to 指定推送部门，并由清单编制部门重新发布一个版本（boundary set）。未写入任何内容。")
        }
        return held[0].body.regulators
    }
}
