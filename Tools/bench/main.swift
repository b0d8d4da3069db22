// Tools/bench: release-build benchmark of Shenguan's ingest path (issue 2).
// Usage: swift run -c release shenguan-bench [--ops N] [--authors K] [--only store|ingest|sync]
//        shenguan-bench --workload city [--ops N] [--departments K] [--batch N] [--sync] [--keep]   (the city-year mix, views and writes: issue 12)
// (--only store|ingest|sync: one phase alone, for profiling with perf record).
// Prints the machine's raw limits (libsodium verify/s on all cores, SQLite
// inserts/s of same-size rows) and the ingest rate of N signed operations
// produced elsewhere into a fresh replica, with the ratio to the lower limit.
import Foundation
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

let args = CommandLine.arguments
func arg(_ name: String, _ def: Int) -> Int {
    if let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) { return v }
    return def
}
let n = arg("--ops", 100_000), authorCount = arg("--authors", 50)
let dir = NSTemporaryDirectory() + "shenguan-bench-\(UUID().uuidString)"
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
defer { if !args.contains("--keep") { try? FileManager.default.removeItem(atPath: dir) } }
/// CPU time (user + system) of this process so far.
func cpuSeconds() -> Double {
    var u = rusage(); getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}
/// Times `body` after flushing the page cache's dirty pages (`sync`), so the
/// writeback of an earlier phase's files (export, source and raw-insert
/// databases: ~250 MB) does not land inside this phase's measurement.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    sync()
    let t = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
}

// `--workload city`: the city-year 审管 mix and every clerk's view (issue 12).
if let i = args.firstIndex(of: "--workload"), i + 1 < args.count, args[i + 1] == "city" {
    try await CityBench.run(dir: dir, ops: n, departments: arg("--departments", 50), withSync: args.contains("--sync"),
                       batch: arg("--batch", 5000))
    if args.contains("--keep") { print("  kept \(dir) (the replica is \(dir)/d1)") } else { try? FileManager.default.removeItem(atPath: dir) }
    exit(0)
}

// 1. Operations produced elsewhere: K authors writing notes that cite each other.
let ops = BenchNetwork.generate(ops: n, authors: authorCount)
let exportPath = dir + "/source.jsonl"
let source = try ReplicaStore(path: dir + "/source.sqlite", network: ops.network)
_ = try source.ingestVerified(ops.ops.map { .success($0) }, now: ops.now)
try source.export(to: exportPath)
let avgBytes = ops.ops.reduce(0) { $0 + $1.envelope.header.count + $1.envelope.sig.count + ($1.envelope.body?.count ?? 0) } / n

// `--only store`: for profiling the writer alone (perf record), time only the
// single-threaded store phase of already verified operations, then stop.
if let i = args.firstIndex(of: "--only"), i + 1 < args.count, args[i + 1] == "store" {
    let verified = ops.ops.map { Result<VerifiedOp, OpRejection>.success($0) }
    let store = try ReplicaStore(path: dir + "/store-only.sqlite", network: ops.network)
    let t = try seconds {
        var i = 0
        while i < verified.count { _ = try store.ingestVerified(Array(verified[i..<min(i + 5000, verified.count)]), now: ops.now); i += 5000 }
    }
    print("store only: \(Int(Double(n) / t)) ops/s (\(String(format: "%.2f", t)) s)")
    exit(0)
}

// `--only ingest`: the import alone, for profiling the parallel path.
if let i = args.firstIndex(of: "--only"), i + 1 < args.count, args[i + 1] == "ingest" {
    let store = try ReplicaStore(path: dir + "/ingest-only.sqlite", network: ops.network)
    let c0 = cpuSeconds()
    let batch = arg("--batch", 5000)
    let t = try seconds { _ = try store.importFile(exportPath, now: ops.now, batchSize: batch) }
    print("ingest only: \(Int(Double(n) / t)) ops/s (\(String(format: "%.2f", t)) s, \(String(format: "%.2f", (cpuSeconds() - c0) / t)) cores busy)")
    exit(0)
}

// `--only sync`: the loopback sync alone, for profiling client and server.
if let i = args.firstIndex(of: "--only"), i + 1 < args.count, args[i + 1] == "sync" {
    let c0 = cpuSeconds()
    let r = try await SyncBench.run(dir: dir, source: source, net: ops)
    print("sync only: \(Int(Double(r.ops) / r.seconds)) ops/s (\(String(format: "%.2f", r.seconds)) s, \(String(format: "%.2f", (cpuSeconds() - c0) / r.seconds)) cores busy incl. no-op sync)")
    exit(0)
}

