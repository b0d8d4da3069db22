import ShenguanCalendar
import ShenguanCrypto

/// A self-contained evidence bundle (PROTOCOL.md §8): the operations behind
/// one verdict as exact signed bytes, and the verdict the exporting replica
/// reached. `EvidenceVerifier` rechecks it with nothing else.
public struct EvidenceBundle: Sendable {
    public static let format = "shenguan-evidence/1"
    public let network: Digest
    /// What the verdict is about: a push, an inquiry, or a forked author.
    public let subject: String
    public let kind: String
    /// The instant the exporting replica judged at (ms).
    public let judgedAt: Int64
    public let envelopes: [Envelope]
    /// The verdict the exporting replica reached (`Workflow.json` of it).
    public let verdict: JSONValue

    public init(network: Digest, subject: String, kind: String, judgedAt: Int64, envelopes: [Envelope], verdict: JSONValue) {
        self.network = network; self.subject = subject; self.kind = kind; self.judgedAt = judgedAt
        self.envelopes = envelopes; self.verdict = verdict
    }

    public var json: JSONValue {
        .object(["format": .string(Self.format), "network": .string(network.hex), "subject": .string(subject), "kind": .string(kind),
                 "judgedAt": .int(judgedAt), "ops": .array(envelopes.map(\.json)), "verdict": verdict])
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        public let code = "evidence.malformed"
    }

    public init(bytes: [UInt8]) throws {
        let v: JSONValue
        do { v = try CanonicalJSON.parse(bytes) } catch { throw Invalid(description: "The file is not a complete JSON evidence bundle (truncated or damaged): \(error)") }
        guard v["format"]?.stringValue == Self.format else { throw Invalid(description: "Not a \(Self.format) bundle.") }
        guard let net = v["network"]?.stringValue.flatMap({ Digest(hex: $0) }), let subject = v["subject"]?.stringValue,
              let kind = v["kind"]?.stringValue, let at = v["judgedAt"]?.intValue, let ops = v["ops"]?.arrayValue,
              let verdict = v["verdict"] else { throw Invalid(description: "The bundle lacks network, subject, kind, judgedAt, ops or verdict.") }
        var envs = [Envelope]()
        for (i, o) in ops.enumerated() {
            do { envs.append(try Envelope(json: o)) } catch { throw Invalid(description: "Operation \(i + 1) of the bundle is not an envelope: \(error)") }
        }
        self.init(network: net, subject: subject, kind: kind, judgedAt: at, envelopes: envs, verdict: verdict)
    }
}

extension EvidenceBundle {
    /// The operations a verdict rests on, chosen from `all` (held ops):
    /// the roster (keys, policy, calendar), the item and the acts on it,
    /// the record, the staff named, and for each judged operation the
    /// operations that set its `lo` and `hi` with a causal path linking them,
    /// and every witness recording a head declaration of an act's author.
    public static func select(items: [Digest], judged: [Digest], graph: EvidenceGraph, all: [Digest: VerifiedOp]) -> [VerifiedOp] {
        var keep = Set<Digest>()
        for op in all.values where op.header.kind.hasPrefix("roster.") { keep.insert(op.id) }
        for id in items {
            keep.insert(id)
            if let op = all[id] {
                for r in WorkflowKinds.refs(kind: op.header.kind, body: op.body) { keep.insert(r.id) }
                if let s = OpKinds.staffRef(op.body) { keep.insert(s) }
            }
        }
        func path(from descendant: Digest, to ancestor: Digest) -> [Digest] {
            // Breadth-first over parents: the shortest causal chain.
            var prev = [Digest: Digest](), queue = [descendant], seen: Set = [descendant], next = 0
            while next < queue.count {
                let x = queue[next]
                next += 1
                if x == ancestor { break }
                guard let op = all[x] else { continue }
                for p in [op.header.prev].compactMap({ $0 }) + op.header.deps where !seen.contains(p) {
                    seen.insert(p); prev[p] = x; queue.append(p)
                }
            }
            guard seen.contains(ancestor) else { return [] }
            var out = [ancestor], x = ancestor
            while let n = prev[x] { out.append(n); x = n }
            return out
        }
        let authors = Set(judged.compactMap { all[$0]?.header.author })
        for id in judged {
            guard let op = all[id] else { continue }
            let b = graph.bounds(of: op)
            if let hi = b.hiOp { keep.formUnion(path(from: hi, to: id)) }
            if let lo = b.loOp {
                keep.insert(lo)
                if all[lo]?.header.kind != WitnessOps.kind { keep.formUnion(path(from: id, to: lo)) }
            }
        }
        for op in all.values where op.header.kind == WitnessOps.kind {
            let named = (op.body?["declarations"]?.arrayValue ?? []).compactMap { $0["author"]?.stringValue }
            if named.contains(where: { a in authors.contains { $0.base64url == a } }) { keep.insert(op.id) }
        }
        return keep.compactMap { all[$0] }.sorted { ($0.header.clock, $0.id) < ($1.header.clock, $1.id) }
    }
}
