import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanReplica
import ShenguanCrypto
import ShenguanStore

/// `shenguan network`: the oversight office's roster (DESIGN.md "Roster,
/// roles, policy"; RULES.md R21). Every change is an operation signed by the
/// root key, which lives only on the oversight replica (`root.key`).
struct NetworkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Open a network and keep its roster (oversight office, root key).",
        subcommands: [Create.self, Admit.self, AddDepartment.self, Revoke.self, SetPolicy.self, PublishCalendar.self, RotateRoot.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "init", abstract: "Create the root key, the genesis roster and the oversight replica.", discussion: "Example: shenguan network init --home ~/oversight --name 聊城审管互动 --profile liaocheng")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The network's name.") var name: String
        @Option(help: "Built-in policy profile: liaocheng, linzi or nantong.") var profile = "liaocheng"
        @Option(help: "A custom policy file (JSON) instead of --profile.") var policyFile: String?
        @Option(help: "The oversight department's id.") var departmentId = "oversight"
        @Option(help: "The oversight department's name.") var departmentName = "市人民政府办公室"

        func run() throws {
            let policy = try loadPolicy(profile: profile, file: policyFile)
            let passphrase = try Passphrase.obtain(confirm: true)
            let rootPassphrase = try Passphrase.obtainRoot(confirm: true)
            let home = ReplicaHome(path: global.resolvedHome)
            let (network, root) = try Oversight.createNetwork(home: home, name: name, policy: policy, departmentID: departmentId, departmentName: departmentName,
                                                              passphrase: passphrase, rootPassphrase: rootPassphrase, now: try Clock.nowMillis())
            let file = home.genesisPath
            if global.json {
                printJSON(["network": .string(network.hex), "genesis": .string(file), "root": .string(root.base64url)])
            } else {
                print("Opened network \(name) (\(policy.profile) policy)")
                print("  network id  \(network.hex)")
                print("  genesis     \(file)")
                print("  next        add the departments (shenguan network add-department), then")
                print("              shenguan export --home \(global.resolvedHome) --out roster.jsonl")
                print("              and give roster.jsonl to every department (shenguan init --genesis roster.jsonl)")
                print("  root key    \(home.rootKeyPath) (encrypted, mode 0600; keep it offline)")
            }
        }
    }

    struct Admit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Admit a replica key from its join request (roster.admit).", discussion: "Example: shenguan network admit --home ~/oversight join-request.json")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The join-request.json a new replica wrote.") var request: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: request) else { throw ReplicaError("cli.unreadable", "Cannot read \(request).") }
            let join = try JoinRequest(bytes: [UInt8](data))
            let op = try openOversight(global).admit(join)
            report(global, op, "Admitted \(join.key.base64url.prefix(12))… to \(join.department). Send the roster (shenguan export) to the new replica.")
        }
    }

    struct AddDepartment: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a department with its role (roster.department).", discussion: "Example: shenguan network add-department --home ~/oversight --id market --name 市市场监督管理局 --role regulator")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Id, [a-z0-9-]{1,32}.") var id: String
        @Option(help: "Chinese name, e.g. 市市场监督管理局.") var name: String
        @Option(help: "The department's role.") var role: Role

        func run() throws {
            let op = try openOversight(global).addDepartment(id: id, name: name, role: role)
            report(global, op, "Added department \(id) (\(name), \(role)).")
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a replica key (roster.revoke).", discussion: "Example: shenguan network revoke --home ~/oversight --key KEY --reason 设备遗失")
        @OptionGroup var global: GlobalOptions
        // Base64url keys may begin with "-": read the value unconditionally.
        @Option(parsing: .unconditional, help: "The replica's public key (base64url, as `shenguan roster` shows it).") var key: String
        @Option(help: "Why (kept in the roster).") var reason = "revoked"

        func run() throws {
            let op = try openOversight(global).revoke(key: key, reason: reason)
            report(global, op, "Revoked \(key.prefix(12))…; its operations that build on this roster are refused.")
        }
    }

    struct SetPolicy: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "policy", abstract: "Change the network's policy (roster.policy).", discussion: "Example: shenguan network policy --home ~/oversight --profile linzi")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Built-in profile.") var profile: String?
        @Option(help: "Custom policy file (JSON).") var file: String?

        func run() throws {
            let p = try loadPolicy(profile: profile ?? "liaocheng", file: file)
            let op = try openOversight(global).setPolicy(p)
            report(global, op, "Policy is now \(p.profile).")
        }
    }

    struct PublishCalendar: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calendar", abstract: "Publish a year's official calendar (roster.calendar, T1).",
            discussion: """
                A yearly task of the oversight office: when the State Council General Office publishes the
                holiday notice (国务院办公厅关于XXXX年部分节假日安排的通知, usually in November), sign the
                year's table and export the roster to every department. Until then, limits reaching that year
                are judged on the provisional rule (weekends only) and marked 暂定; they are judged again,
                exactly, once the table is held (PROTOCOL.md §4.2).
                Example: shenguan network calendar --home ~/oversight 2027.json
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "JSON file: {year, source, holidays: [YYYY-MM-DD], adjustedWorkingDays: [...]}.") var file: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file), let v = try? CanonicalJSON.parse([UInt8](data)) else {
                throw ReplicaError("cli.unreadable", "\(file) is not a readable JSON file.")
            }
            let year = try RosterOps.calendarYear(v)
            let op = try openOversight(global).publishCalendar(year)
            report(global, op, "Published the \(year.year) calendar (\(year.source)).")
        }
    }
}

extension NetworkCommand {
    struct RotateRoot: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-root",
            abstract: "Replace the root key (roster.root): the old key signs the hand-over, the new one signs every later roster change.", discussion: "Example: shenguan network rotate-root --home ~/oversight")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let passphrase = try Passphrase.obtainRoot()
            let (op, next, retired) = try openOversight(global, rootPassphrase: passphrase).rotateRoot(passphrase: passphrase)
            report(global, op, "Rotated the root key to \(next.base64url.prefix(12))…; " + (retired.map { "the old key is kept as \($0) and no longer signs roster changes." }
                ?? "the key files could not be renamed yet: the next roster command finishes it (root-next.key is the new key)."))
        }
    }
}

/// The oversight office's session (root key unlocked) on the replica of `--home`.
func openOversight(_ g: GlobalOptions, rootPassphrase: String? = nil) throws -> Oversight {
    try Oversight.open(home: ReplicaHome(path: g.resolvedHome), now: try Clock.nowMillis()) { try rootPassphrase ?? Passphrase.obtainRoot() }
}

extension Role: ExpressibleByArgument {}

func report(_ g: GlobalOptions, _ op: VerifiedOp, _ text: String) {
    if g.json { printJSON(["id": .string(op.id.hex), "kind": .string(op.header.kind), "seq": .int(op.header.seq)]) } else { print(text + "  (\(op.id.hex.prefix(12))…)") }
}

func loadPolicy(profile: String, file: String?) throws -> Policy {
    if let file {
        guard let data = FileManager.default.contents(atPath: file) else { throw ReplicaError("cli.unreadable", "Cannot read \(file).") }
        let v: JSONValue
        do { v = try CanonicalJSON.parse([UInt8](data)) } catch { throw ReplicaError("policy.invalid", "\(file) is not valid JSON: \(error)") }
        do { return try Policy(json: v) } catch { throw ReplicaError(error.code, error.description) }
    }
    guard let p = Policy.profiles[profile] else {
        throw ReplicaError("policy.unknown_profile", "No policy profile \(profile): choose \(Policy.profiles.keys.sorted().joined(separator: ", ")) or --policy-file.")
    }
    return p
}
