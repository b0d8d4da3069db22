import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanReplica
import ShenguanWeb
import ShenguanStore
import ShenguanSync
#if canImport(Glibc)
import Glibc
#endif

/// `shenguan-bench --workload city`: the city-year mix (`CityWorkload`)
/// imported into a regulator's replica, then every clerk's view and write
/// timed in-process (p50/p99 over repeated calls) and as one cold call of
/// the release `shenguan` binary (wall time and that process's peak RSS).
enum CityBench {
    static let passphrase = "city-bench-passphrase"

    /// Unbuffered, so that every figure printed survives a later failure.
    static func print(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    static func run(dir: String, ops n: Int, departments k: Int, withSync: Bool, batch: Int = 5000) async throws {
        let file = dir + "/city.jsonl"
        var t = Date()
        let w = try CityWorkload.generate(ops: n, departments: k, path: file)
        let genSeconds = -t.timeIntervalSinceNow
        let avg = w.bytes / max(1, w.count)
        print("shenguan-bench city  \(w.count) ops, \(k) departments, avg \(avg) signed bytes/op, generated in \(f1(genSeconds)) s")
        print("  mix  " + w.kinds.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))

        // Raw limits on a sample of the same operations.
        let verifyRate = rawVerifyRate(try readEnvelopes(file, limit: 40_000))
        let insertRate = try StoreBaseline.rawInsertRate(path: dir + "/raw.sqlite", rows: min(w.count, 100_000), rowBytes: avg)

        // Import into a regulator's replica (d1), the way `shenguan import` does.
        let home = ReplicaHome(path: dir + "/d1")
        let (store, _) = try home.create(network: w.network, passphrase: passphrase, key: w.keys[1])
        let now = w.now
        sync()
        let c0 = cpuSeconds()
        let rssBefore = resetPeakRSS()
        t = Date()
        let report = try store.importFile(file, now: now, batchSize: batch)
        let importSeconds = -t.timeIntervalSinceNow
        let importRSS = peakRSSSinceReset()
        let importRate = Double(w.count) / importSeconds
        let dbBytes = fileSize(home.databasePath) + fileSize(home.databasePath + "-wal")
        print("""
          raw verify \(Int(verifyRate)) sig/s, raw insert \(Int(insertRate)) rows/s
          import  \(Int(importRate)) ops/s (\(f1(importSeconds)) s, \(report.accepted) accepted, \(report.rejected) rejected, \
        \(f2((cpuSeconds() - c0) / importSeconds)) cores busy)  ratio to min(verify, insert) \(pct(importRate / min(verifyRate, insertRate)))  (target ≥ 45%)
          import peak RSS \(importRSS / 1024) MiB (the process held \(rssBefore / 1024) MiB before)
          database \(dbBytes / max(1, w.count)) bytes/op (\(dbBytes / 1_048_576) MiB)
        """)
        guard report.accepted == w.count else {
            for r in report.results.filter({ $0.outcome != .accepted }).prefix(5) { print("  line \(r.index + 2): \(r.code) \(r.kind ?? "") \(r.outcome)") }
            print("  IMPORT INCOMPLETE (\(try store.pendingCount()) pending)"); exit(1)
        }

        // In-process views and writes.
        let inboxD1 = try store.inboxView(department: "d1", now: now)
        let inboxD0 = try store.inboxView(department: "d0", now: now)
        let d1Items = try inboxD1.workflow.inbox(for: "d1", inboxD1.context)
        let d0Items = try inboxD0.workflow.inbox(for: "d0", inboxD0.context)
        var rng = SeededGenerator(seed: 7)
        let pushes = (0..<100).map { _ in w.pushesTo[1 + Int.random(in: 0..<(k - 1), using: &rng)].randomElement(using: &rng)! }
        let licences = (0..<100).map { _ in w.approvals.randomElement(using: &rng)! }
        print("  in-process (p50 / p99 wall, CPU per call)")
        try timed("inbox d1 (\(d1Items.count) items)", 30) { let v = try store.inboxView(department: "d1", now: now); _ = try v.workflow.inbox(for: "d1", v.context) }
        try timed("inbox d0 bureau (\(d0Items.count) items)", 30) { let v = try store.inboxView(department: "d0", now: now); _ = try v.workflow.inbox(for: "d0", v.context) }
        var i = 0
        try timed("status push", 100) {
            let v = try store.itemView(pushes[i % pushes.count], now: now); i += 1
            _ = try v.workflow.status(of: v.workflow.pushes[pushes[(i - 1) % pushes.count]]!, v.context)
        }
        i = 0
        try timed("status licence", 100) {
            let id = licences[i % licences.count]; i += 1
            let v = try store.itemView(id, now: now); _ = try v.workflow.pushStatuses(of: id, v.context)
        }
        try timed("conflicts", 10) { _ = try store.conflictsView(now: now).workflow.conflicts }
        try timed("warnings", 10) { _ = try store.warningsView(now: now).workflow.warnings.count }
        let key = try home.loadKey { passphrase }
        var open = d1Items.filter { $0.action == "claim" }.map(\.id)
        // Through the application layer, as a clerk's `claim` runs: staff,
        // the in-transaction already-claimed check, sign, store, verdict.
        let clerk = try Clerk(home: home, store: store, key: key, now: now)
        try timed("claim (Clerk.claim)", min(20, max(1, open.count - 2))) {
            _ = try clerk.claim(open.removeLast().hex, staff: "0001")
        }

        // 审管工作台's pages, server time: the read through the application
        // layer and the HTML rendering (issue 16 target: < 100 ms each).
        let reader = clerk.reader
        let ctx = PageContext(departmentName: "监管部门", role: "regulator", user: nil)
        var bytes = 0
        try timed("page 待办 (read + render)", 30) { bytes = try Pages.inbox(ctx, try reader.inbox(), now: now).raw.utf8.count }
        print("      待办 page \(bytes / 1024) KiB")
        i = 0
        try timed("page push item", 100) {
            let r = try reader.report(pushes[i % pushes.count].hex); i += 1
            bytes = try Pages.item(ctx, r, department: "d1", witnessName: { _ in nil }).raw.utf8.count
        }
        i = 0
        try timed("page licence item", 100) {
            let r = try reader.report(licences[i % licences.count].hex); i += 1
            _ = try Pages.item(ctx, r, department: "d1", witnessName: { _ in nil })
        }
        try timed("page 全部事项 (a page of 100 rows)", 10) {
            let items = try reader.history(limit: Pages.historyPageSize + 1)
            bytes = Pages.history(ctx, Array(items.prefix(Pages.historyPageSize)), more: items.count > Pages.historyPageSize) {
                clerk.roster.departments[$0]?.name ?? $0
            }.raw.utf8.count
        }
        print("      全部事项 page \(bytes / 1024) KiB")
        try timed("page 预警名单 (read + render)", 10) {
            let w = try reader.warnings()
            bytes = Pages.warnings(ctx, w.entries, workflow: w.workflow).raw.utf8.count
        }
        print("      预警名单 page \(bytes / 1024) KiB")
        // 统计: the first visit judges every push once (serve does it in the
        // background, 2,000 at a time); later visits read the kept verdicts.
        let settleStart = DispatchTime.now().uptimeNanoseconds
        var rounds = 0
        while try store.settleVerdicts(now: now, limit: 2_000) > 0 { rounds += 1 }
        let settleSeconds = Double(DispatchTime.now().uptimeNanoseconds - settleStart) / 1e9
        let judged = try store.pushStatistics(now: now).tallies.reduce(0) { $0 + $1.count }
        print("    settle verdicts: \(judged) pushes in \(f1(settleSeconds)) s (\(Int(Double(judged) / max(settleSeconds, 1e-9))) pushes/s, \(rounds + 1) rounds)")
        try timed("page 统计 (kept verdicts)", 30) {
            let st = try reader.statistics()
            let names = Set(st.tallies.flatMap { [$0.to, $0.from] }).map { (id: $0, name: clerk.roster.departments[$0]?.name ?? $0) }
            bytes = Pages.statistics(ctx, st, me: "d1", departments: names).raw.utf8.count
        }
        print("      统计 page \(bytes / 1024) KiB")
        let year = String(ChinaStandardTime.civilDate(atMillis: now).year)
        try timed("page 统计明细 (d1's on-time claims of the year)", 10) {
            let items = try reader.talliedPushes(period: try ReportPeriod(year), to: "d1", from: nil, claim: "on_time", limit: 101)
            bytes = Pages.history(ctx, Array(items.prefix(100)), title: "统计明细") { clerk.roster.departments[$0]?.name ?? $0 }.raw.utf8.count
        }
        print("      统计明细 page \(bytes / 1024) KiB")

        // Cold CLI calls: a fresh process each, its own peak RSS.
        let cli = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("shenguan").path
        if FileManager.default.isExecutableFile(atPath: cli) {
            let env = ["SHENGUAN_NOW=\(now)", "SHENGUAN_PASSPHRASE=\(passphrase)", "PATH=/usr/bin:/bin"]
            print("  cold CLI calls (\(cli); wall, peak RSS)")
            for (label, args) in [("inbox", ["inbox"]), ("status push", ["status", pushes[0].hex]), ("status licence", ["status", licences[0].hex]),
                                  ("conflicts", ["conflicts"]), ("warnings", ["warnings"]),
                                  ("claim", ["claim", open.last.map(\.hex) ?? pushes[1].hex, "--staff", "0001"]),
                                  ("evidence", ["evidence", pushes[2].hex, "--out", dir + "/bundle.json"]),
                                  ("state --digest", ["state", "--digest"])] {
                let r = try spawn(cli, args + ["--home", home.path], env: env)
                print("    \(label.padding(toLength: 16, withPad: " ", startingAt: 0)) \(f1(r.seconds * 1000)) ms, \(r.maxRSSKiB / 1024) MiB\(r.status == 0 ? "" : "  (exit \(r.status))")")
            }
            // The bundle must also pass the offline verifier (a size of a failing bundle means nothing).
            let verifier = URL(fileURLWithPath: cli).deletingLastPathComponent().appendingPathComponent("shenguan-verify").path
            let verified = FileManager.default.isExecutableFile(atPath: verifier)
                ? (try spawn(verifier, [dir + "/bundle.json"], env: env).status == 0 ? "passes shenguan-verify" : "FAILS shenguan-verify") : "not verified"
            print("    bundle \(fileSize(dir + "/bundle.json") / 1024) KiB, \(verified)")
        } else {
            print("  (no \(cli): build the shenguan product for the cold CLI figures)")
        }
        if withSync, FileManager.default.isExecutableFile(atPath: cli) {
            try await syncFigures(dir: dir, w: w, server: home, cli: cli, importRate: importRate)
        }
        print("  bench process peak RSS \(peakRSSKiB() / 1024) MiB")
    }

