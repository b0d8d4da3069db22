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
    var signedSeqPath: String { keyPath + ".seq" }

    public var exists: Bool { FileManager.default.fileExists(atPath: databasePath) }

    /// Creates the folder (mode 0700), the key file and the database.
    public func create(network: Digest, passphrase: String?, strength: KDFStrength = .interactive) throws -> (ReplicaStore, SigningKey) {
        guard !exists else { throw StoreError(.invalid("A replica already exists in \(path): use it, or choose another --home.")) }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let key = SigningKey.generate()
        try KeyFile.write(KeyFile.seal(key, passphrase: passphrase, strength: strength), to: keyPath)
        let store = try ReplicaStore(path: databasePath, network: network)
        try store.setMeta("author", key.publicKey.base64url)
        return (store, key)
    }

    /// Opens the database of an existing replica.
    public func open() throws -> ReplicaStore {
        guard exists else { throw StoreError(.notInitialised(path)) }
        return try ReplicaStore(path: databasePath)
    }

    /// Loads the signing key, asking `passphrase` only if the file is encrypted.
    public func loadKey(passphrase: () throws -> String?) throws -> SigningKey {
        let bytes = try KeyFile.read(from: keyPath)
        return try KeyFile.open(bytes, passphrase: KeyFile.isEncrypted(bytes) ? passphrase() : nil, path: keyPath)
    }

    /// The highest seq this key has signed (0 if never).
    public func signedSeq() -> Int64 {
        guard let s = try? String(contentsOfFile: signedSeqPath, encoding: .utf8) else { return 0 }
        return Int64(s.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Records that the key has signed up to `seq` (after the write committed).
    public func recordSigned(_ seq: Int64) throws {
        guard seq > signedSeq() else { return }
        let tmp = signedSeqPath + ".tmp"
        try "\(seq)\n".write(toFile: tmp, atomically: false, encoding: .utf8)
        guard rename(tmp, signedSeqPath) == 0 else { throw StoreError(.invalid("Cannot record the signed seq in \(signedSeqPath).")) }
    }

    /// Signs and applies one operation of this replica's chain, keeping the
    /// restored-backup guard up to date.
    public func append(store: ReplicaStore, key: SigningKey, kind: String, body: JSONValue, now: Int64) throws -> VerifiedOp {
        let op = try store.append(kind: kind, body: body, key: key, now: now, signedUpTo: signedSeq())
        try recordSigned(op.header.seq)
        return op
    }
}
