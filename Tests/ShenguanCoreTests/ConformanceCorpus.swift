import Foundation
import Testing
@testable import ShenguanCore
import ShenguanCrypto
import ShenguanCalendar

/// The shared conformance corpus (`Tests/Conformance`, written by
/// `Tools/verify-py/make_conformance.py`): the Swift tests and the Python
/// verifier's tests check the same files, so both languages give the same
/// answer on every case.
enum ConformanceCorpus {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Conformance")

    static func load(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(name))) as! [String: Any]
    }

    /// A corpus of operations: its file, its network id and its cases.
    static func operations(_ name: String) throws -> (doc: [String: Any], network: Digest, cases: [[String: Any]]) {
        let doc = try load(name)
        return (doc, Digest(hex: doc["network"] as! String)!, doc["cases"] as! [[String: Any]])
    }

    /// An envelope of the corpus (hex of its bytes), §2.5 steps 1–11 checked.
    static func op(_ hexLine: Any?, network: Digest) throws(OpRejection) -> VerifiedOp {
        try VerifiedOp.verify(try Envelope.decode(hex(hexLine)), network: network)
    }

    static func hex(_ s: Any?) -> [UInt8] {
        let u = Array((s as! String).utf8)
        func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
        return stride(from: 0, to: u.count, by: 2).map { nibble(u[$0]) << 4 | nibble(u[$0 + 1]) }
    }
}

/// PROTOCOL.md §1 on the corpus: which bytes are valid signed JSON
/// (canonical) and which are accepted as unsigned JSON, in Swift exactly as
/// in Python — with no Unicode table consulted.
@Suite struct CanonicalJSONConformanceTests {
    @Test func everyCaseOfTheCorpus() throws {
        let cases = try ConformanceCorpus.load("canonical-json.json")["cases"] as! [[String: Any]]
        #expect(cases.count > 30)
        for c in cases {
            let bytes = ConformanceCorpus.hex(c["hex"])
            let unsigned = (try? CanonicalJSON.parse(bytes)) != nil
            let canonical = (try? CanonicalJSON.parseCanonical(bytes)) != nil
            #expect(unsigned == (c["unsigned"] as! Bool), "unsigned: \(c["comment"]!)")
            #expect(canonical == (c["canonical"] as! Bool), "canonical: \(c["comment"]!)")
            // Whatever is valid signed JSON encodes back to the same bytes.
            if canonical, let v = try? CanonicalJSON.parseCanonical(bytes) {
                #expect(try CanonicalJSON.encode(v) == bytes, "\(c["comment"]!)")
            }
        }
    }
}

/// PROTOCOL.md §2.5 steps 1–11 on the corpus: every envelope gets the same
/// code from Swift as from Python (forged head declarations, impossible
/// staff dates, R = identity, deep nesting, huge integers, non-ASCII names).
@Suite struct OperationConformanceTests {
    @Test func everyEnvelopeOfTheCorpus() throws {
        let (_, network, cases) = try ConformanceCorpus.operations("operations.json")
        #expect(cases.count >= 12)
        for c in cases {
            let got: String
            do throws(OpRejection) {
                _ = try ConformanceCorpus.op(c["line"], network: network)
                got = "accepted"
            } catch { got = error.code.rawValue }
            #expect(got == c["code"] as! String, "\(c["comment"]!)")
        }
    }
}

/// PROTOCOL.md §2.5 steps 12–13 with skip links (§2.1) on the corpus: after
/// the genesis, each case's lines are offered in order to a replica; every
/// one but the last is accepted, the last gets the code Python gives.
@Suite struct ChainConformanceTests {
    @Test func everyChainOfTheCorpus() throws {
        let (doc, network, cases) = try ConformanceCorpus.operations("chains.json")
        #expect(cases.count >= 7)
        let genesis = try ConformanceCorpus.op(doc["genesis"], network: network)
        for c in cases {
            var replica = MemoryReplica(network: network)
            let ops = try [genesis] + (c["lines"] as! [Any]).map { try ConformanceCorpus.op($0, network: network) }
            let decisions = replica.ingest(ops, now: 1_790_001_000_000)
            for d in decisions.dropLast() {
                guard case .accept = d else { Issue.record("\(c["comment"]!): an earlier line gave \(d)"); continue }
            }
            let got: String
            switch decisions.last! {
            case .accept: got = "accepted"
            case .reject(let r): got = r.code.rawValue
            case let other: got = "\(other)"
            }
            #expect(got == c["code"] as! String, "\(c["comment"]!)")
        }
    }

