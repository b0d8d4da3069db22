import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanReplica

/// `shenguan calendar`: the official working-day calendar (RULES.md T1, T2).
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Count working-day limits on the official calendar (T1, T2).",
        subcommands: [Due.self, ShowYear.self])

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The limit of N working days after an event: its last day and its exclusive end instant (T2).", discussion: "Example: shenguan calendar due --from 2026-09-30T16:00:00+08:00 --working-days 2")
        @Option(help: "The event instant, RFC 3339 (e.g. 2026-09-30T16:00:00+08:00).") var from: String
        @Option(name: .customLong("working-days"), help: "N, the limit in working days (≥ 1).") var workingDays: Int
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            guard let ms = ChinaStandardTime.parseRFC3339(from) else {
                throw ReplicaError("calendar.bad_instant", "--from \(from) is not an RFC 3339 instant such as 2026-09-30T16:00:00+08:00.")
            }
            let due = try OfficialCalendar.calendar.due(fromMillis: ms, workingDays: workingDays)
            if json {
                printJSON(["from": .string(ChinaStandardTime.rfc3339CST(millis: ms)), "eventDay": .string(due.eventDay.iso),
                           "workingDays": .int(Int64(workingDays)), "lastDay": .string(due.lastDay.iso),
                           "deadline": .string(due.deadlineRFC3339), "deadlineMillis": .int(due.deadlineMillis),
                           "countedDays": .array(due.countedDays.map { .string($0.iso) }), "rule": "T2"])
            } else {
                print("event day     \(due.eventDay.iso) (not counted, T2)")
                print("counted       \(due.countedDays.map(\.iso).joined(separator: ", "))")
                print("last day      \(due.lastDay.iso)")
                print("limit ends    \(due.deadlineRFC3339) (24:00 CST of the last day; exclusive)")
            }
        }
    }

    struct ShowYear: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "A year's holidays and adjusted working days, with the notice they come from (T1).", discussion: "Example: shenguan calendar show 2026")
        @Argument(help: "The year, e.g. 2026; omit with --json for every year.") var year: Int?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let all = OfficialCalendar.builtInYears
            let years = try year.map { y in
                guard let t = OfficialCalendar.calendar.table(for: y) else { throw CalendarError.noTableForYear(y) }
                return [t]
            } ?? all
            if json {
                let enc = JSONEncoder(); enc.outputFormatting = [.sortedKeys]
                print(String(decoding: try enc.encode(years), as: UTF8.self))
                return
            }
            for t in years {
                print("\(t.year)  \(t.source)")
                print("  holidays (\(t.holidays.count)):             \(t.holidays.map(\.iso).joined(separator: " "))")
                print("  adjusted working days (\(t.adjustedWorkingDays.count)): \(t.adjustedWorkingDays.map(\.iso).joined(separator: " "))")
            }
        }
    }
}
