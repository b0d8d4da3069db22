import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanReplica

/// `shenguan boundary`: the 审管互动 boundary list (R18 边界清单).
struct Boundary: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boundary", abstract: "The 审管互动 boundary list (R18): which regulators each item goes to, and each side's duties.",
        discussion: "`approve` without --push-to pushes to the regulators the item's entry names.",
        subcommands: [SetEntry.self, Withdraw.self, List.self])

    struct SetEntry: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Write an item's entry (a new version superseding the one in force).",
            discussion: "Example: shenguan boundary set --item-code 370100-001 --item-name 食品经营许可 --approval-duties 审批并推送结果 --regulator-duties 认领并开展事中事后监管 --regulator market --office 市场监管局食品经营许可科")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Option(name: .customLong("item-code"), help: "The item's code (事项编码).") var itemCode: String
        @Option(name: .customLong("item-name"), help: "The item's name.") var itemName: String
        @Option(name: .customLong("power-type"), help: "The power type (权力类型).") var powerType = "行政许可"
        @Option(help: "The stage the duties apply to (环节).") var stage: String?
        @Option(name: .customLong("approval-duties"), help: "The bureau's duties (审批部门职责).") var approvalDuties: String
        @Option(name: .customLong("regulator-duties"), help: "The regulators' duties (监管部门职责).") var regulatorDuties: String
        @Option(help: "A department the item's approvals are pushed to (repeatable).") var regulator: [String] = []
        @Option(name: .customLong("push-method"), help: "How it is pushed (推送方式).") var pushMethod = "审管互动平台推送"
        @Option(help: "The responsible office (责任科室).") var office: String

        func run() throws {
            let clerk = try openClerk(global)
            var e = BoundaryInput(itemCode: itemCode, itemName: itemName, approvalDuties: approvalDuties, regulatorDuties: regulatorDuties,
                                  regulators: regulator, office: office)
            e.powerType = powerType; e.stage = stage; e.pushMethod = pushMethod
            e.staff = try who.resolved(clerk.reader)
            printResult(try clerk.setBoundary(e), global)
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take an item off the list.", discussion: "Example: shenguan boundary withdraw 370100-001 --reason 事项取消")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Argument(help: "The item's code.") var itemCode: String
        @Option(help: "Why.") var reason: String

        func run() throws {
            let clerk = try openClerk(global)
            let ops = try clerk.withdrawBoundary(itemCode: itemCode, reason: reason, staff: try who.resolved(clerk.reader))
            if global.json { printJSON(.object(["withdrawn": .array(ops.map { .string($0.id.hex) })])); return }
            for op in ops { print("withdrawn \(op.id.hex)  \(itemCode) is off the boundary list (R18)") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The list in force, for publication.", discussion: "Example: shenguan boundary list --csv > 审管互动边界清单.csv")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Comma-separated values with a header line (for publication).") var csv = false

        func run() throws {
            let (wf, items) = try ReplicaReader(store: try global.openStore(), now: try Clock.nowMillis(), department: nil).boundaryList()
            let entries = items.flatMap(\.entries)
            if global.json { printJSON(.array(entries.map { wf.json($0) })); return }
            if csv {
                print(["事项编码", "事项名称", "权力类型", "环节", "审批部门职责", "监管部门", "监管部门职责", "推送方式", "责任科室", "版本", "发布部门", "发布时间"].joined(separator: ","))
                for e in entries {
                    let b = e.body
                    let cells = [b.itemCode, b.itemName, b.powerType, b.stage ?? "", b.approvalDuties, b.regulators.map { wf.name(of: $0) }.joined(separator: "、"),
                                 b.regulatorDuties, b.pushMethod, b.office, String(wf.boundaryVersion(e.act.id)), wf.name(of: e.act.department),
                                 ChinaStandardTime.rfc3339CST(millis: e.act.time)]
                    print(cells.map(Report.csvField).joined(separator: ","))
                }
                return
            }
            if entries.isEmpty { print("the boundary list held here is empty (R18)") }
            for (code, es) in items {
                for e in es {
                    print("\(code)  \(e.body.itemName) (\(e.body.powerType)\(e.body.stage.map { " · \($0)" } ?? "")) 第\(wf.boundaryVersion(e.act.id))版 → \(e.body.regulators.map { wf.name(of: $0) }.joined(separator: "、"))")
                    print("    审批 \(e.body.approvalDuties) · 监管 \(e.body.regulatorDuties) · \(e.body.pushMethod) · \(e.body.office)")
                }
                if es.count > 1 { print("    ⚠ \(es.count) 个并存版本 concurrent versions: write one with boundary set") }
            }
        }
    }
}
