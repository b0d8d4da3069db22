/// Department roles (RULES.md "Parties").
public enum Role: String, CaseIterable, Sendable, Codable {
    case approval, regulator, enforcement, credit, notary, oversight
}

/// Who may write which kind of operation: the one permission table
/// (DESIGN.md "Roster, roles, policy"; RULES.md rule ids in comments).
public enum Permissions {
    public enum Writer: Equatable, Sendable {
        /// Only the network's root key (the oversight office).
        case root
        /// Any admitted replica whose department has one of these roles.
        case roles(Set<Role>)
    }

    public static let table: [String: Writer] = baseTable.merging(WorkflowKinds.writers.mapValues { .roles($0) }) { a, _ in a }

    static let baseTable: [String: Writer] = [
        "roster.genesis": .root,          // R21: the oversight office opens the network
        "roster.department": .root,       // R21: accounts for departments
        "roster.admit": .root,            // R21: a department's replica key
        "roster.revoke": .root,           // R21: staff/replica changes reflected promptly
        "roster.policy": .root,           // R2, R4, R7, R11, R20 limits
        "roster.calendar": .root,         // T1: next year's official calendar
        "roster.root": .root,             // R21: rotate the oversight office's root key
        // A notary replica only syncs and witnesses (DESIGN.md "Time evidence").
        "staff.register": .roles(Set(Role.allCases).subtracting([.notary])),   // R3, R21: who signs for the department
        "staff.end": .roles(Set(Role.allCases).subtracting([.notary])),        // R3, R21: a registration ended early
        "note": .roles(Set(Role.allCases).subtracting([.notary])),
        "witness": .roles(Set(Role.allCases)),            // R24: time evidence (DESIGN.md)
    ]

    /// Why `kind` may not be written by a replica of `role` (nil: allowed).
    public static func refusal(kind: String, role: Role?, isRoot: Bool) -> String? {
        guard let w = table[kind] else { return "kind \(kind) has no writer" }
        switch w {
        case .root: return isRoot ? nil : "only the network's root key (oversight office) writes \(kind)"
        case .roles(let roles):
            if isRoot { return "the root key writes roster operations only" }
            guard let role else { return "the author is not an admitted replica" }
            return roles.contains(role) ? nil : "a \(role.rawValue) replica may not write \(kind); allowed: \(roles.map(\.rawValue).sorted().joined(separator: ", "))"
        }
    }
}
