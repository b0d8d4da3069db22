import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// A staff member to register (R3 签收人, R21).
public struct StaffRegistration: Sendable {
    public var staffNo: String, name: String, office: String
    public var validFrom: CivilDate, validUntil: CivilDate
    public init(staffNo: String, name: String, office: String, validFrom: CivilDate, validUntil: CivilDate) {
        self.staffNo = staffNo; self.name = name; self.office = office; self.validFrom = validFrom; self.validUntil = validUntil
    }
}

extension Clerk {
    /// Registers a staff member of this department. A staff number is
    /// unique in a department: a second registration whose period overlaps
    /// one held is refused (a later period, e.g. after a transfer back, is
    /// allowed).
    public func registerStaff(_ r: StaffRegistration) throws(ReplicaError) -> VerifiedOp {
        try run {
            guard r.validFrom <= r.validUntil else {
                throw ReplicaError("staff.period", "The registration ends (\(r.validUntil.iso)) before it starts (\(r.validFrom.iso)).",
                                   zh: "登记的结束日期（\(r.validUntil.iso)）早于开始日期（\(r.validFrom.iso)）。")
            }
            for (id, m) in try store.staff(department: department) where m.staffNo == r.staffNo {
                // An ended registration holds its number up to its last day only.
                if m.validFrom <= r.validUntil && r.validFrom <= m.lastDay {
                    throw ReplicaError("staff.duplicate", "Staff number \(r.staffNo) of \(department) is already registered to \(m.name) from \(m.validFrom.iso) to \(m.lastDay.iso) [\(id.prefix(12))]; nothing was written.",
                                       zh: "\(department) 的工号 \(r.staffNo) 已登记给 \(m.name)（\(m.validFrom.iso) 至 \(m.lastDay.iso)），未写入任何内容。")
                }
            }
            // The store checks the body's schema before it signs.
            let member = StaffMember(department: department, staffNo: r.staffNo, name: r.name, office: r.office,
                                     validFrom: r.validFrom, validUntil: r.validUntil)
            return try home.append(store: store, key: key, kind: RosterOps.staff, body: member.json, now: now)
        }
    }

    /// Ends a registration of this department early (`staff.end`): from the
    /// day after `lastDay` it no longer signs for the department (R3, R21).
    /// `staff` is a staff number (its registration valid on `lastDay`, or
    /// the latest one) or a registration id prefix.
    public func endStaff(_ staff: String, lastDay: CivilDate, reason: String) throws(ReplicaError) -> VerifiedOp {
        try run {
            let mine = try store.staff(department: department)
            let byNo = mine.filter { $0.1.staffNo == staff }
            let hit = byNo.first { $0.1.validFrom <= lastDay && lastDay <= $0.1.lastDay } ?? byNo.last
                ?? (staff.count >= 4 ? mine.first { $0.0.hasPrefix(staff.lowercased()) } : nil)
            guard let (id, m) = hit else { _ = try staffID(staff); throw ReplicaError("staff.unknown", "\(staff) is not registered.") }
            guard lastDay < m.lastDay else {
                let already = m.endedOn != nil ? "was ended with last day \(m.lastDay.iso)" : "runs until \(m.validUntil.iso)"
                throw ReplicaError("staff.end_late", "\(m.name) (\(m.staffNo))'s registration \(already); an end's last day must come before that. Nothing was written.",
                                   zh: "\(m.name)（\(m.staffNo)）的登记\(m.endedOn != nil ? "已终止，最后一日为 \(m.lastDay.iso)" : "有效至 \(m.validUntil.iso)")；终止的最后一日须早于该日。未写入任何内容。")
            }
            guard StaffEnd.isReason(reason) else {
                throw ReplicaError("staff.reason", "Give the reason for ending the registration (1 to \(StaffEnd.reasonMaxScalars) characters, e.g. 调离). Nothing was written.",
                                   zh: "请填写终止登记的原因（1 至 \(StaffEnd.reasonMaxScalars) 个字符，如“调离”）。未写入任何内容。")
            }
            let end = StaffEnd(department: department, registration: Digest(hex: id)!, lastDay: lastDay, reason: reason)
            return try home.append(store: store, key: key, kind: RosterOps.staffEnd, body: end.json, now: now)
        }
    }

