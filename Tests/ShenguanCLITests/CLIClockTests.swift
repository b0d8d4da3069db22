import Foundation
import Testing
import ShenguanTestSupport

/// `SHENGUAN_NOW` injects the clock; the hybrid logical clock never goes
/// back; an operation from too far in the future waits for the receiver's clock.
@Suite struct CLIClockTests {
    /// 2026-10-09T10:00:00+08:00 in ms since 1970.
    static let t0: Int64 = 1_791_511_200_000
    static let day: Int64 = 86_400_000
    static let maxSkew: Int64 = 300_000

    static func now(_ ms: Int64) -> [String: String] { ["SHENGUAN_NOW": String(ms)] }

    /// (time, ctr) of the operation a `note --json` wrote.
    func clock(_ cli: CLI, note text: String, now: String) throws -> (Int, Int) {
        let o = try #require(try cli.json(["note", text], env: ["SHENGUAN_NOW": now]) as? [String: Any])
        let h = try #require(o["header"] as? [String: Any])
        return (try #require(h["time"] as? Int), try #require(h["ctr"] as? Int))
    }

    @Test func injectedClockStampsOperationsAndNeverGoesBack() throws {
        let dir = TempDir("cli-clock"); defer { dir.remove() }
        // The network opens the day before, so the genesis does not hold the clock up.
        let a = try TestNet(in: dir, env: Self.now(Self.t0 - Self.day)).oversight
        let t0 = Int(Self.t0)
        #expect(try clock(a, note: "RFC 3339", now: "2026-10-09T10:00:00+08:00") == (t0, 0))
        // The machine's clock jumps back two minutes: time stays, the counter moves.
        #expect(try clock(a, note: "milliseconds, earlier", now: String(Self.t0 - 120_000)) == (t0, 1))
        #expect(try clock(a, note: "fractional seconds, UTC", now: "2026-10-09T02:00:01.5Z") == (t0 + 1500, 0))

        let log = try #require(try a.json(["log"]) as? [[String: Any]])
        #expect(log.compactMap { $0["time"] as? Int } == [t0 + 1500, t0, t0, t0 - Int(Self.day)])
        #expect(log.compactMap { $0["ctr"] as? Int } == [0, 1, 0, 0])
        #expect(log.last?["kind"] as? String == "roster.genesis")
        let first = try #require(log[2]["id"] as? String)
        #expect(try a.ok(["show", first]).contains("time      2026-10-09T10:00:00.000+08:00 (ctr 0), the author's own clock\n"))

        let bad = try a.run(["note", "when?"], env: ["SHENGUAN_NOW": "yesterday"])
        expectError(bad, "clock.invalid")
        #expect(try a.opCount() == 4)

        // A clock more than maxSkew behind the replica's own chain cannot
        // write (its operation would be "from the future"): refused, nothing written.
        let behind = try a.run(["note", "an hour slow"], env: Self.now(Self.t0 - 3_600_000))
        #expect(behind.status == 2 && behind.stderr.hasPrefix("error ["), "\(behind.stderr)")
        #expect(try a.opCount() == 4)
        #expect(Set(signedSeqFiles(a.home).values) == ["1\n", "3\n"])  // root chain, replica chain
    }

    @Test func receiverClockBehindAStillOrdersAfterWhatItSaw() throws {
        let dir = TempDir("cli-clock"); defer { dir.remove() }
        let net = try TestNet(in: dir, env: Self.now(Self.t0 - Self.day))
        let a = net.oversight, b = try net.join("B", env: Self.now(Self.t0 - Self.day))
        let t0 = Int(Self.t0)
        #expect(try clock(a, note: "A at t0", now: String(Self.t0)) == (t0, 0))
        try a.export(dir.file("a.jsonl"))
        // B's clock is a minute slow (within maxSkew): A's note applies and B's next note comes after it.
        #expect(try b.importFile(dir.file("a.jsonl"), env: Self.now(Self.t0 - 60_000)).counts == ["accepted": 1, "duplicate": 2])
        #expect(try clock(b, note: "B after A", now: String(Self.t0 - 60_000)) == (t0, 1))
        try b.export(dir.file("b.jsonl"))
        #expect(try PyReport(dir.file("b.jsonl")).status == 0)
        #expect(try a.importFile(dir.file("b.jsonl"), env: Self.now(Self.t0)).counts == ["accepted": 1, "duplicate": 3])
        #expect(try a.digest() == b.digest())
    }

    @Test func operationFromTheFutureWaitsForTheReceiversClock() throws {
        let dir = TempDir("cli-clock"); defer { dir.remove() }
        let net = try TestNet(in: dir, env: Self.now(Self.t0 - Self.day))
        let a = net.oversight, r = try net.join("R", admit: false, env: Self.now(Self.t0))
        let written = Self.t0 + Self.day
        try a.note("written tomorrow", env: Self.now(written))
        let file = dir.file("future.jsonl")
        try a.export(file)

        let early = try r.importFile(file, env: Self.now(Self.t0))
        #expect(early.status == 0 && early.counts == ["clock.future": 1, "duplicate": 1])
        #expect(try r.heldAndPending() == (1, 1))
        // Still more than maxSkew ahead one millisecond before it is due.
        let almost = try r.importFile(file, env: Self.now(written - Self.maxSkew - 1))
        #expect(almost.released == 0)
        #expect(try r.heldAndPending() == (1, 1))
        // Once the receiver's clock is within maxSkew, the next import releases it.
        let due = try r.importFile(file, env: Self.now(written - Self.maxSkew))
        #expect(due.status == 0 && due.released == 1 && due.counts == ["duplicate": 2])
        #expect(try r.heldAndPending() == (2, 0))
        #expect(try r.digest() == a.digest())
    }
}
