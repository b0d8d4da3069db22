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
              let verdict = v["verdict"], verdict.objectValue != nil else { throw Invalid(description: "The bundle lacks network, subject, kind, judgedAt, ops or verdict.") }
        var envs = [Envelope]()
        for (i, o) in ops.enumerated() {
            do { envs.append(try Envelope(json: o)) } catch { throw Invalid(description: "Operation \(i + 1) of the bundle is not an envelope: \(error)") }
        }
        self.init(network: net, subject: subject, kind: kind, judgedAt: at, envelopes: envs, verdict: verdict)
    }
}
