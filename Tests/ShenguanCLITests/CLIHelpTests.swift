import Foundation
import Testing
import ShenguanTestSupport

/// The CLI surface as a snapshot: any change to the subcommands, their
/// one-line abstracts or the root text fails this test on purpose. Update the
/// snapshot deliberately when the surface is meant to change.
@Suite struct CLIHelpTests {
    static let rootHelp = """
OVERVIEW: Signed, offline-first replicas for 审管互动 (approval ↔ regulator
hand-offs).

Every change is a signed operation in this replica's hash chain; replicas merge
by set union. Rule ids (R1..R24, T1, T2) refer to RULES.md.

USAGE: shenguan <subcommand>

OPTIONS:
  -h, --help              Show help information.

SUBCOMMANDS:
  network                 Open a network and keep its roster (oversight office,
                          root key).
  init                    Create a department's replica from the network's
                          genesis file; writes a join request for the oversight
                          office.
  roster                  Show the network's departments, replica keys and
                          roster version.
  policy                  Show the active policy with rule ids and citations.
  staff                   Register and list the staff who act for this
                          department (R3).
  note                    Append a signed note operation to this replica's
                          chain.
  log                     List the most recent operations held, newest first.
  show                    Show one operation by id or unique id prefix.
  state                   Print the replica's projected state, or its digest.
  export                  Write every operation held to an export file (offline
                          transfer).
  import                  Verify and merge an export file; bad operations are
                          refused, the rest apply.
  serve                   Serve this replica to authenticated peers over HTTP
                          until SIGINT/SIGTERM.
  sync                    Sync with peers (given, or all known peers) until
                          both sides hold the same operations.
  peers                   Remember the peers to sync with.
  calendar                Count working-day limits on the official calendar
                          (T1, T2).
  demo                    Build a small network of replicas in DIR and show
                          them converge.

  See 'shenguan help <subcommand>' for detailed help.

"""

    @Test func rootHelpMatchesSnapshot() throws {
        // 80 columns fixes the wrapping whatever terminal runs the tests.
        let r = try CLI.raw(["--help"], env: ["COLUMNS": "80"])
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty)
        #expect(r.stdout == Self.rootHelp)
        // Both help spellings print the same text.
        #expect(try CLI.raw(["help"], env: ["COLUMNS": "80"]).stdout == Self.rootHelp)
    }

    @Test func everyListedSubcommandHasItsOwnHelp() throws {
        let names = ["network", "init", "roster", "policy", "staff", "note", "log", "show", "state", "export", "import", "calendar", "demo"]
        let groups: Set = ["network", "policy", "staff", "calendar", "demo"]  // no replica options of their own
        for name in names {
            #expect(Self.rootHelp.contains("\n  \(name) "), "\(name) missing from the snapshot")
            let r = try CLI.raw([name, "--help"], env: ["COLUMNS": "80"])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            #expect(r.stdout.contains("USAGE: shenguan \(name)"), "\(name): \(r.stdout)")
            if !groups.contains(name) {
                #expect(r.stdout.contains("--home <home>") && r.stdout.contains("--json"), "\(name): \(r.stdout)")
            }
        }
    }

    @Test func unknownSubcommandIsAUsageError() throws {
        let r = try CLI.raw(["frobnicate"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("Unexpected argument 'frobnicate'"), "\(r.stderr)")
    }
}
