import ArgumentParser
import Foundation
import ShenguanCore
import ShenguanReplica
import ShenguanCrypto
import ShenguanStore

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a department's replica from the network's genesis file; writes a join request for the oversight office.", discussion: "Example: shenguan init --home ~/market --genesis roster.jsonl --department market")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The genesis.jsonl (or any roster export) the oversight office gave you.") var genesis: String
    @Option(help: "Your department's id in the roster (e.g. market).") var department: String
    @Flag(help: "Store the key WITHOUT encryption (prints a warning; for throw-away test replicas only).")
    var unencryptedKey = false

    func run() throws {
        // Check the genesis file and the department before asking for a passphrase.
        _ = try ReplicaHome.inspectGenesis(genesis, department: department)
        let passphrase: String?
        if unencryptedKey {
            FileHandle.standardError.write(Data("warning: the replica key is stored UNENCRYPTED; anyone who can read the file can sign as this replica.\n".utf8))
            passphrase = nil
        } else {
            passphrase = try Passphrase.obtain(confirm: true)
        }
        let home = ReplicaHome(path: global.resolvedHome)
        let (_, key, join) = try home.join(genesisFile: genesis, department: department, passphrase: passphrase, now: try Clock.nowMillis())
        let net = join.network
        if global.json {
            printJSON(["author": .string(key.publicKey.base64url), "home": .string(home.path), "network": .string(net.hex),
                       "joinRequest": .string(home.joinRequestPath)])
        } else {
            print("Created replica in \(home.path)")
            print("  network       \(net.hex)")
            print("  author        \(key.publicKey.base64url)")
            print("  key           \(home.keyPath) (mode 0600\(passphrase == nil ? ", UNENCRYPTED" : ", encrypted"))")
            print("  join request  \(home.joinRequestPath)   ← send to the oversight office (shenguan network admit)")
        }
    }
}

struct Note: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Append a signed note operation to this replica's chain.", discussion: "Example: shenguan note '已电话通知申请人补正材料'")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The note's text (1 to 4000 characters).")
    var text: String
    @Option(help: "Who acted (R3): a staff number of this department valid today, or a registration id prefix.") var staff: String?
    @Option(help: "Write N notes (text #1 … #N) in one go, e.g. to load-test sync.") var `repeat` = 1

    func run() throws {
        let clerk = try openClerk(global)
        let n = max(1, `repeat`)
        for i in 1...n {
            let op = try clerk.at(try Clock.nowMillis()).note(n > 1 ? "\(text) #\(i)" : text, staff: staff)
            if i < n { continue }
            if global.json { printJSON(opJSON(op)) } else { print("\(op.id.hex)  seq \(op.header.seq)  note") }
        }
    }
}

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the most recent operations held, newest first.", discussion: "Example: shenguan log --limit 20")
    @OptionGroup var global: GlobalOptions
    @Option(help: "How many operations to list.") var limit = 50

    func run() throws {
        let rows = try ReplicaReader(store: try global.openStore(), now: try Clock.nowMillis(), department: nil).log(limit: limit)
        if global.json {
            printJSON(.array(rows.map { .object(["id": .string($0.id), "author": .string($0.author), "seq": .int($0.seq),
                                                 "kind": .string($0.kind), "time": .int($0.clock.time), "ctr": .int($0.clock.ctr)]) }))
        } else {
            for r in rows { print("\(r.id.prefix(16))  \(r.author.prefix(10))…  seq \(r.seq)  \(r.kind)  \(Clock.cst(r.clock.time))") }
        }
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one operation by id or unique id prefix.", discussion: "Example: shenguan show 3f2a9c81")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Operation id, or at least its first 4 hex characters.") var id: String

    func run() throws {
        let op = try global.openStore().op(id)
        if global.json { printJSON(opJSON(op)); return }
        let h = op.header
        print("id        \(op.id.hex)")
        print("kind      \(h.kind)")
        print("author    \(h.author.base64url)")
        print("seq       \(h.seq)")
        print("prev      \(h.prev?.hex ?? "-")")
        if let skip = h.skip { print("skip      \(skip.hex) (seq \(OpHeader.skipSeq(h.seq) ?? 0))") }
        print("deps      \(h.deps.isEmpty ? "-" : h.deps.map(\.hex).joined(separator: "\n          "))")
        print("time      \(Clock.cst(h.clock.time)) (ctr \(h.clock.ctr)), the author's own clock")
        print("body      \(op.body.map { String(decoding: try! CanonicalJSON.encode($0), as: UTF8.self) } ?? "(erased)")")
    }
}

func opJSON(_ op: VerifiedOp) -> JSONValue {
    var o: [String: JSONValue] = ["id": .string(op.id.hex), "header": op.header.json]
    o["body"] = op.body ?? .null
    o["envelope"] = op.envelope.json
    return .object(o)
}

