import CSodium

/// The only caller of libsodium (DESIGN.md layering): every other file of the
/// package reaches Ed25519, SHA-256, Argon2id and XChaCha20-Poly1305 through
/// the typed wrappers of this module.
enum Sodium {
    /// `sodium_init` must run once before any other call; it is idempotent
    /// and thread-safe, and Swift's lazy globals run it exactly once.
    static let ready: Bool = sodium_init() >= 0

    static func ensureReady() {
        precondition(ready, "libsodium failed to initialise")
    }

    static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        ensureReady()
        var out = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        out.withUnsafeMutableBufferPointer { o in
            // libsodium imports the input pointer as non-optional: give it a
            // valid address even for an empty buffer.
            if let base = bytes.baseAddress {
                _ = crypto_hash_sha256(o.baseAddress!, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
            } else {
                var zero: UInt8 = 0
                _ = crypto_hash_sha256(o.baseAddress!, &zero, 0)
            }
        }
        return out
    }

    /// Incremental SHA-256 (`crypto_hash_sha256_init/update/final`).
    final class SHA256Stream {
        private var state = crypto_hash_sha256_state()
        init() { ensureReady(); crypto_hash_sha256_init(&state) }
        func update(_ bytes: UnsafeRawBufferPointer) {
            guard let base = bytes.baseAddress, bytes.count > 0 else { return }
            crypto_hash_sha256_update(&state, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
        }
        func finish() -> [UInt8] {
            var out = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
            crypto_hash_sha256_final(&state, &out)
            return out
        }
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        ensureReady()
        var out = [UInt8](repeating: 0, count: count)
        if count > 0 { out.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) } }
        return out
    }

    /// Returns (publicKey 32, secretKey 64) from a 32-byte seed.
    static func ed25519KeyPair(seed: [UInt8]) -> (pk: [UInt8], sk: [UInt8]) {
        ensureReady()
        precondition(seed.count == Int(crypto_sign_SEEDBYTES))
        var pk = [UInt8](repeating: 0, count: Int(crypto_sign_PUBLICKEYBYTES))
        var sk = [UInt8](repeating: 0, count: Int(crypto_sign_SECRETKEYBYTES))
        _ = crypto_sign_seed_keypair(&pk, &sk, seed)
        return (pk, sk)
    }

    static func ed25519Sign(message: UnsafeRawBufferPointer, secretKey: [UInt8]) -> [UInt8] {
        ensureReady()
        var sig = [UInt8](repeating: 0, count: Int(crypto_sign_BYTES))
        var zero: UInt8 = 0
        let m = message.baseAddress?.assumingMemoryBound(to: UInt8.self)
        if let m {
            _ = crypto_sign_detached(&sig, nil, m, UInt64(message.count), secretKey)
        } else {
            _ = crypto_sign_detached(&sig, nil, &zero, 0, secretKey)
        }
        return sig
    }

    static func ed25519Verify(signature: [UInt8], message: UnsafeRawBufferPointer, publicKey: [UInt8]) -> Bool {
        ensureReady()
        guard signature.count == Int(crypto_sign_BYTES), publicKey.count == Int(crypto_sign_PUBLICKEYBYTES) else { return false }
        var zero: UInt8 = 0
        if let m = message.baseAddress?.assumingMemoryBound(to: UInt8.self) {
            return crypto_sign_verify_detached(signature, m, UInt64(message.count), publicKey) == 0
        }
        return crypto_sign_verify_detached(signature, &zero, 0, publicKey) == 0
    }

    /// libsodium's `crypto_core_ed25519_is_valid_point`: canonical, not of
    /// small order, on the curve, in the prime-order subgroup.
    static func ed25519IsValidPoint(_ p: [UInt8]) -> Bool {
        ensureReady()
        guard p.count == 32 else { return false }
        return crypto_core_ed25519_is_valid_point(p) == 1
    }

    // MARK: Argon2id + XChaCha20-Poly1305 (key files at rest)

    static let saltBytes = Int(crypto_pwhash_SALTBYTES)
    static let nonceBytes = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    static let keyBytes = Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    static let tagBytes = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)
    static let argon2idAlg = Int32(crypto_pwhash_ALG_ARGON2ID13)
    static let opsLimitInteractive = UInt64(crypto_pwhash_OPSLIMIT_INTERACTIVE)
    static let memLimitInteractive = Int(crypto_pwhash_MEMLIMIT_INTERACTIVE)

    /// Argon2id key derivation; nil when libsodium refuses (out of memory or
    /// limits out of range).
    static func argon2id(passphrase: [UInt8], salt: [UInt8], opsLimit: UInt64, memLimit: Int) -> [UInt8]? {
        ensureReady()
        guard salt.count == saltBytes else { return nil }
        var key = [UInt8](repeating: 0, count: keyBytes)
        let rc: Int32 = passphrase.withUnsafeBufferPointer { p in
            var zero: CChar = 0
            let pw = p.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            return crypto_pwhash(&key, UInt64(keyBytes), pw ?? withUnsafePointer(to: &zero) { $0 }, UInt64(p.count),
                                 salt, opsLimit, memLimit, argon2idAlg)
        }
        return rc == 0 ? key : nil
    }

    /// An Argon2id password hash in libsodium's self-describing string form
    /// (`$argon2id$v=19$m=…,t=…,p=1$salt$hash`), with a fresh random salt.
    static func passwordHash(_ password: [UInt8], opsLimit: UInt64, memLimit: Int) -> String? {
        ensureReady()
        var out = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
        let rc: Int32 = password.withUnsafeBufferPointer { p in
            var zero: CChar = 0
            let pw = p.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            return crypto_pwhash_str_alg(&out, pw ?? withUnsafePointer(to: &zero) { $0 }, UInt64(p.count), opsLimit, memLimit, argon2idAlg)
        }
        guard rc == 0 else { return nil }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches a hash made by `passwordHash` (constant time).
    static func passwordVerify(_ password: [UInt8], hash: String) -> Bool {
        ensureReady()
        var h = Array(hash.utf8CString)
        guard h.count <= Int(crypto_pwhash_STRBYTES) else { return false }
        h += [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES) - h.count)
        return password.withUnsafeBufferPointer { p in
            var zero: CChar = 0
            let pw = p.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            return crypto_pwhash_str_verify(h, pw ?? withUnsafePointer(to: &zero) { $0 }, UInt64(p.count)) == 0
        }
    }

    static func aeadSeal(plaintext: [UInt8], ad: [UInt8], nonce: [UInt8], key: [UInt8]) -> [UInt8] {
        ensureReady()
        var out = [UInt8](repeating: 0, count: plaintext.count + tagBytes)
        var outLen: UInt64 = 0
        _ = crypto_aead_xchacha20poly1305_ietf_encrypt(&out, &outLen, plaintext, UInt64(plaintext.count),
                                                       ad, UInt64(ad.count), nil, nonce, key)
        return Array(out.prefix(Int(outLen)))
    }

    static func aeadOpen(ciphertext: [UInt8], ad: [UInt8], nonce: [UInt8], key: [UInt8]) -> [UInt8]? {
        ensureReady()
        guard ciphertext.count >= tagBytes, nonce.count == nonceBytes else { return nil }
        var out = [UInt8](repeating: 0, count: ciphertext.count)
        var outLen: UInt64 = 0
        let rc = crypto_aead_xchacha20poly1305_ietf_decrypt(&out, &outLen, nil, ciphertext, UInt64(ciphertext.count),
                                                           ad, UInt64(ad.count), nonce, key)
        return rc == 0 ? Array(out.prefix(Int(outLen))) : nil
    }

    /// Overwrites secret material in place (best effort against lingering copies).
    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { if let b = $0.baseAddress { sodium_memzero(b, $0.count) } }
    }
}
