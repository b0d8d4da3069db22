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
  --version               Show the version.
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
  approve                 Issue an approval (R1) and push it to the responsible
                          regulators (R2 claim limits start).
  claim                   Claim (sign for) a push addressed to this department
                          (R2, R3, R7).
  certify                 Issue the certificate a claimed push asks for, within
                          its legal or promised limit (R17).
  feedback                Send doubts or a dispute about a received push back
                          to its sender (R4).
  relay                   Forward a push this department received to a
                          higher-level regulator (R5).
  supervise               Record supervision information (R6, R8) and push it
                          to the approval bureau (R7 limits).
  warnings                The warning list (R9): subjects with restricted or
                          strict admission, with reasons and sources.
  revoke                  Revocation requests (R10): a regulator asks, the
                          bureau decides.
  inquire                 Send a letter of inquiry (函询, R12): no reply by the
                          limit counts as consent.
  reply                   Reply to a letter of inquiry addressed to this
                          department (R12).
  inspect                 Joint site inspections (R14): notice one working day
                          ahead, a joint report signed by both.
  liaison                 Liaison officers (R15): the bureau asks a day ahead,
                          the regulator names a qualified officer.
  review                  Special reviews (R13): opinions by the meeting day,
                          silence is consent, minutes to all.
  expert                  The shared expert pool (R16): register, retire and
                          list experts.
  draw                    Expert draws (R16): the bureau requests, the
                          participants commit and reveal; anyone can recheck.
  boundary                The 审管互动 boundary list (R18): which regulators each
                          item goes to, and each side's duties.
  notice                  Notices (R19): documents, meetings, training and item
                          changes, sent and acknowledged.
  promise-check           Record the post-verification of a 告知承诺 licence (R11):
                          promise kept, or broken with a rectification period.
  correct                 Correct a mutable field of an approval (contact,
                          validUntil); supersedes the values this replica sees.
  inbox                   What this department must act on, oldest limit first,
                          with time left in working days and hours.
  reminders               Reminders (R22): what this department must act on
                          within a working day; prints nothing when there is
                          none.
  query                   Query (R22): the pushes of one approval item or
                          subject, by period, department and status.
  status                  Full history of a licence, push, revocation request
                          or inquiry: who did what and when, with verdicts.
  report                  Timeliness report (R23): per department, how the
                          pushes of a period were claimed, and R7 push-backs.
  conflicts               Concurrent edits kept side by side until a later
                          operation resolves them, and equivocating authors.
  evidence                Write the evidence bundle of a push's or inquiry's
                          verdict, or of a forked author (R24; PROTOCOL.md §8).
  verify                  Check an evidence bundle offline: signatures, keys,
                          chain links, intervals, limit and verdict (needs no
                          replica).
  note                    Append a signed note operation to this replica's
                          chain.
  erase                   Erase the body of an attachment or note holding
                          personal data, on every replica that syncs.
  log                     List the most recent operations held, newest first.
  show                    Show one operation by id or unique id prefix.
  state                   Print the replica's projected state, or its digest.
  export                  Write every operation held to an export file (offline
                          transfer).
  import                  Verify and merge an export file; bad operations are
                          refused, the rest apply.
  backup                  Write a consistent copy of this replica (database,
                          encrypted key, signed seq) into a new folder; safe
                          while it serves.
  restore                 Restore a backup into --home; no signing until a sync
                          with every known peer has brought back what the key
                          signed since.
  serve                   Serve this replica to authenticated peers over HTTP
                          until SIGINT/SIGTERM.
  sync                    Sync with peers (given, or all known peers) until
                          both sides hold the same operations.
  peers                   Remember the peers to sync with.
  calendar                Count working-day limits on the official calendar
                          (T1, T2).
  key                     The replica key at rest (encrypted, mode 0600).
  demo                    Run the 审管互动 scenario on a small network of replicas
                          in DIR, syncing over loopback HTTP.

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

    /// The shared list the library test drives is the binary's list.
    @Test func theSharedCommandListIsTheRootHelpsList() throws {
        let section = try #require(Self.rootHelp.components(separatedBy: "SUBCOMMANDS:\n").last)
        let names = section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let word = line.split(separator: " ").first else { return nil }
            return String(word)
        }.filter { $0 != "help" && $0 != "See" }
        #expect(names == CLICommands.names)
    }

    @Test func everyListedSubcommandHasItsOwnHelp() throws {
        let names = ["network", "init", "roster", "policy", "staff", "approve", "claim", "certify", "feedback", "relay", "supervise", "warnings",
                     "revoke", "inquire", "reply", "inspect", "liaison", "review", "expert", "draw", "boundary", "notice", "promise-check", "correct", "inbox", "reminders", "query", "status", "report", "conflicts", "evidence", "note", "erase", "log", "show", "state",
                     "export", "import", "calendar", "key", "demo"]
        let groups: Set = ["network", "policy", "staff", "calendar", "demo", "warnings", "revoke", "key", "inspect", "liaison", "review", "expert", "draw", "boundary", "notice"]  // no replica options of their own
        for name in names {
            #expect(Self.rootHelp.contains("\n  \(name) "), "\(name) missing from the snapshot")
            let r = try CLI.raw([name, "--help"], env: ["COLUMNS": "80"])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            #expect(r.stdout.contains("USAGE: shenguan \(name)"), "\(name): \(r.stdout)")
            if !groups.contains(name) {
                #expect(r.stdout.contains("--home <home>") && r.stdout.contains("--json"), "\(name): \(r.stdout)")
                // Every command a clerk or administrator runs shows a copy-paste example (issue 15).
                #expect(r.stdout.contains("Example: shenguan \(name)") || r.stdout.contains("Example:\n  shenguan \(name)"), "\(name): \(r.stdout)")
            }
        }
    }

    @Test func unknownSubcommandIsAUsageError() throws {
        let r = try CLI.raw(["frobnicate"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("Unexpected argument 'frobnicate'"), "\(r.stderr)")
        #expect(!r.stderr.contains("Did you mean"))
        // A near miss gets a suggestion (issue 15), still a usage error.
        let typo = try CLI.raw(["calim", "JY137150001"])
        #expect(typo.status == 64 && typo.stderr.contains("Did you mean 'claim'?"), "\(typo.stderr)")
        // A value outside a fixed list is refused at parsing, naming the list.
        let category = try CLI.raw(["supervise", "--category", "fine", "--summary", "x"])
        #expect(category.status == 64 && category.stderr.contains("penalty") && category.stderr.contains("inspection"), "\(category.stderr)")
    }
}

/// `shenguan --version` names this build, the protocol and export formats it writes.
@Suite struct CLIVersionTests {
    @Test func versionNamesTheProtocol() throws {
        let r = try CLI.raw(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("shenguan ") && r.stdout.contains("protocol 1") && r.stdout.contains("shenguan-export/1"), "\(r.stdout)")
    }
}