// 2. Raw libsodium verify rate on all cores.
let cores = ProcessInfo.processInfo.activeProcessorCount
let messages = ops.ops.map { (Envelope.pae($0.envelope.header), $0.envelope.sig, $0.header.author) }
var verifyOK = true
let verifyTime = seconds {
    let ok = UnsafeMutableBufferPointer<Bool>.allocate(capacity: cores); ok.initialize(repeating: true)
    nonisolated(unsafe) let okb = ok
    DispatchQueue.concurrentPerform(iterations: cores) { c in
        var i = c
        while i < messages.count { okb[c] = okb[c] && messages[i].2.verify(signature: messages[i].1, message: messages[i].0); i += cores }
    }
    verifyOK = ok.allSatisfy { $0 }; ok.deallocate()
}
let verifyRate = Double(n) / verifyTime

// 3. Raw SQLite inserts of rows of the same size.
let insertRate = try StoreBaseline.rawInsertRate(path: dir + "/raw.sqlite", rows: n, rowBytes: avgBytes)

// 4. Ingest: import the export file into a fresh replica (decode, verify, store, project).
let target = try ReplicaStore(path: dir + "/target.sqlite", network: ops.network)
var report: IngestReport? = nil
sync()
let cpuBefore = cpuSeconds()
let ingestTime = try seconds { report = try target.importFile(exportPath, now: ops.now) }
let ingestCPU = cpuSeconds() - cpuBefore
let ingestRate = Double(n) / ingestTime
let same = try target.state().digest == source.state().digest

let limit = min(verifyRate, insertRate)
print("""
shenguan-bench  \(n) ops from \(authorCount) authors, avg \(avgBytes) signed bytes/op, \(cores) cores
  raw verify (libsodium, \(cores) threads)  \(Int(verifyRate)) sig/s\(verifyOK ? "" : "  (VERIFY FAILED)")
  raw insert (SQLite, same-size rows)     \(Int(insertRate)) rows/s
  ingest (import file → fresh replica)    \(Int(ingestRate)) ops/s  (\(String(format: "%.2f", ingestTime)) s, \(report?.accepted ?? 0) accepted, \(String(format: "%.2f", ingestCPU / ingestTime)) cores busy)
  ratio ingest / min(verify, insert)      \(String(format: "%.0f%%", ingestRate / limit * 100))  (target ≥ 50%)
  digest equal to source                  \(same)
""")
if !same || report?.accepted != n || !verifyOK { exit(1) }

// 6. (below) Sync over loopback HTTP.
// 5. Where the ingest time goes (same work, phase by phase, into another fresh replica).
let lines = try String(contentsOfFile: exportPath, encoding: .utf8).split(separator: "\n").dropFirst().map { Array($0.utf8) }
var envs = [Envelope]()
let tDecode = seconds { envs = lines.map { try! Envelope.decode($0) } }
var verified = [Result<VerifiedOp, OpRejection>]()
let tVerify = seconds {
    verified = envs.map { env in
        do throws(OpRejection) { return .success(try VerifiedOp.verify(env, network: ops.network)) } catch { return .failure(error) }
    }
}
let phased = try ReplicaStore(path: dir + "/phased.sqlite", network: ops.network)
let tStore = try seconds {
    var i = 0
    while i < verified.count { _ = try phased.ingestVerified(Array(verified[i..<min(i + 5000, verified.count)]), now: ops.now); i += 5000 }
}
print("""
  phases (1 thread each): decode \(String(format: "%.1f", Double(n) / tDecode)) ops/s, \
verify \(String(format: "%.0f", Double(n) / tVerify)) ops/s, store \(String(format: "%.0f", Double(n) / tStore)) ops/s
""")

// 6. Sync: the source replica serves its operations over loopback HTTP to an empty replica.
let syncResult = try await SyncBench.run(dir: dir, source: source, net: ops)
let syncRate = Double(syncResult.ops) / syncResult.seconds
print("""
  sync (HTTP loopback → empty replica)    \(Int(syncRate)) ops/s  (\(String(format: "%.2f", syncResult.seconds)) s, \(syncResult.ops) ops, \(syncResult.requests) requests, \(syncResult.bytes / 1024) KiB on the wire, \(syncResult.bytes / max(1, syncResult.ops)) B/op)
  ratio sync / ingest                     \(String(format: "%.0f%%", syncRate / ingestRate * 100))  (target ≥ 70%)
  no-op sync (\(n) ops, \(authorCount) authors)        \(String(format: "%.1f", syncResult.noopSeconds * 1000)) ms, \(syncResult.noopRequests) request(s), \(syncResult.noopBytes) bytes
  converged                               \(syncResult.converged)
""")
if !syncResult.converged { exit(1) }
