import ShenguanCore

extension IngestDecision {
    /// The decision as the stable code a test compares: the refusal's code,
    /// or "accepted", "wait", "future", "duplicate".
    public var code: String {
        switch self {
        case .reject(let r): r.code.rawValue
        case .accept: "accepted"
        case .wait: "wait"
        case .future: "future"
        case .duplicate: "duplicate"
        }
    }
}
