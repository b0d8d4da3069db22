import ShenguanCrypto

/// Authentication of sync requests (PROTOCOL.md §7.2): every request is
/// signed by the calling replica's key over its method, path, body hash, time
/// and a fresh nonce. Pure: the server supplies the roster, clock and nonce
/// memory.
public struct RequestSignature: Equatable, Sendable {
    public let author: PublicKey
    public let time: Int64
    public let nonce: String
    public let signature: [UInt8]

    public static func message(method: String, path: String, body: [UInt8], time: Int64, nonce: String) -> [UInt8] {
        Array("SHENGUANv1-req \(method) \(path) \(SHA256.hash(body).hex) \(time) \(nonce)".utf8)
    }

    /// Signs a request.
    public static func sign(key: SigningKey, method: String, path: String, body: [UInt8], time: Int64,
                            nonce: String = Base64URL.encode(SecureRandom.bytes(16))) -> RequestSignature {
        RequestSignature(author: key.publicKey, time: time, nonce: nonce,
                         signature: key.sign(message(method: method, path: path, body: body, time: time, nonce: nonce)))
    }

    public init(author: PublicKey, time: Int64, nonce: String, signature: [UInt8]) {
        self.author = author; self.time = time; self.nonce = nonce; self.signature = signature
    }

    /// Header values: `Shenguan-Author`, `Shenguan-Time`, `Shenguan-Nonce`, `Shenguan-Signature`.
    public var headers: [(String, String)] {
        [("Shenguan-Author", author.base64url), ("Shenguan-Time", String(time)), ("Shenguan-Nonce", nonce),
         ("Shenguan-Signature", Base64URL.encode(signature))]
    }

    public init?(author: String?, time: String?, nonce: String?, signature: String?) {
        guard let a = author.flatMap({ PublicKey(base64url: $0) }), let t = time.flatMap({ Int64($0) }),
              let n = nonce, (16...64).contains(n.utf8.count), let s = signature.flatMap({ Base64URL.decode($0) }), s.count == 64
        else { return nil }
        self.init(author: a, time: t, nonce: n, signature: s)
    }

    public func verifies(method: String, path: String, body: [UInt8]) -> Bool {
        author.verify(signature: signature, message: Self.message(method: method, path: path, body: body, time: time, nonce: nonce))
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

    public init(maxSkewMillis: Int64, maxNonces: Int = 200_000) {
        self.maxSkewMillis = maxSkewMillis; self.maxNonces = maxNonces
    }

    /// Nonces currently remembered.
    public var nonceCount: Int { seen.count }

    /// Checks one request; records its nonce when it passes.
    public mutating func check(_ sig: RequestSignature?, method: String, path: String, body: [UInt8],
                               roster: RosterState?, now: Int64) throws(SyncProblem) -> RosterState.Replica {
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
