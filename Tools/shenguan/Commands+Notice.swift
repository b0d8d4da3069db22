import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanReplica

/// `shenguan notice`: documents, meetings, training and item changes sent to
/// the other side and acknowledged (R19).
struct NoticeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notice", abstract: "Notices (R19): documents, meetings, training and item changes, sent and acknowledged.",
        subcommands: [Send.self, Ack.self])

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a notice: a document with its issue, the rest before their day.",
            discussion: """
                --category: document (the day it is issued or forwarded), meeting or training (the day it is held), \
                itemAdded, itemRemoved or itemChanged (the day it takes effect, with --item-code).
                Example: shenguan notice send --category training --title 食品安全监管业务培训 --text … --to bureau --date 2026-10-15 --place 市民中心三楼
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Option(help: "document, meeting, training, itemAdded, itemRemoved or itemChanged.") var category: String
        @Option(help: "Title.") var title: String
        @Option(help: "Text.") var text: String
        @Option(help: "A department it is sent to (repeatable).") var to: [String] = []
        @Option(help: "The document's, meeting's or training's day, or the day an item change takes effect (YYYY-MM-DD).") var date: String
        @Option(help: "Where a meeting or training is held.") var place: String?
        @Option(name: .customLong("item-code"), help: "The approval item added, removed or changed.") var itemCode: String?
        @Option(help: "A file sent with it (repeatable).") var attach: [String] = []

        func run() throws {
            let clerk = try openClerk(global)
            guard let day = try civilDate(date, field: "date") else { throw ValidationError("--date is required") }
            var n = NoticeInput(category: category, title: title, text: text, to: to, date: day)
            n.place = place; n.itemCode = itemCode; n.attachments = try attach.map(upload)
            n.staff = try who.resolved(clerk.reader)
            printResult(try clerk.sendNotice(n), global)
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge a notice sent to this department.",
                                                        discussion: "Example: shenguan notice ack NOTICE")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Argument(help: "The notice's id (or prefix).") var notice: String

        func run() throws {
            let clerk = try openClerk(global)
            printResult(try clerk.acknowledgeNotice(notice, staff: try who.resolved(clerk.reader)), global)
        }
    }
}
