import ShenguanCalendar
import ShenguanCrypto

/// A department's staff member (R3 签收人, R21): registered by a replica of
/// that department with `staff.register`; operations that record who acted
/// name the registration's id in their body (`"staff": id`).
public struct StaffMember: Equatable, Sendable {
    public let department: String
    public let staffNo: String
    public let name: String
    public let office: String
    public let validFrom: CivilDate
    public let validUntil: CivilDate
    /// The last day set by a `staff.end` this replica holds (the earliest,
    /// if several), when it is before `validUntil`. Not part of the body:
    /// only the store's staff list sets it, so ingest checks (which read
    /// the registration alone, PROTOCOL.md §2.7) never see it.
    public var endedOn: CivilDate?

    public init(department: String, staffNo: String, name: String, office: String, validFrom: CivilDate, validUntil: CivilDate,
                endedOn: CivilDate? = nil) {
        self.department = department; self.staffNo = staffNo; self.name = name; self.office = office
        self.validFrom = validFrom; self.validUntil = validUntil; self.endedOn = endedOn
    }

    /// The last day the member may act: `validUntil`, or the ended-on day.
    public var lastDay: CivilDate { endedOn.map { min($0, validUntil) } ?? validUntil }

    public var json: JSONValue {
        .object(["department": .string(department), "staffNo": .string(staffNo), "name": .string(name), "office": .string(office),
                 "validFrom": .string(validFrom.iso), "validUntil": .string(validUntil.iso)])
    }

    public init(json b: JSONValue) throws(OpRejection) {
        guard let o = b.objectValue, Set(o.keys) == ["department", "staffNo", "name", "office", "validFrom", "validUntil"],
              let dept = o["department"]?.stringValue, let no = o["staffNo"]?.stringValue, !no.isEmpty,
              let name = o["name"]?.stringValue, !name.isEmpty, let office = o["office"]?.stringValue,
              let from = o["validFrom"]?.stringValue.flatMap({ CivilDate(iso: $0) }),
              let until = o["validUntil"]?.stringValue.flatMap({ CivilDate(iso: $0) }), from <= until
        else {
            throw OpRejection(.invalidBody, "a staff registration is {department, staffNo, name, office, validFrom ≤ validUntil (YYYY-MM-DD)}")
        }
        self.init(department: dept, staffNo: no, name: name, office: office, validFrom: from, validUntil: until)
    }

    /// Whether the registration's own period holds the China Standard Time
    /// date of `millis`: the ingest rule (PROTOCOL.md §2.7 step 14.3),
    /// which no `staff.end` changes.
    public func isValid(atMillis millis: Int64) -> Bool {
        let d = ChinaStandardTime.civilDate(atMillis: millis)
        return validFrom <= d && d <= validUntil
    }

    /// Whether the member may sign for the department on the date of
    /// `millis`: the period, up to the ended-on day when one is known.
    /// What a replica checks before it signs, and what views mark.
    public func mayAct(atMillis millis: Int64) -> Bool {
        let d = ChinaStandardTime.civilDate(atMillis: millis)
        return validFrom <= d && d <= lastDay
    }
}

/// The body of `staff.end` (R3, R21): a department ends one of its staff
/// registrations early (a transfer, a retirement). From the day after
/// `lastDay` its own replicas no longer name the registration; an act that
/// names it later is still held (PROTOCOL.md §2.7: an end refuses nothing)
/// and is marked where it is shown.
public struct StaffEnd: Equatable, Sendable {
    public static let kind = "staff.end"
    public static let reasonMaxScalars = 200
    public let department: String
    public let registration: Digest
    public let lastDay: CivilDate
    public let reason: String

    public init(department: String, registration: Digest, lastDay: CivilDate, reason: String) {
        self.department = department; self.registration = registration; self.lastDay = lastDay; self.reason = reason
    }

    /// Whether `s` is a valid reason: text of 1 to 200 (PROTOCOL.md §4.1).
    public static func isReason(_ s: String) -> Bool { BodyReader.isText(s, max: reasonMaxScalars) }

    public var json: JSONValue {
        .object(["department": .string(department), "registration": .string(registration.hex),
                 "lastDay": .string(lastDay.iso), "reason": .string(reason)])
    }

    public init(json b: JSONValue) throws(OpRejection) {
        guard let o = b.objectValue, Set(o.keys) == ["department", "registration", "lastDay", "reason"],
              let dept = o["department"]?.stringValue, let reg = o["registration"]?.stringValue, let id = Digest(hex: reg),
              let last = o["lastDay"]?.stringValue.flatMap({ CivilDate(iso: $0) }),
              let reason = o["reason"]?.stringValue, BodyReader.isText(reason, max: Self.reasonMaxScalars)
        else {
            throw OpRejection(.invalidBody, "a staff end is {department, registration: id, lastDay: YYYY-MM-DD, reason: text of 1 to \(Self.reasonMaxScalars)}")
        }
        self.init(department: dept, registration: id, lastDay: last, reason: reason)
    }
}
