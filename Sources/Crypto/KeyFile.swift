import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Errors reading or writing a replica key file. Each case is a distinct,
/// stable `code` and a sentence a clerk or the department's IT staff can act
/// on. Descriptions never contain the passphrase or key material.
public struct KeyFileError: Error, Equatable, CustomStringConvertible {
    enum Kind: Equatable {
        case notFound(String)
        case wrongPassphrase(String)
        case corrupt(String, String)
        case truncated(String)
        case tooOpen(String, UInt16)
        case passphraseRequired
        case ioFailure(String, String)
        case exists(String)
    }
    let kind: Kind

    /// No passphrase was given for an encrypted key.
    public static let passphraseRequired = KeyFileError(kind: .passphraseRequired)

    /// Stable machine-readable code.
    public var code: String {
        switch kind {
        case .notFound: "key.not_found"
        case .wrongPassphrase: "key.wrong_passphrase"
        case .corrupt: "key.corrupt"
        case .truncated: "key.truncated"
        case .tooOpen: "key.permissions"
        case .passphraseRequired: "key.passphrase_required"
        case .ioFailure: "key.io"
        case .exists: "key.exists"
        }
    }

    public var description: String {
        switch kind {
        case .notFound(let p): "No key file at \(p): run `shenguan init` to create this replica, or pass --home to the replica's folder."
        case .wrongPassphrase(let p): "The passphrase does not open the key file \(p): check SHENGUAN_PASSPHRASE or the passphrase you typed."
        case .corrupt(let p, let why): "The key file \(p) is damaged (\(why)): restore it from your key backup; do not edit it by hand."
        case .truncated(let p): "The key file \(p) is cut short (incomplete write or copy): restore it from your key backup."
        case .tooOpen(let p, let mode): "The key file \(p) can be read by other users (mode \(String(mode, radix: 8))): run `chmod 600 \(p)` and try again."
        case .passphraseRequired: "This replica's key is encrypted: set SHENGUAN_PASSPHRASE or run the command in a terminal to type the passphrase."
        case .ioFailure(let p, let why): "Could not access the key file \(p): \(why)."
        case .exists(let p): "A key file already exists at \(p): refusing to overwrite a replica's identity."
        }
    }
}

/// Argon2id cost parameters for sealing a key file.
public struct KDFStrength: Sendable {
    let opsLimit: UInt64
    let memLimit: Int
    /// libsodium's INTERACTIVE limits (2 passes, 64 MiB): about 0.1 s a signature session.
    public static let interactive = KDFStrength(opsLimit: Sodium.opsLimitInteractive, memLimit: Sodium.memLimitInteractive)
    /// libsodium's MODERATE limits (3 passes, 256 MiB), for root keys.
    public static let moderate = KDFStrength(opsLimit: 3, memLimit: 256 << 20)
}

/// Key files at rest (PROTOCOL.md, "Key files"): the Ed25519 seed sealed with
/// XChaCha20-Poly1305 under a key derived by Argon2id from the passphrase;
/// the public key is bound as associated data. Written atomically, mode 0600.
public enum KeyFile {
    public static let format = "shenguan-key/1"

