import ArgumentParser
import Foundation
import ShenguanCore
import ShenguanReplica

/// `shenguan expert`: the shared expert pool (R16 专家库).
struct Expert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expert", abstract: "The shared expert pool (R16): register, retire and list experts.",
        subcommands: [Register.self, Retire.self, List.self])

    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an expert of this department to the shared pool.",
            discussion: "Example: shenguan expert register --expert-no E0101 --name 刘洋 --field 环境影响评价 --employer 聊城大学环境学院")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Option(name: .customLong("expert-no"), help: "The expert's number in this department's pool.") var expertNo: String
        @Option(help: "Name.") var name: String
        @Option(help: "Field of expertise (draws are by field).") var field: String
        @Option(help: "Employer (for conflicts of interest).") var employer: String

        func run() throws {
            let clerk = try openClerk(global)
            var e = ExpertRegistration(expertNo: expertNo, name: name, field: field, employer: employer)
            e.staff = try who.resolved(clerk.reader)
            let res = try clerk.registerExpert(e)
            printResult(res, global)
        }
    }

    struct Retire: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take one of this department's experts out of the pool.",
            discussion: "Example: shenguan expert retire E0101 --reason 调离")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Argument(help: "The expert's number or id.") var expert: String
        @Option(help: "Why.") var reason: String

        func run() throws {
            let clerk = try openClerk(global)
            let res = try clerk.retireExpert(expert, reason: reason, staff: try who.resolved(clerk.reader))
            printResult(res, global)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the experts in the pool (not retired).",
                                                        discussion: "Example: shenguan expert list --field 环境影响评价")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this field.") var field: String?

        func run() throws {
            let experts = try ReplicaReader(store: try global.openStore(), now: try Clock.nowMillis(), department: nil).experts(field: field)
            if global.json {
                printJSON(.array(experts.map { e in
                    .object(["id": .string(e.act.id.hex), "department": .string(e.act.department), "expertNo": .string(e.body.expertNo),
                             "name": .string(e.body.name), "field": .string(e.body.field), "employer": .string(e.body.employer)])
                }))
                return
            }
            for e in experts {
                print("\(e.act.id.hex.prefix(12))  \(pad(e.act.department, 10)) \(pad(e.body.expertNo, 8)) \(pad(e.body.name, 8)) \(pad(e.body.field, 14)) \(e.body.employer)")
            }
        }
    }
}

/// `shenguan draw`: verifiable expert draws (R16 随机抽取).
struct Draw: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw", abstract: "Expert draws (R16): the bureau requests, the participants commit and reveal; anyone can recheck.",
        subcommands: [Request.self, Commit.self, Reveal.self])

    struct Request: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Request a draw of experts of a field, with exclusions and the departments that make the randomness (bureau).",
            discussion: "Example: shenguan draw request --topic 化工园区扩建项目专家评审 --field 环境影响评价 --count 2 --participant bureau --participant ecology --exclude 'E0102=受聘于申请单位'")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Option(help: "What the experts are for.") var topic: String
        @Option(help: "The field drawn from.") var field: String
        @Option(help: "How many experts (1 to 9).") var count: Int
        @Option(name: .customLong("participant"), help: "A department that commits and reveals (at least two; repeat).") var participants: [String] = []
        @Option(name: .customLong("exclude"), help: "EXPERT=REASON: an expert left out (回避), by number or id (repeat).") var exclude: [String] = []
        @Option(help: "The special review it is for (id or prefix).") var review: String?

        func validate() throws {
            for e in exclude where !e.contains("=") { throw ValidationError("--exclude takes EXPERT=REASON, e.g. E0102=受聘于申请单位") }
        }

        func run() throws {
            let clerk = try openClerk(global)
            var d = DrawInput(topic: topic, field: field, count: count, participants: participants)
            d.excluded = exclude.map { e in let p = e.split(separator: "=", maxSplits: 1); return (String(p[0]), String(p[1])) }
            d.review = review; d.staff = try who.resolved(clerk.reader)
            let res = try clerk.requestDraw(d)
            printResult(res, global)
        }
    }

    struct Commit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Commit this department to its secret for a draw it takes part in.",
            discussion: "Example: shenguan draw commit 6f1c2a9e")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Argument(help: "The draw request id or prefix.") var request: String

        func run() throws {
            let clerk = try openClerk(global)
            let res = try clerk.commitDraw(request, staff: try who.resolved(clerk.reader))
            printResult(res, global)
        }
    }

    struct Reveal: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reveal this department's secret once every commitment is held; the last reveal completes the draw.",
            discussion: "Example: shenguan draw reveal 6f1c2a9e   (then: shenguan evidence 6f1c2a9e --out draw.json; shenguan-verify draw.json)")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Argument(help: "The draw request id or prefix.") var request: String

        func run() throws {
            let clerk = try openClerk(global)
            let res = try clerk.revealDraw(request, staff: try who.resolved(clerk.reader))
            printResult(res, global)
        }
    }
}