    /// The examples of §2.1 and the range 1 ≤ skipSeq(s) ≤ s − 2.
    @Test func skipSeqs() {
        #expect([1, 2, 3, 4, 7, 9, 12, 1000, 1001, 1025].map { OpHeader.skipSeq($0) } == [nil, nil, 1, 2, 5, 1, 2, 994, 993, 1])
        #expect((3..<20_000).allSatisfy { s in OpHeader.skipSeq(Int64(s)).map { 1 <= $0 && $0 <= Int64(s) - 2 } ?? false })
    }
}

/// §4.2 limits and the provisional rule for a year without a table, the
/// same cases the Python verifier checks (`limits.json`).
@Suite struct LimitConformanceTests {
    @Test func limitsAndTheProvisionalRule() throws {
        let doc = try ConformanceCorpus.load("limits.json")
        let years = try (doc["calendar"] as! [Any]).map { y -> CalendarYear in
            let data = try JSONSerialization.data(withJSONObject: y)
            return try RosterOps.calendarYear(try CanonicalJSON.parse([UInt8](data)))
        }
        let calendar = try WorkingDayCalendar(years: years)
        var provisional = 0
        for c in doc["cases"] as! [[String: Any]] {
            let from = try #require(ChinaStandardTime.parseRFC3339(c["from"] as! String), "\(c["from"]!)")
            let due = try Deadlines.limit(from: from, workingDays: c["workingDays"] as! Int, calendar: calendar)
            let comment = Comment(rawValue: c["comment"] as! String)
            #expect(due.lastDay.iso == c["lastDay"] as? String, comment)
            #expect(due.deadlineRFC3339 == c["limit"] as? String, comment)
            #expect(calendar.isProvisional(due) == c["provisional"] as? Bool, comment)
            if calendar.isProvisional(due) { provisional += 1 }
        }
        #expect(provisional >= 3)
    }
}

/// §2.7 roster changes, the same cases the Python verifier folds
/// (`roster.json`): each refused where both refuse it, with the same code.
@Suite struct RosterConformanceTests {
    static func value(_ any: Any) throws -> JSONValue {
        try CanonicalJSON.parse([UInt8](try JSONSerialization.data(withJSONObject: any, options: [.fragmentsAllowed])))
    }

    @Test func rosterChanges() throws {
        let doc = try ConformanceCorpus.load("roster.json")
        let seeds = (doc["seeds"] as! [String: String]).mapValues { SigningKey(seed: ConformanceCorpus.hex($0))! }
        let genesis = try OpSigner.sign(key: seeds["root"]!, network: RosterOps.genesisNet, seq: 1, prev: nil, deps: [],
                                        clock: HLC(time: 1_790_000_000_000, ctr: 0), kind: RosterOps.genesis, body: try Self.value(doc["genesis"]!))
        var refused = 0
        for c in doc["cases"] as! [[String: Any]] {
            var roster = try RosterState(genesis: genesis)
            let changes = c["changes"] as! [[String: Any]]
            var got = "accepted"
            for (i, ch) in changes.enumerated() {
                let op = try OpSigner.sign(key: seeds[ch["signer"] as! String]!, network: genesis.id, seq: Int64(i + 1), prev: nil, deps: [genesis.id],
                                           clock: HLC(time: 1_790_000_001_000 + Int64(i), ctr: 0), kind: ch["kind"] as! String,
                                           body: try Self.value(ch["body"]!))
                do throws(OpRejection) { try roster.apply(op) } catch {
                    got = IngestDecider.rosterRefusal(error).code.rawValue
                    #expect(i == changes.count - 1, "\(c["comment"]!): change \(i) refused early with \(got)")
                }
            }
            #expect(got == c["code"] as? String, Comment(rawValue: c["comment"] as! String))
            if got != "accepted" { refused += 1 }
        }
        #expect(refused >= 10)
        for c in doc["genesisCases"] as! [[String: Any]] {
            let g = try OpSigner.sign(key: seeds["root"]!, network: RosterOps.genesisNet, seq: 1, prev: nil, deps: [],
                                      clock: HLC(time: 1_790_000_000_000, ctr: 0), kind: RosterOps.genesis, body: try Self.value(c["genesis"]!))
            var code = "accepted"
            do throws(OpRejection) { _ = try RosterState(genesis: g) } catch { code = IngestDecider.rosterRefusal(error).code.rawValue }
            #expect(code == c["code"] as? String, Comment(rawValue: c["comment"] as! String))
        }
    }
}