    /// The registration of a staff number of this department valid today,
    /// or of a registration id (prefix); nil for nil.
    func staffID(_ s: String?) throws -> Digest? {
        guard let s, !s.isEmpty else { return nil }
        let today = ChinaStandardTime.civilDate(atMillis: now)
        let mine = try store.staff(department: department)
        let byNo = mine.filter { $0.1.staffNo == s }
        if let valid = byNo.first(where: { $0.1.validFrom <= today && today <= $0.1.lastDay }) { return Digest(hex: valid.0)! }
        if let m = byNo.last?.1, let ended = m.endedOn, ended < today {
            throw ReplicaError("staff.ended", "Staff number \(s) (\(m.name))'s registration was ended: its last day was \(ended.iso) (R3). Nothing was written.",
                               zh: "工号 \(s)（\(m.name)）的登记已终止，最后一日为 \(ended.iso)（R3）。未写入任何内容。")
        }
        if let m = byNo.first?.1 {
            throw ReplicaError("staff.invalid", "Staff number \(s) (\(m.name)) is registered from \(m.validFrom.iso) to \(m.validUntil.iso), not today (\(today.iso)) (R3).",
                               zh: "工号 \(s)（\(m.name)）的登记有效期为 \(m.validFrom.iso) 至 \(m.validUntil.iso)，今天（\(today.iso)）不在期内（R3）。")
        }
        if s.count >= 4, let hit = mine.first(where: { $0.0.hasPrefix(s.lowercased()) }) {
            if let ended = hit.1.endedOn, ended < today {
                throw ReplicaError("staff.ended", "Registration \(hit.0.prefix(12)) (\(hit.1.name), \(hit.1.staffNo)) was ended: its last day was \(ended.iso) (R3). Nothing was written.",
                                   zh: "登记 \(hit.0.prefix(12))（\(hit.1.name)，工号 \(hit.1.staffNo)）已终止，最后一日为 \(ended.iso)（R3）。未写入任何内容。")
            }
            return Digest(hex: hit.0)!
        }
        let known = mine.map { "\($0.1.staffNo) \($0.1.name)" }.joined(separator: ", ")
        throw ReplicaError("staff.unknown", "\(s) is not a staff number of \(department)\(known.isEmpty ? " (no staff registered yet: shenguan staff add)" : "; registered: \(known)").",
                           zh: "\(s) 不是 \(department) 登记的工号\(known.isEmpty ? "（尚未登记任何人员：shenguan staff add）" : "；已登记：\(known)")。")
    }

    /// The staff member who signs for an act R3 covers (a claim): required.
    func requiredStaff(_ s: String?, act: String) throws -> Digest {
        guard let id = try staffID(s) else {
            throw ReplicaError("staff.required", "A \(act) records who signed for it (R3): give --staff with your staff number, or set a default with `shenguan staff default <number>`. Nothing was written.",
                               zh: "\(act == "claim" ? "认领" : act)须记录签收人（R3）：请用 --staff 填写工号，或用 shenguan staff default <工号> 设置默认值。未写入任何内容。")
        }
        return id
    }

    /// Sets (or with nil clears) the staff number that acts by default for
    /// `user` (the operating-system account or web sign-in) on this replica.
    public func setDefaultStaff(_ staffNo: String?, user: String) throws(ReplicaError) {
        try run {
            if let staffNo { _ = try staffID(staffNo) }
            try store.setMeta("staff.default." + user, staffNo ?? "")
        }
    }
}

extension ReplicaReader {
    /// Who acts when a front end does not say (R3): the staff number given
    /// explicitly, else the one from the environment (`$SHENGUAN_STAFF`),
    /// else `user`'s default on this replica; nil when none is known (a
    /// write that R3 covers then refuses with `staff.required`).
    public func actingStaff(_ explicit: String?, environment: String?, user: String) throws(ReplicaError) -> String? {
        if let explicit, !explicit.isEmpty { return explicit }
        if let environment, !environment.isEmpty { return environment }
        return try defaultStaff(user: user)
    }

    /// The staff number that acts by default for `user`, if one is set.
    public func defaultStaff(user: String) throws(ReplicaError) -> String? {
        do { return try store.meta("staff.default." + user).flatMap { $0.isEmpty ? nil : $0 } } catch { throw ReplicaError.wrap(error) }
    }
}
