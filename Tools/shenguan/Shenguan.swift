import ArgumentParser
import Foundation
import ShenguanCore
import ShenguanStore
#if canImport(Glibc)
import Glibc
#endif

/// `shenguan`: inspect and operate a Shenguan (审管) replica.
@main
struct Shenguan: AsyncParsableCommand {
    /// Every file a replica writes (database, WAL, key guards, exports) is
    /// private to the department's account: mode 0600, folders 0700.
    ///
    /// Usage mistakes (an unknown command or option, a missing argument) are
    /// ArgumentParser's: usage text and exit 64. Every refusal of a command
    /// is mapped once, here: `error [code]: sentence` and exit 2.
    static func main() async {
        umask(0o077)
        let command: any ParsableCommand
        do { command = try parseAsRoot(nil) } catch {
            guard let hint = suggestion(for: Array(CommandLine.arguments.dropFirst())) else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n" + hint + "\n").utf8))
            Foundation.exit(exitCode(for: error).rawValue)
        }
        do {
            if var c = command as? any AsyncParsableCommand { try await c.run() } else { var c = command; try c.run() }
        } catch where String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
            exit(withError: error)   // help, version, ExitCode, ValidationError: ArgumentParser's own output
        } catch {
            ErrorReport.print(error, json: CommandLine.arguments.contains("--json"))
            Foundation.exit(2)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "shenguan",
        abstract: "Signed, offline-first replicas for 审管互动 (approval ↔ regulator hand-offs).",
        discussion: "Every change is a signed operation in this replica's hash chain; replicas merge by set union. Rule ids (R1..R24, T1, T2) refer to RULES.md.",
        version: ShenguanVersion.string,
        subcommands: [NetworkCommand.self, Init.self, RosterCommand.self, PolicyCommand.self, StaffCommand.self, Approve.self, Claim.self, Certify.self, Feedback.self, Relay.self, Supervise.self, Warnings.self, Revoke.self,
                      Inquire.self, Reply.self, Inspect.self, Liaison.self, Review.self, Expert.self, Draw.self, Boundary.self, NoticeCommand.self, PromiseCheck.self, Correct.self, Inbox.self, Reminders.self, Query.self, Status.self, Report.self, Conflicts.self, Evidence.self, Verify.self, Note.self, Erase.self, Log.self, Show.self, State.self,
                      Export.self, Import.self, Backup.self, Restore.self, Serve.self, Sync.self, Peers.self, CalendarCommand.self, KeyCommand.self, Demo.self])
}

/// Options shared by every command.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Replica folder (default: $SHENGUAN_HOME, then ~/.shenguan).")
    var home: String?

    @Flag(name: .long, help: "Print machine-readable JSON instead of text.")
    var json = false

    /// This replica's database (the commands that only read or import).
    func openStore() throws -> ReplicaStore { try ReplicaHome(path: resolvedHome).open() }

    var resolvedHome: String {
        if let home { return home }
        if let env = ProcessInfo.processInfo.environment["SHENGUAN_HOME"], !env.isEmpty { return env }
        return NSHomeDirectory() + "/.shenguan"
    }
}

/// This build's version (`shenguan --version`).
enum ShenguanVersion {
    static let string = "shenguan 0.7.0 (protocol \(OpHeader.currentVersion), export \(ReplicaStore.exportFormat))"
}

extension Shenguan {
    /// "Did you mean 'claim'?" for a mistyped command (edit distance ≤ 2).
    static func suggestion(for arguments: [String]) -> String? {
        guard let typed = arguments.first, !typed.hasPrefix("-") else { return nil }
        let names = configuration.subcommands.map { $0._commandName } + ["help"]
        guard !names.contains(typed) else { return nil }
        let best = names.map { ($0, editDistance(Array(typed.lowercased()), Array($0))) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= 2 else { return nil }
        return "Did you mean '\(best.0)'?  (shenguan --help lists every command)"
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var row = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var diagonal = row[0]
            row[0] = i + 1
            for (j, y) in b.enumerated() {
                let above = row[j + 1]
                row[j + 1] = min(above + 1, row[j] + 1, diagonal + (x == y ? 0 : 1))
                diagonal = above
            }
        }
        return row[b.count]
    }
}