struct State: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the replica's projected state, or its digest.", discussion: "Example: shenguan state --digest")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print only the state digest (equal on replicas holding the same operations).") var digest = false
    @Flag(help: "Drop and rebuild every projection from the operations first.") var rebuild = false
    @Flag(help: "Check that the read model equals one rebuilt from the operations alone (changes nothing).") var check = false

    func run() throws {
        let store = try global.openStore()
        if check {
            let c = try ReplicaReader(store: store, now: try Clock.nowMillis(), department: nil).checkReadModel()
            if global.json {
                printJSON(["consistent": .bool(c.isConsistent), "rows": .int(Int64(c.rows)),
                           "missing": .array(c.missing.prefix(20).map { .string($0) }), "extra": .array(c.extra.prefix(20).map { .string($0) })])
            }
            if let refusal = c.refusal { throw refusal }
            if !global.json { print("read model consistent with the operations (\(c.rows) rows)") }
            return
        }
        if rebuild { try store.rebuildProjections() }
        // The digest in one streaming pass (bounded memory at any size).
        if digest {
            let d = try store.stateDigest()
            if global.json { printJSON(["digest": .string(d.hex), "ops": .int(Int64(try store.count()))]) } else { print(d.hex) }
            return
        }
        if global.json { printJSON(try store.state().json); return }
        print("operations  \(try store.count()) held, \(try store.pendingCount()) pending")
        print("digest      \(try store.stateDigest().hex)")
        for (author, seq) in try store.versionVector().sorted(by: { $0.key < $1.key }) { print("author      \(author)  seq \(seq)") }
        for e in try store.equivocations() { print("EQUIVOCATION  \(e.author) forked at seq \(e.seq): \(e.ids.joined(separator: ", "))") }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write every operation held to an export file (offline transfer).", discussion: "Example: shenguan export --out market.jsonl")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The file to write.") var out: String

    func run() throws {
        let n = try ReplicaFiles.export(try global.openStore(), to: out)
        if global.json { printJSON(["file": .string(out), "ops": .int(Int64(n))]) } else { print("Exported \(n) operations to \(out)") }
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Verify and merge an export file; bad operations are refused, the rest apply.", discussion: "Example: shenguan import bureau.jsonl --witness")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The export file.") var file: String
    @Flag(help: "Sign a witness of what the file brought (time evidence, as after an HTTP sync; needs the key).")
    var witness = false
    @Flag(help: "Report each committed batch on stderr (\"committed N of M\").") var progress = false

    func run() throws {
        let store = try global.openStore()
        let now = try Clock.nowMillis()
        // The key is unlocked first: a wrong passphrase refuses the import
        // before anything of the file is applied (issue 14 item 9).
        let home = ReplicaHome(path: global.resolvedHome)
        let key = witness ? try home.loadKey { try Passphrase.obtain() } : nil
        let outcome = try ReplicaFiles.importFile(file, into: store, now: now, witness: key.map { (home, $0) },
                                                  batchSize: progress ? 500 : 5000, progress: progress ? { done, total in
            FileHandle.standardError.write(Data("committed \(done) of \(total)\n".utf8))
        } : nil)
        let report = outcome.report
        let witnessID: JSONValue = outcome.witness.map { .string($0.id.hex) } ?? .null
        let counts = outcome.counts
        let rejected = outcome.refused
        if global.json {
            printJSON(["counts": .object(counts.mapValues { .int(Int64($0)) }), "released": .int(Int64(report.released.count)), "witness": witnessID,
                       "rejected": .array(rejected.map { r in
                           .object(["line": .int(Int64(r.line)), "id": r.id.map { .string($0.hex) } ?? .null,
                                    "code": .string(r.rejection.code.rawValue), "reason": .string(r.rejection.reason)])
                       })])
        } else {
            print("Imported \(file): " + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
            if let w = witnessID.stringValue { print("  witness \(w) signed (time evidence for what arrived)") }
            for r in rejected { print("  line \(r.line): \(r.rejection.code.rawValue): \(r.rejection.reason)") }
        }
        if let damage = report.damage {
            FileHandle.standardError.write(Data("warning [\(damage.code)]: \(damage)\n".utf8))
        }
        if !rejected.isEmpty || report.damage != nil { throw ExitCode(1) }
    }
}

struct Erase: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Erase the body of an attachment or note holding personal data, on every replica that syncs.",
        discussion: "The operation's header, signature and id stay: every chain, verdict and bundle still verifies.\nExample: shenguan erase 3fa2c1d0 --reason 申请人身份证件扫描件，依法删除")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The attachment's or note's id (or prefix).") var op: String
    @Option(help: "Why (kept with the erasure).") var reason: String

    func run() throws {
        let clerk = try openClerk(global)
        printResult(try clerk.erase(op, reason: reason, staff: try who.resolved(clerk.reader)), global)
    }
}
