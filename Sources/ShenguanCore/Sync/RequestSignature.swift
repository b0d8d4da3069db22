import ShenguanCrypto

/// Authentication of sync requests (PROTOCOL.md §7.2): every request is
/// signed by the calling replica's key over its method, path, body hash, time
/// and a fresh nonce. Pure: the server supplies the roster, clock and nonce
/// memory.
public struct RequestSignature: Equatable, Sendable {
    public let author: PublicKey
    public let time: Int64
    public let nonce: String
    /// The replica the request is meant for (`Shenguan-To`): a request
    /// signed for one replica is refused by every other (§7.2). Nil only for
    /// `GET /v1/info`, which a client sends to learn the server's key.
    public let target: PublicKey?
    public let signature: [UInt8]

    public static func message(method: String, path: String, body: [UInt8], time: Int64, nonce: String, target: PublicKey? = nil) -> [UInt8] {
        let base = "SHENGUANv1-req \(method) \(path) \(SHA256.hash(body).hex) \(time) \(nonce)"
        return Array((target.map { base + " " + $0.base64url } ?? base).utf8)
    }

    /// Signs a request (for `target`, the serving replica's key).
    public static func sign(key: SigningKey, method: String, path: String, body: [UInt8], time: Int64,
                            nonce: String = Base64URL.encode(SecureRandom.bytes(16)), target: PublicKey? = nil) -> RequestSignature {
        RequestSignature(author: key.publicKey, time: time, nonce: nonce, target: target,
                         signature: key.sign(message(method: method, path: path, body: body, time: time, nonce: nonce, target: target)))
    }

    public init(author: PublicKey, time: Int64, nonce: String, target: PublicKey? = nil, signature: [UInt8]) {
        self.author = author; self.time = time; self.nonce = nonce; self.target = target; self.signature = signature
    }

    /// Header values: `Shenguan-Author`, `Shenguan-Time`, `Shenguan-Nonce`,
    /// `Shenguan-To` (when targeted), `Shenguan-Signature`.
    public var headers: [(String, String)] {
        [("Shenguan-Author", author.base64url), ("Shenguan-Time", String(time)), ("Shenguan-Nonce", nonce)]
            + (target.map { [("Shenguan-To", $0.base64url)] } ?? [])
            + [("Shenguan-Signature", Base64URL.encode(signature))]
    }

    /// Parses the headers; nil when one is missing or malformed (a
    /// `Shenguan-To` that is present must be a key).
    public init?(author: String?, time: String?, nonce: String?, signature: String?, to: String? = nil) {
        guard let a = author.flatMap({ PublicKey(base64url: $0) }), let t = time.flatMap({ Int64($0) }),
              let n = nonce, (16...64).contains(n.utf8.count), let s = signature.flatMap({ Base64URL.decode($0) }), s.count == 64
        else { return nil }
        var target: PublicKey?
        if let to {
            guard let k = PublicKey(base64url: to) else { return nil }
            target = k
        }
        self.init(author: a, time: t, nonce: n, target: target, signature: s)
    }

    public func verifies(method: String, path: String, body: [UInt8]) -> Bool {
        author.verify(signature: signature, message: Self.message(method: method, path: path, body: body, time: time, nonce: nonce, target: target))
    }
}

/// Why a sync request was refused: HTTP status, stable code and a sentence
/// (served as RFC 9457 problem details).
public struct SyncProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let detail: String
    public init(_ status: Int, _ code: String, _ detail: String) { self.status = status; self.code = code; self.detail = detail }
    public var description: String { "\(code) (HTTP \(status)): \(detail)" }

    public var json: JSONValue {
        ["type": .string("urn:shenguan:problem:\(code)"), "title": .string(code), "status": .int(Int64(status)),
         "detail": .string(detail), "code": .string(code)]
    }
}

