import ShenguanCalendar

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

    public init(department: String, staffNo: String, name: String, office: String, validFrom: CivilDate, validUntil: CivilDate) {
        self.department = department; self.staffNo = staffNo; self.name = name; self.office = office
        self.validFrom = validFrom; self.validUntil = validUntil
    }

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

    /// Whether the member may act at `millis` (China Standard Time date).
    public func isValid(atMillis millis: Int64) -> Bool {
        let d = ChinaStandardTime.civilDate(atMillis: millis)
        return validFrom <= d && d <= validUntil
    }
}
