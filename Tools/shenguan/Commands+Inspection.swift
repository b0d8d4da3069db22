import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanReplica

/// `shenguan inspect`: joint site inspections (R14 联合勘验).
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Joint site inspections (R14): notice one working day ahead, a joint report signed by both.",
        subcommands: [Notice.self, Report.self, Countersign.self])

    struct Notice: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Announce a joint site inspection to a regulator, at least one working day before the visit (bureau).",
            discussion: "Example: shenguan inspect notice --to market --visit-date 2026-10-12 --place 东昌府区古楼街道 --subject 食品经营场所现场核查 --approval JY137150001")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Option(help: "The regulator that inspects with the bureau.") var to: String
        @Option(name: .customLong("visit-date"), help: "The day of the site visit, YYYY-MM-DD.") var visitDate: String
        @Option(help: "Where.") var place: String
        @Option(help: "What is inspected.") var subject: String
        @Option(help: "The licence concerned: id, prefix or licence number.") var approval: String?

        func run() throws {
            guard let day = try civilDate(visitDate, field: "visit-date") else { return }
            let clerk = try openClerk(global)
            var r = InspectionRequest(to: to, visitDate: day, place: place, subject: subject)
            r.approval = approval; r.staff = try who.resolved(clerk.reader)
            let res = try clerk.noticeInspection(r)
            if global.json {
                printJSON(.object(["notice": .string(res.op.id.hex), "noticeLimit": res.verdict.map { Workflow.json($0) } ?? .null]))
                return
            }
            let limit = res.verdict.map { " · notice limit \(ClerkTime.limit($0.due, now: clerk.now)): \(ClerkWords.noticeLimit($0))" } ?? ""
            print("notice \(res.op.id.hex)  → \(res.workflow.name(of: to)), visit \(day.iso) (R14)\(limit)")
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the joint report of an inspection this department announced; the regulator countersigns it.",
            discussion: "Example: shenguan inspect report 5be1c0a2 --findings 经营场所与申请材料一致 --result 符合条件")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Argument(help: "The notice id or prefix.") var notice: String
        @Option(help: "What was found.") var findings: String
        @Option(help: "The conclusion.") var result: String?

        func run() throws {
            let clerk = try openClerk(global)
            let res = try clerk.reportInspection(notice, findings: findings, result: result, staff: try who.resolved(clerk.reader))
            printResult(res, global)
        }
    }

    struct Countersign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Countersign the joint report of an inspection this department was notified of (regulator).",
            discussion: "Example: shenguan inspect countersign 77c0d1e4 --agree   (or --disagree --text 理由)")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Argument(help: "The report id or prefix.") var report: String
        @Flag(help: "Agree with the report.") var agree = false
        @Flag(help: "Do not agree (give --text).") var disagree = false
        @Option(help: "Remarks; the reasons when not agreeing.") var text: String?

        func validate() throws {
            guard agree != disagree else { throw ValidationError("Give exactly one of --agree or --disagree.") }
        }

        func run() throws {
            let clerk = try openClerk(global)
            let res = try clerk.countersignInspection(report, agree: agree, text: text, staff: try who.resolved(clerk.reader))
            printResult(res, global)
        }
    }
}

/// `shenguan liaison`: liaison officers (R15 联络员).
struct Liaison: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "liaison", abstract: "Liaison officers (R15): the bureau asks a day ahead, the regulator names a qualified officer.",
        subcommands: [Request.self, Appoint.self])

    struct Request: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask a regulator for a liaison officer, at least a day before the day needed (bureau).",
            discussion: "Example: shenguan liaison request --to market --needed-on 2026-10-14 --purpose 联合勘验现场核查 --notice 5be1c0a2")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Option(help: "The regulator asked.") var to: String
        @Option(name: .customLong("needed-on"), help: "The day the officer is needed, YYYY-MM-DD.") var neededOn: String
        @Option(help: "What for.") var purpose: String
        @Option(help: "The inspection notice it is for (id or prefix).") var notice: String?

        func run() throws {
            guard let day = try civilDate(neededOn, field: "needed-on") else { return }
            let clerk = try openClerk(global)
            let res = try clerk.requestLiaison(to: to, neededOn: day, purpose: purpose, notice: notice, staff: try who.resolved(clerk.reader))
            printResult(res, global)
        }
    }

    struct Appoint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Name this department's liaison officer for a request (at least 2 years in the department).",
            discussion: "Example: shenguan liaison appoint 3e9f02aa --officer 0042 --phone 0635-8888888")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Argument(help: "The request id or prefix.") var request: String
        @Option(help: "The officer's staff number.") var officer: String
        @Option(help: "The officer's phone.") var phone: String?

        func run() throws {
            let clerk = try openClerk(global)
            let res = try clerk.appointLiaison(request, officer: officer, phone: phone, staff: try who.resolved(clerk.reader))
            printResult(res, global)
        }
    }
}