    /// Serialises `key` sealed under `passphrase` (nil: unencrypted, which the
    /// CLI allows only behind an explicit flag that prints a warning).
    public static func seal(_ key: SigningKey, passphrase: String?,
                            strength: KDFStrength = .interactive) -> [UInt8] {
        let opsLimit = strength.opsLimit, memLimit = strength.memLimit
        var obj: [String: Any] = ["format": format, "publicKey": key.publicKey.base64url]
        if let passphrase {
            let salt = SecureRandom.bytes(Sodium.saltBytes)
            let nonce = SecureRandom.bytes(Sodium.nonceBytes)
            var k = Sodium.argon2id(passphrase: Array(passphrase.utf8), salt: salt, opsLimit: opsLimit, memLimit: memLimit)!
            defer { Sodium.wipe(&k) }
            let ct = Sodium.aeadSeal(plaintext: key.seed, ad: associatedData(key.publicKey), nonce: nonce, key: k)
            obj["kdf"] = ["alg": "argon2id13", "opslimit": Int(opsLimit), "memlimit": memLimit, "salt": Base64URL.encode(salt)]
            obj["cipher"] = "xchacha20poly1305-ietf"
            obj["nonce"] = Base64URL.encode(nonce)
            obj["ciphertext"] = Base64URL.encode(ct)
        } else {
            obj["kdf"] = NSNull()
            obj["seed"] = Base64URL.encode(key.seed)
        }
        let data = try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .prettyPrinted])
        return [UInt8](data) + [10]
    }

    /// Whether a serialised key file is encrypted (needs a passphrase).
    public static func isEncrypted(_ bytes: [UInt8]) -> Bool {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return true }
        return !(obj["kdf"] is NSNull)
    }

    /// The public key a key file names (stored in clear, bound to the
    /// sealed seed as associated data): no passphrase needed.
    public static func publicKey(of bytes: [UInt8]) -> PublicKey? {
        guard let obj = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
              obj["format"] as? String == format, let pk = obj["publicKey"] as? String else { return nil }
        return PublicKey(base64url: pk)
    }

    /// Opens a serialised key file. `path` only labels errors.
    public static func open(_ bytes: [UInt8], passphrase: String?, path: String = "key file") throws -> SigningKey {
        guard let any = try? JSONSerialization.jsonObject(with: Data(bytes)) else {
            // A prefix of a valid file fails to parse: call it truncated when it
            // starts like one of ours but does not end with the closing brace
            // every complete key file ends with.
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if bytes.isEmpty || text.hasPrefix("{") && !text.hasSuffix("}") {
                throw KeyFileError(kind: .truncated(path))
            }
            throw KeyFileError(kind: .corrupt(path, "not JSON"))
        }
        guard let obj = any as? [String: Any], obj["format"] as? String == format else {
            throw KeyFileError(kind: .corrupt(path, "not a \(format) key file"))
        }
        guard let pkText = obj["publicKey"] as? String, let pk = PublicKey(base64url: pkText) else {
            throw KeyFileError(kind: .corrupt(path, "public key missing or invalid"))
        }
        var seed: [UInt8]
        if obj["kdf"] is NSNull {
            guard let s = (obj["seed"] as? String).flatMap({ Base64URL.decode($0) }), s.count == 32 else {
                throw KeyFileError(kind: .corrupt(path, "seed missing or invalid"))
            }
            seed = s
        } else {
            guard let kdf = obj["kdf"] as? [String: Any], kdf["alg"] as? String == "argon2id13",
                  let ops = kdf["opslimit"] as? Int, let mem = kdf["memlimit"] as? Int,
                  let salt = (kdf["salt"] as? String).flatMap({ Base64URL.decode($0) }), salt.count == Sodium.saltBytes,
                  let nonce = (obj["nonce"] as? String).flatMap({ Base64URL.decode($0) }), nonce.count == Sodium.nonceBytes,
                  let ct = (obj["ciphertext"] as? String).flatMap({ Base64URL.decode($0) })
            else { throw KeyFileError(kind: .corrupt(path, "encryption parameters missing or invalid")) }
            guard ct.count == 32 + Sodium.tagBytes else { throw KeyFileError(kind: .corrupt(path, "sealed key has the wrong length")) }
            guard let passphrase else { throw KeyFileError(kind: .passphraseRequired) }
            guard ops >= 1, ops <= 16, mem >= 8192, mem <= 1 << 31,
                  var k = Sodium.argon2id(passphrase: Array(passphrase.utf8), salt: salt, opsLimit: UInt64(ops), memLimit: mem)
            else { throw KeyFileError(kind: .corrupt(path, "key-derivation parameters out of range")) }
            defer { Sodium.wipe(&k) }
            guard let s = Sodium.aeadOpen(ciphertext: ct, ad: associatedData(pk), nonce: nonce, key: k) else {
                throw KeyFileError(kind: .wrongPassphrase(path))
            }
            seed = s
        }
        defer { Sodium.wipe(&seed) }
        guard let key = SigningKey(seed: seed), key.publicKey == pk else {
            throw KeyFileError(kind: .corrupt(path, "the key does not match its public key"))
        }
        return key
    }

    private static func associatedData(_ pk: PublicKey) -> [UInt8] { Array((format + "\n" + pk.base64url).utf8) }

    // MARK: Files

    /// The Argon2id cost a sealed key file was written with (nil: unencrypted or unreadable).
    public static func strength(of bytes: [UInt8]) -> KDFStrength? {
        guard let obj = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
              let kdf = obj["kdf"] as? [String: Any], let ops = kdf["opslimit"] as? Int, let mem = kdf["memlimit"] as? Int,
              ops >= 1, ops <= 16, mem >= 8192, mem <= 1 << 31 else { return nil }
        return KDFStrength(opsLimit: UInt64(ops), memLimit: mem)
    }

    /// Changes a key file's passphrase in place: opened with `old`, sealed
    /// again under `new` with the same cost (a fresh salt and nonce), and
    /// replaced atomically; on any failure the old file stays as it was.
    public static func changePassphrase(at path: String, old: String?, new: String) throws {
        let bytes = try read(from: path)
        let key = try open(bytes, passphrase: old, path: path)
        let sealed = seal(key, passphrase: new, strength: strength(of: bytes) ?? .interactive)
        try write(sealed, to: path, replacing: true)
    }

    /// Writes a new key file atomically (temporary file + fsync + rename) with
    /// mode 0600. Refuses to overwrite an existing key unless `replacing`.
    public static func write(_ bytes: [UInt8], to path: String, replacing: Bool = false) throws {
        if !replacing && FileManager.default.fileExists(atPath: path) { throw KeyFileError(kind: .exists(path)) }
        let tmp = path + ".tmp-\(getpid())"
        let fd = Glibc.open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw KeyFileError(kind: .ioFailure(path, String(cString: strerror(errno)))) }
        var ok = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == bytes.count
        ok = ok && fsync(fd) == 0 && fchmod(fd, 0o600) == 0
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw KeyFileError(kind: .ioFailure(path, "write failed"))
        }
        let dir = (path as NSString).deletingLastPathComponent
        let dfd = Glibc.open(dir.isEmpty ? "." : dir, O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    /// Reads a key file, refusing one that group or others can read.
    public static func read(from path: String) throws -> [UInt8] {
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT { throw KeyFileError(kind: .notFound(path)) }
            throw KeyFileError(kind: .ioFailure(path, String(cString: strerror(errno))))
        }
        let mode = UInt16(st.st_mode & 0o777)
        guard mode & 0o077 == 0 else { throw KeyFileError(kind: .tooOpen(path, mode)) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeyFileError(kind: .ioFailure(path, "unreadable"))
        }
        return [UInt8](data)
    }

    /// Reads and opens a key file in one step.
    public static func load(from path: String, passphrase: String?) throws -> SigningKey {
        try open(read(from: path), passphrase: passphrase, path: path)
    }
}