    /// `--sync`: the regulator's replica is served by the release `shenguan
    /// serve` in its own process, and an empty replica of another regulator
    /// pulls it with `shenguan sync` in another, over loopback HTTP; then a
    /// no-op sync. Each process's own peak RSS is reported (VmHWM of the
    /// server, GNU time for the client): neither is inflated by this
    /// process's workload.
    static func syncFigures(dir: String, w: CityWorkload, server: ReplicaHome, cli: String, importRate: Double) async throws {
        let clientHome = ReplicaHome(path: dir + "/d2")
        // A replica joins holding the roster (it authenticates every answer by it, PROTOCOL.md §7.2).
        let roster = try readEnvelopes(dir + "/city.jsonl", limit: 100, bytes: 4 << 20)
            .compactMap { try? VerifiedOp.verify($0, network: w.network) }.filter { $0.header.kind.hasPrefix("roster.") }
        // The store is closed before the folder is copied: a copy's close() of a file this
        // process holds open through SQLite drops the process's POSIX locks on it
        // (sqlite.org/howtocorrupt.html §2.2). With the store left open, this process's next
        // open of the file, after the sync, failed with "database disk image is malformed".
        let given = try clientHome.create(network: w.network, passphrase: passphrase, key: w.keys[2]).0
            .ingestVerified(roster.map { .success($0) }, now: w.now).accepted
        guard !roster.isEmpty, given == roster.count else { print("  sync: the roster could not be given to the new replica"); return }
        try? FileManager.default.copyItem(atPath: clientHome.path, toPath: dir + "/d2-empty")   // kept with --keep, to profile a sync again
        let env = ["SHENGUAN_NOW=\(w.now)", "SHENGUAN_PASSPHRASE=\(passphrase)", "PATH=/usr/bin:/bin"]
        let (pid, out) = try spawnServer(cli, ["serve", "--home", server.path, "--listen", "127.0.0.1:0"], env: env)
        defer { kill(pid, SIGTERM); var st: Int32 = 0; _ = waitpid(pid, &st, 0) }
        guard let line = out.readLine(), let url = line.split(separator: " ").last.map(String.init), url.hasPrefix("http") else {
            print("  sync: the server did not say where it listens"); return
        }
        sync()
        let syncArgs = ["sync", url, "--home", clientHome.path]
        let full = try spawn(cli, syncArgs, env: env)
        let noop = try spawn(cli, syncArgs, env: env)
        let serverRSS = statusKiB("VmHWM:", pid: pid)
        let held = try ReplicaStore(path: clientHome.databasePath).count()
        let rate = Double(held) / full.seconds
        print("  sync (release `shenguan serve` → `shenguan sync` into an empty replica, separate processes, loopback HTTP)")
        print("    full  \(Int(rate)) ops/s (\(f1(full.seconds)) s, \(held) ops held)  ratio to import \(pct(rate / importRate))\(full.status == 0 ? "" : "  (exit \(full.status))")")
        // A sync that failed measures nothing: say so (it once printed "0 ops/s" for sessions).
        if full.status != 0 || held < w.count { print("    SYNC FAILED: the new replica holds \(held) of \(w.count) operations") }
        print("    peak RSS: client \(full.maxRSSKiB / 1024) MiB, server \(serverRSS / 1024) MiB  (target < 300 MB)")
        print("    no-op \(f1(noop.seconds * 1000)) ms (cold process), client \(noop.maxRSSKiB / 1024) MiB")
    }

