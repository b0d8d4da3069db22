import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ShenguanCore
import ShenguanCrypto

/// A replica's folder: `replica.sqlite` (the database), `replica.key` (the
/// encrypted key, mode 0600) and `replica.key.seq` (the highest seq the key
/// has signed, the guard against writing from a restored backup).
public struct ReplicaHome: Sendable {
    public let path: String
    public init(path: String) { self.path = path }

    public var databasePath: String { path + "/replica.sqlite" }
    public var keyPath: String { path + "/replica.key" }
    /// The oversight office's root key, on its replica only (DESIGN.md "Roster").
    public var rootKeyPath: String { path + "/root.key" }
    public var joinRequestPath: String { path + "/join-request.json" }

    public var exists: Bool { FileManager.default.fileExists(atPath: databasePath) }

    /// Creates the folder (mode 0700), the key file and the database.
    public func create(network: Digest, passphrase: String?, strength: KDFStrength = .interactive,
                       key given: SigningKey? = nil) throws -> (ReplicaStore, SigningKey) {
        guard !exists else { throw StoreError(.invalid("A replica already exists in \(path): use it, or choose another --home.")) }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let key = given ?? SigningKey.generate()
        try KeyFile.write(KeyFile.seal(key, passphrase: passphrase, strength: strength), to: keyPath)
        let store = try ReplicaStore(path: databasePath, network: network)
        try store.setMeta("author", key.publicKey.base64url)
        return (store, key)
    }

    /// Opens the database of an existing replica.
    public func open() throws -> ReplicaStore {
        guard exists else {
            // A folder this account may not enter is not "no replica".
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue, access(path, R_OK | X_OK) != 0 {
                throw StoreError(.readOnly("this account may not read the folder \(path): run shenguan as the account that owns the replica"))
            }
            throw StoreError(.notInitialised(path))
        }
        return try ReplicaStore(path: databasePath)
    }

    /// Refuses a replica key that is not the one this database was created
    /// with (a key file copied from another replica or restored wrongly):
    /// signing with it would write another replica's chain from here.
    public func checkOwnKey(_ key: SigningKey, store: ReplicaStore) throws {
        guard let mine = try store.meta("author"), mine != key.publicKey.base64url else { return }
        throw StoreError(.keyMismatch(key: key.publicKey.base64url, replica: mine))
    }

    /// Loads a signing key (the replica's, or `rootKeyPath`), asking
    /// `passphrase` only if the file is encrypted.
    public func loadKey(at path: String? = nil, passphrase: () throws -> String?) throws -> SigningKey {
        let p = path ?? keyPath
        let bytes = try KeyFile.read(from: p)
        return try KeyFile.open(bytes, passphrase: KeyFile.isEncrypted(bytes) ? passphrase() : nil, path: p)
    }

    /// This replica's public key, read without the passphrase (for views).
    public func publicKey() throws -> PublicKey {
        let bytes = try KeyFile.read(from: keyPath)
        if let pk = KeyFile.publicKey(of: bytes) { return pk }
        return try KeyFile.open(bytes, passphrase: nil, path: keyPath).publicKey   // throws the precise error
    }

    /// The highest seq `key` has signed from this folder (0 if never).
    public func signedSeq(_ key: PublicKey) -> Int64 { Self.recordedSeq(at: signedSeqPath(key)) }

    /// The seq a signed-seq file records (0 if none or unreadable).
    static func recordedSeq(at path: String) -> Int64 {
        guard let s = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        return Int64(s.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    func signedSeqPath(_ key: PublicKey) -> String { path + "/signed-" + key.base64url + ".seq" }

    /// Records that `key` has signed up to `seq` (after the write committed).
    /// Several processes may write at once (clerks' commands while the
    /// replica serves): an exclusive lock orders them, the recorded value
    /// only grows, and each writes its own temporary file (they used to
    /// share one name, and a committed operation was then reported as
    /// failed).
    public func recordSigned(_ seq: Int64, key: PublicKey) throws {
        let target = signedSeqPath(key)
        let lock = Glibc.open(target + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw StoreError(.invalid("Cannot lock \(target).lock to record the signed seq.")) }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { throw StoreError(.invalid("Cannot lock \(target).lock to record the signed seq.")) }
        defer { flock(lock, LOCK_UN) }
        guard seq > signedSeq(key) else { return }
        let tmp = target + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try "\(seq)\n".write(toFile: tmp, atomically: false, encoding: .utf8)
        guard rename(tmp, target) == 0 else {
            unlink(tmp)
            throw StoreError(.invalid("Cannot record the signed seq in \(target)."))
        }
    }

    /// Signs and applies one operation of `key`'s chain, keeping the
    /// restored-backup guard up to date.
    public func append(store: ReplicaStore, key: SigningKey, kind: String, body: JSONValue, now: Int64) throws -> VerifiedOp {
        try appendAll(store: store, key: key, [{ _ in (kind, body) }], now: now)[0]
    }

    /// Signs and applies several operations in one transaction (all or none).
    public func appendAll(store: ReplicaStore, key: SigningKey, _ drafts: [ReplicaStore.Draft], now: Int64,
                          check: ((ReplicaStore.WriteCheck) throws -> Void)? = nil,
                          after: ((ReplicaStore.WriteCheck, [VerifiedOp]) throws -> Void)? = nil) throws -> [VerifiedOp] {
        let ops = try store.appendAll(drafts, key: key, now: now, signedUpTo: signedSeq(key.publicKey), check: check, after: after)
        // Committed: never report a failure now (a clerk would retry and
        // write twice). A record that cannot be written (a full disk) stays
        // lower than the chain, which only weakens the guard until the next
        // write records the higher seq.
        if let last = ops.last { try? recordSigned(last.header.seq, key: key.publicKey) }
        return ops
    }
}