/// `shenguan review`: special reviews (R13 专项审查).
struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "Special reviews (R13): opinions by the meeting day, silence is consent, minutes to all.",
        subcommands: [Convene.self, Opinion.self, Minutes.self, Ack.self])

    struct Convene: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convene a special review of a major item with the departments concerned (bureau).",
            discussion: "Example: shenguan review convene --topic 化工项目安全条件审查 --scope workSafety --participant ecology --participant market --meeting-date 2026-10-13 --approval JY137150001\nScopes: \(ReviewConveneBody.scopes.joined(separator: ", ")).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Option(help: "The topic.") var topic: String
        @Option(help: "What makes the item major: \(ReviewConveneBody.scopes.joined(separator: ", ")).") var scope: String
        @Option(name: .customLong("participant"), help: "A department that reviews (repeat).") var participants: [String] = []
        @Option(name: .customLong("meeting-date"), help: "The meeting day, YYYY-MM-DD: opinions are due by its end.") var meetingDate: String
        @Option(help: "The licence concerned: id, prefix or licence number.") var approval: String?

        func run() throws {
            guard let day = try civilDate(meetingDate, field: "meeting-date") else { return }
            let clerk = try openClerk(global)
            var r = ReviewRequest(topic: topic, scope: scope, participants: participants, meetingDate: day)
            r.approval = approval; r.staff = try who.resolved(clerk.reader)
            let res = try clerk.conveneReview(r)
            printResult(res, global)
        }
    }

    struct Opinion: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give this department's opinion on a review it takes part in: agree, object or absent (with reasons).",
            discussion: "Example: shenguan review opinion 4d2a91c0 --position object --text 选址距水源地不足1公里")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Argument(help: "The review id or prefix.") var review: String
        @Option(help: "agree, object or absent.") var position: String
        @Option(help: "The reasons (required when objecting or absent).") var text: String?

        func run() throws {
            let clerk = try openClerk(global)
            let res = try clerk.giveOpinion(review, position: position, text: text, staff: try who.resolved(clerk.reader))
            printResult(res, global)
        }
    }

    struct Minutes: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue the minutes of a review this bureau convened: agreed, or escalated to the city government.",
            discussion: "Example: shenguan review minutes 4d2a91c0 --outcome escalated --escalate-to gov --text 生态环境局反对，报市政府决定")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Argument(help: "The review id or prefix.") var review: String
        @Option(help: "agreed or escalated.") var outcome: String
        @Option(help: "The minutes.") var text: String
        @Option(name: .customLong("escalate-to"), help: "The city government's department (with --outcome escalated).") var escalateTo: String?

        func run() throws {
            let clerk = try openClerk(global)
            let res = try clerk.issueMinutes(review, outcome: outcome, text: text, escalateTo: escalateTo, staff: try who.resolved(clerk.reader))
            printResult(res, global)
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Acknowledge minutes issued to this department.",
            discussion: "Example: shenguan review ack 9b01e7f3")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Argument(help: "The minutes id or prefix.") var minutes: String

        func run() throws {
            let clerk = try openClerk(global)
            let res = try clerk.acknowledgeMinutes(minutes, staff: try who.resolved(clerk.reader))
            printResult(res, global)
        }
    }
}