/// PROTOCOL.md §8 on the corpus: evidence bundles (a policy change mid-item,
/// the policy operation, a root-chain operation or staff registrations left
/// out) pass or fail, with the same recomputed status, in Swift as in Python.
@Suite struct BundleConformanceTests {
    @Test(arguments: ["bundles.json", "bundles-mutated.json", "bundles-equivocation.json"])
    func everyBundleOfTheCorpus(file: String) throws {
        let cases = try ConformanceCorpus.load(file)["cases"] as! [[String: Any]]
        #expect(cases.count >= 2)
        for c in cases {
            // A file that is no bundle (evidence.malformed) fails with no verdict.
            let report = (try? EvidenceBundle(bytes: ConformanceCorpus.hex(c["hex"]))).map(EvidenceVerifier.verify)
            #expect((report?.passed ?? false) == (c["passed"] as! Bool), "passed: \(c["comment"]!)")
            #expect(report?.verdict["status"]?.stringValue == c["status"] as? String, "status: \(c["comment"]!)")
            // An equivocation bundle's verdict names the lowest forked seq (null: none).
            if c.keys.contains("forkSeq") {
                #expect(report?.verdict["seq"]?.intValue.map(Int.init) == c["forkSeq"] as? Int, "fork seq: \(c["comment"]!)")
            }
        }
    }
}

/// §4.5 expert draws, the same cases the Python verifier computes
/// (`draws.json`): commitments, seeds and selections, and when a draw is
/// awaiting or void.
@Suite struct DrawConformanceTests {
    @Test func commitmentsSeedsAndSelections() throws {
        let doc = try ConformanceCorpus.load("draws.json")
        for c in doc["commitments"] as! [[String: Any]] {
            let got = ExpertDraw.commitment(request: Digest(hex: c["request"] as! String)!, nonce: Digest(hex: c["nonce"] as! String)!)
            #expect(got.hex == c["commitment"] as? String)
        }
        var statuses = Set<String>()
        for c in doc["cases"] as! [[String: Any]] {
            let comment = Comment(rawValue: c["comment"] as! String)
            let request = try #require(Digest(hex: c["request"] as! String))
            var b = c["body"] as! [String: Any]
            b["topic"] = "专家评审"; b["field"] = "环境影响评价"
            if (b["excluded"] as? [Any])?.isEmpty == true { b.removeValue(forKey: "excluded") }
            let body = try DrawRequestBody(json: try RosterConformanceTests.value(b))
            let commits = (c["commits"] as! [[String: Any]]).map { (id: Digest(hex: $0["id"] as! String)!, department: $0["department"] as! String) }
            let reveals = try (c["reveals"] as! [[String: Any]]).map { r -> (department: String, body: DrawRevealBody) in
                (r["department"] as! String, try DrawRevealBody(json: try RosterConformanceTests.value(["request": c["request"]!, "nonce": r["nonce"]!, "commits": r["commits"]!])))
            }
            let got = Workflow.json(Workflow.drawStatus(request: request, body: body, commits: commits, reveals: reveals))
            #expect(got == (try RosterConformanceTests.value(c["expected"]!)), comment)
            statuses.insert(got["status"]?.stringValue ?? "")
        }
        #expect(statuses == ["drawn", "void", "awaiting_commits", "awaiting_reveals"])
    }
}