/// The server side of request authentication: a pure check against the
/// roster, the clock and the nonces already seen (replays).
public struct RequestAuthenticator: Sendable {
    public let maxSkewMillis: Int64
    /// At most this many nonces are remembered (each for 2 × maxSkew); a
    /// request that would need more is refused with 503 until some expire.
    public let maxNonces: Int
    private var seen: Set<String> = []
    /// (expiry, key) in arrival order: expired nonces are dropped from the
    /// front, so each request costs O(1) amortised, not a pass over all.
    private var expiries: [(Int64, String)] = []
    private var head = 0

    /// `remembered`: nonces accepted before a restart, still unexpired
    /// (`(expiry, key)` as `lastAccepted` gave them), oldest expiry first.
    public init(maxSkewMillis: Int64, maxNonces: Int = 200_000, remembered: [(Int64, String)] = []) {
        self.maxSkewMillis = maxSkewMillis; self.maxNonces = maxNonces
        for (expiry, key) in remembered where seen.insert(key).inserted { expiries.append((expiry, key)) }
    }

    /// The nonce the last accepted request recorded, as `(expiry, key)`:
    /// what a server persists so that a restart still refuses its replay.
    public var lastAccepted: (Int64, String)? { expiries.last }

    /// Nonces currently remembered.
    public var nonceCount: Int { seen.count }

    /// Checks one request; records its nonce when it passes.
    /// `server` is this replica's key: a request signed for another replica
    /// is refused, and one signed for no replica is refused unless
    /// `targetOptional` (`GET /v1/info` only).
    public mutating func check(_ sig: RequestSignature?, method: String, path: String, body: [UInt8],
                               roster: RosterState?, now: Int64, server: PublicKey? = nil,
                               targetOptional: Bool = false) throws(SyncProblem) -> RosterState.Replica {
        guard let sig else { throw SyncProblem(401, "auth.missing", "The request is not signed: send the Shenguan-Author, -Time, -Nonce and -Signature headers.") }
        // The time is untrusted: its distance from now is computed without
        // overflow (Int64.min must be refused, not trap).
        let (skew, overflow) = sig.time.subtractingReportingOverflow(now)
        guard !overflow, skew.magnitude <= maxSkewMillis.magnitude else {
            throw SyncProblem(401, "auth.stale", "The request time differs from this replica's clock by more than \(maxSkewMillis / 1000) s: check both clocks.")
        }
        guard sig.verifies(method: method, path: path, body: body) else {
            throw SyncProblem(401, "auth.bad_signature", "The request signature does not verify.")
        }
        if let server {
            if let target = sig.target, target != server {
                throw SyncProblem(401, "auth.wrong_target", "This request was signed for another replica (\(target.base64url.prefix(12))…), not this one: it is refused as a replay from elsewhere.")
            }
            if sig.target == nil && !targetOptional {
                throw SyncProblem(401, "auth.no_target", "The request does not name the replica it is meant for (Shenguan-To): the calling replica runs an older Shenguan; upgrade it.")
            }
        }
        guard let roster, let replica = roster.replicas[sig.author] else {
            throw SyncProblem(401, "auth.unknown_replica", "The calling key is not a replica of this network.")
        }
        guard replica.revokedAt == nil else {
            throw SyncProblem(403, "auth.revoked", "The calling replica's key was revoked by the oversight office.")
        }
        expire(now: now)
        let key = sig.author.base64url + "/" + sig.nonce
        guard !seen.contains(key) else { throw SyncProblem(401, "auth.replay", "This request was already received (same nonce): it is refused as a replay.") }
        guard seen.count < maxNonces else {
            throw SyncProblem(503, "sync.busy", "This replica is answering too many requests; try again in a few minutes.")
        }
        seen.insert(key)
        expiries.append((now + 2 * maxSkewMillis, key))
        return replica
    }

    private mutating func expire(now: Int64) {
        while head < expiries.count, expiries[head].0 <= now {
            seen.remove(expiries[head].1)
            head += 1
        }
        if head > 4096, head * 2 > expiries.count {
            expiries.removeFirst(head)
            head = 0
        }
    }
}