    /// Starts `path` with `args` in the background; its standard output is
    /// returned as a line reader (the server says where it listens).
    static func spawnServer(_ path: String, _ args: [String], env: [String]) throws -> (pid_t, LineReader) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CocoaError(.fileWriteUnknown) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let argv = ([path] + args).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, nil, argv, envp) == 0 else { throw CocoaError(.executableNotLoadable) }
        close(fds[1])
        return (pid, LineReader(fd: fds[0]))
    }

    /// Reads lines from a pipe, blocking.
    final class LineReader {
        let fd: Int32
        init(fd: Int32) { self.fd = fd }
        deinit { close(fd) }
        func readLine() -> String? {
            var bytes = [UInt8](), c: UInt8 = 0
            while read(fd, &c, 1) == 1 { if c == 10 { return String(decoding: bytes, as: UTF8.self) }; bytes.append(c) }
            return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
        }
    }

    static func timed(_ label: String, _ n: Int, _ body: () throws -> Void) throws {
        var walls = [Double](), c0 = cpuSeconds()
        for _ in 0..<n {
            let t = DispatchTime.now().uptimeNanoseconds
            try body()
            walls.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
        }
        let cpu = (cpuSeconds() - c0) * 1000 / Double(n)
        walls.sort()
        let p50 = walls[walls.count / 2], p99 = walls[min(walls.count - 1, Int(Double(walls.count) * 0.99))]
        print("    \(label.padding(toLength: 34, withPad: " ", startingAt: 0)) \(f2(p50)) / \(f2(p99)) ms, CPU \(f2(cpu)) ms  (n=\(n))")
    }

    static func readEnvelopes(_ path: String, limit: Int, bytes: Int = 256 << 20) throws -> [Envelope] {
        guard let fh = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? fh.close() }
        let data = [UInt8](fh.readData(ofLength: bytes))
        var out = [Envelope]()
        for r in Lines.ranges(data).dropFirst() where !r.isEmpty && out.count < limit {
            if let e = try? Envelope.decode(Array(data[r])) { out.append(e) }
        }
        return out
    }

    static func rawVerifyRate(_ envs: [Envelope]) -> Double {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let messages = envs.compactMap { e in PublicKey(bytes: e.author).map { (Envelope.pae(e.header), e.sig, $0) } }
        let t = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: cores) { c in
            var i = c
            while i < messages.count { _ = messages[i].2.verify(signature: messages[i].1, message: messages[i].0); i += cores }
        }
        return Double(messages.count) / (Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9)
    }

    /// Runs `path` with `args` (output discarded) under GNU time: wall time,
    /// exit status and the child's own peak RSS (wait4 on a child spawned
    /// from this large process would count this process's pages).
    static func spawn(_ path: String, _ args: [String], env: [String]) throws -> (seconds: Double, status: Int32, maxRSSKiB: Int) {
        let report = NSTemporaryDirectory() + "shenguan-bench-rss-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: report) }
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let argv = (["/usr/bin/time", "-f", "%M", "-o", report, path] + args).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer { for p in argv + envp { free(p) } }
        let t = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, "/usr/bin/time", &actions, nil, argv, envp) == 0 else { throw CocoaError(.executableNotLoadable) }
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        let rss = text.split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.last ?? -1
        return (seconds, (status >> 8) & 0xff, rss)
    }

    /// Resets this process's peak RSS (Linux `clear_refs` 5); returns the current RSS in KiB.
    static func resetPeakRSS() -> Int {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        return statusKiB("VmRSS:")
    }

    /// The peak RSS since `resetPeakRSS`, in KiB.
    static func peakRSSSinceReset() -> Int { statusKiB("VmHWM:") }

    static func statusKiB(_ field: String, pid: pid_t? = nil) -> Int {
        let text = (try? String(contentsOfFile: "/proc/\(pid.map(String.init) ?? "self")/status", encoding: .utf8)) ?? ""
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field) }) else { return -1 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }

    static func peakRSSKiB() -> Int { var u = rusage(); getrusage(RUSAGE_SELF.rawValue, &u); return u.ru_maxrss }
    static func fileSize(_ p: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: p))?[.size] as? Int) ?? 0 }
    static func f1(_ x: Double) -> String { String(format: "%.1f", x) }
    static func f2(_ x: Double) -> String { String(format: "%.2f", x) }
    static func pct(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }
}
