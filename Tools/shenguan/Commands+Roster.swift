import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanReplica
import ShenguanCrypto
import ShenguanStore

/// `shenguan roster`: who is in the network, as this replica knows it (R21).
struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "roster", abstract: "Show the network's departments, replica keys and roster version.", discussion: "Example: shenguan roster")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let r = try ReplicaReader(store: try global.openStore(), now: try Clock.nowMillis(), department: nil).roster()
        let depts = r.departments.values.sorted { $0.id < $1.id }
        let reps = r.replicas.values.sorted { ($0.department, $0.key) < ($1.department, $1.key) }
        if global.json {
            printJSON(["network": .string(r.network), "version": .int(r.version), "root": .string(r.root.base64url),
                       "policy": .string(r.policy.profile), "calendarYears": .array(r.calendarYears.keys.sorted().map { .int(Int64($0)) }),
                       "departments": .array(depts.map(RosterOps.json(department:))),
                       "replicas": .array(reps.map { .object(["key": .string($0.key.base64url), "department": .string($0.department),
                                                              "admittedAt": .int($0.admittedAt), "revokedAt": $0.revokedAt.map { .int($0) } ?? .null]) })])
            return
        }
        print("network \(r.network)  roster version \(r.version)  policy \(r.policy.profile)  calendar \(r.calendarYears.keys.sorted().map(String.init).joined(separator: ","))")
        for d in depts {
            print("  \(pad(d.id, 12)) \(pad(d.name, 24)) \(d.role.rawValue)")
            for k in reps where k.department == d.id {
                print("      key \(k.key.base64url)  admitted v\(k.admittedAt)\(k.revokedAt.map { "  REVOKED v\($0)" } ?? "")")
            }
        }
    }
}

/// `shenguan policy show`: the active policy with its citations (R2, R4, R7, R11, R20).
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "policy", abstract: "Show the active policy with rule ids and citations.", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the network's policy, or a built-in profile.", discussion: "Example: shenguan policy show --profile linzi")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Show a built-in profile instead of the replica's policy.") var profile: String?
        @Option(help: "Check and show a custom policy file.") var file: String?

        func run() throws {
            let p: Policy
            if profile != nil || file != nil {
                p = try loadPolicy(profile: profile ?? "liaocheng", file: file)
            } else {
                p = try ReplicaReader(store: try global.openStore(), now: try Clock.nowMillis(), department: nil).roster().policy
            }
            if global.json { printJSON(p.json); return }
            print("policy \(p.profile)")
            for (name, l) in p.limits {
                let n = l.workingDays == 0 ? "即时 (same day)" : "\(l.workingDays) working days"
                print("  \(pad(name, 17)) \(pad(n, 18)) \(l.rule)  \(l.citation)\(l.localChoice ? "  [local choice]" : "")")
            }
            print("  grace            \(p.graceMillis / 60_000) min   max clock skew \(p.maxSkewMillis / 1000) s")
        }
    }
}

/// `shenguan staff`: a department's staff who sign for it (R3 签收人, R21).
struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "staff", abstract: "Register and list the staff who act for this department (R3).",
                                                    subcommands: [Add.self, End.self, List.self, Default.self, Password.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a staff member of this replica's department (staff.register).", discussion: "Example: shenguan staff add --staff-no 0042 --name 王芳 --office 登记科 --from 2026-01-01 --until 2026-12-31")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("staff-no"), help: "Staff number.") var staffNo: String
        @Option(help: "Name.") var name: String
        @Option(help: "Office (科室).") var office: String
        @Option(help: "Valid from, YYYY-MM-DD.") var from: String
        @Option(help: "Valid until, YYYY-MM-DD.") var until: String

        func run() throws {
            guard let validFrom = try civilDate(from, field: "from"), let validUntil = try civilDate(until, field: "until") else { return }
            let op = try openClerk(global).registerStaff(StaffRegistration(staffNo: staffNo, name: name, office: office,
                                                                           validFrom: validFrom, validUntil: validUntil))
            report(global, op, "Registered \(name) (\(staffNo)); cite as --staff \(staffNo)")
        }
    }

    struct End: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a staff registration of this department early (staff.end): from the day after --last-day it no longer signs.",
            discussion: "Example: shenguan staff end 0042 --last-day 2026-12-04 --reason 调离")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The staff number (or registration id prefix).") var staff: String
        @Option(name: .customLong("last-day"), help: "The last day the registration signs, YYYY-MM-DD.") var lastDay: String
        @Option(help: "Why the registration ends (e.g. 调离, 退休).") var reason: String

        func run() throws {
            guard let day = try civilDate(lastDay, field: "last-day") else { return }
            let op = try openClerk(global).endStaff(staff, lastDay: day, reason: reason)
            report(global, op, "Ended staff \(staff)'s registration: its last day is \(day.iso)")
        }
    }

    struct Default: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the staff number that acts for this account when --staff is not given (R3).",
            discussion: "Example: shenguan staff default B001   (shenguan staff default --clear removes it)")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A staff number of this department.") var staffNo: String?
        @Flag(help: "Remove this account's default.") var clear = false

        func validate() throws {
            guard (staffNo == nil) == clear else { throw ValidationError("Give a staff number, or --clear.") }
        }

        func run() throws {
            try openClerk(global).setDefaultStaff(staffNo, user: NSUserName())
            if global.json { printJSON(.object(["user": .string(NSUserName()), "staff": staffNo.map { .string($0) } ?? .null])); return }
            print(staffNo.map { "\(NSUserName()) now acts as staff \($0) by default" } ?? "\(NSUserName()) has no default staff number")
        }
    }

    struct Password: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the web-interface password of a staff member of this department (审管工作台 sign-in); their sessions end.",
            discussion: "Example: shenguan staff password 0042   (typed twice at the terminal, or from $SHENGUAN_STAFF_PASSWORD)")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A staff number of this department, registered today.") var staffNo: String

        func run() throws {
            let env = ProcessInfo.processInfo.environment["SHENGUAN_STAFF_PASSWORD"] ?? ""
            let password = env.isEmpty ? try Passphrase.prompt("Web password for staff \(staffNo): ", confirm: true) : env
            try openClerk(global).setWebPassword(staffNo: staffNo, password: password)
            if global.json { printJSON(.object(["staff": .string(staffNo), "password": "set"])); return }
            print("Staff \(staffNo) can now sign in to the web interface (shenguan serve --ui)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered staff.", discussion: "Example: shenguan staff list")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let rows = try ReplicaReader(store: try global.openStore(), now: try Clock.nowMillis(), department: nil).staff().map { ($0.id, $0.member) }
            if global.json {
                printJSON(.array(rows.map {
                    var o = $0.1.json.objectValue!; o["id"] = .string($0.0); o["endedOn"] = $0.1.endedOn.map { .string($0.iso) } ?? .null
                    return .object(o)
                }))
                return
            }
            for (id, m) in rows {
                let ended = m.endedOn.map { "  已终止（最后一日 \($0.iso)）" } ?? ""
                print("\(id.prefix(12))  \(pad(m.department, 10)) \(pad(m.staffNo, 8)) \(pad(m.name, 10)) \(pad(m.office, 14)) \(m.validFrom.iso)…\(m.validUntil.iso)\(ended)")
            }
        }
    }
}
