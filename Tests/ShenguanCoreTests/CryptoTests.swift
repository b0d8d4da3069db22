import Foundation
import Testing
@testable import ShenguanCrypto
import ShenguanTestSupport

@Suite struct CryptoTests {
    @Test func signAndVerify() {
        let k = SigningKey.generate()
        let msg = Array("审管互动".utf8)
        let sig = k.sign(msg)
        #expect(sig.count == 64)
        #expect(k.publicKey.verify(signature: sig, message: msg))
        #expect(!k.publicKey.verify(signature: sig, message: msg + [0]))
        #expect(!SigningKey.generate().publicKey.verify(signature: sig, message: msg))
        #expect(k.publicKey.verify(signature: k.sign([]), message: []))  // empty buffers are fine
    }

    @Test func rfc8032TestVector1() {
        // RFC 8032 §7.1 TEST 1 (empty message).
        let k = SigningKey(seed: Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")!)!
        #expect(Hex.encode(k.publicKey.bytes) == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        #expect(Hex.encode(k.sign([])) == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
    }

    @Test func sha256KnownAnswers() {
        #expect(SHA256.hash([UInt8]()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hash(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func base64urlIsStrict() {
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
        #expect(Base64URL.decode("-_8") == [0xfb, 0xff])
        #expect(Base64URL.decode("-_8=") == nil)   // padding
        #expect(Base64URL.decode("-_9") == nil)    // non-zero trailing bits
        #expect(Base64URL.decode("+/8") == nil)    // standard alphabet
    }

    /// The fast decoder (four characters at a time) against a bit-by-bit
    /// reference, on round trips of every length 0–70 and on strings with a
    /// character outside the alphabet, a bad length or non-zero trailing bits
    /// at every position.
    @Test func base64urlDecoderEqualsReference() {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        func reference(_ s: [UInt8]) -> [UInt8]? {
            guard s.count % 4 != 1 else { return nil }
            var out = [UInt8](), acc = 0, bits = 0
            for c in s {
                guard let d = alphabet.firstIndex(of: c) else { return nil }
                acc = (acc << 6 | d) & 0xFFFF; bits += 6
                if bits >= 8 { bits -= 8; out.append(UInt8(truncatingIfNeeded: acc >> bits)) }
            }
            return acc & ((1 << bits) - 1) == 0 ? out : nil
        }
        var rng = SystemRandomNumberGenerator()
        for n in 0...70 {
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let text = Base64URL.encode(bytes)
            #expect(Base64URL.decode(text) == bytes)
            var u = Array(text.utf8)
            for i in u.indices {
                var bad = u; bad[i] = [UInt8(ascii: "="), UInt8(ascii: "+"), 0xFF, 0][i % 4]
                #expect(Base64URL.decode(String(decoding: bad, as: UTF8.self)) == nil)
                var other = u; other[i] = alphabet.randomElement(using: &rng)!
                let s = String(decoding: other, as: UTF8.self)
                #expect(Base64URL.decode(s) == reference(other), "\(s)")
            }
            u.append(alphabet.randomElement(using: &rng)!)
            #expect(Base64URL.decode(String(decoding: u, as: UTF8.self)) == reference(u))
        }
    }

    @Test func keyFileRoundTripAndErrors() throws {
        let key = SigningKey.generate()
        let sealed = KeyFile.seal(key, passphrase: "正确的口令")
        #expect(!String(decoding: sealed, as: UTF8.self).contains(Base64URL.encode(key.seed)))
        #expect(try KeyFile.open(sealed, passphrase: "正确的口令").publicKey == key.publicKey)
        func code(_ bytes: [UInt8], _ pass: String?) -> String? {
            do { _ = try KeyFile.open(bytes, passphrase: pass); return nil } catch let e as KeyFileError { return e.code } catch { return "other" }
        }
        #expect(code(sealed, "wrong") == "key.wrong_passphrase")
        #expect(code(sealed, nil) == "key.passphrase_required")
        #expect(code(Array(sealed.prefix(sealed.count / 2)), "正确的口令") == "key.truncated")
        #expect(code([], "x") == "key.truncated")
        #expect(code(Array("not a key".utf8), "x") == "key.corrupt")
        // A flipped ciphertext byte is caught by the AEAD tag, like a wrong passphrase would be,
        // but a damaged structure is reported as corrupt.
        var text = String(decoding: sealed, as: UTF8.self)
        text = text.replacingOccurrences(of: "\"argon2id13\"", with: "\"scrypt\"")
        #expect(code(Array(text.utf8), "正确的口令") == "key.corrupt")
        let plain = KeyFile.seal(key, passphrase: nil)
        #expect(try KeyFile.open(plain, passphrase: nil).publicKey == key.publicKey)
        #expect(!KeyFile.isEncrypted(plain) && KeyFile.isEncrypted(sealed))
        #expect("\(key)".contains("<redacted>"))
    }

    @Test func keyFilesAreWrittenMode0600AndRefusedWhenOpen() throws {
        let dir = TempDir("key"); defer { dir.remove() }
        let path = dir.file("replica.key")
        try KeyFile.write(KeyFile.seal(SigningKey.generate(), passphrase: "p"), to: path)
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
        #expect(mode == 0o600)
        #expect(throws: KeyFileError.self) { try KeyFile.write([1], to: path) }  // never overwrites
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect { try KeyFile.load(from: path, passphrase: "p") } throws: { ($0 as? KeyFileError)?.code == "key.permissions" }
        #expect { try KeyFile.load(from: dir.file("missing.key"), passphrase: "p") } throws: { ($0 as? KeyFileError)?.code == "key.not_found" }
    }
}

@Suite struct KeyFileTruncationTests {
    /// Cut anywhere, even just the closing brace, a key file reads as truncated.
    @Test func everyPrefixIsTruncatedNotCorrupt() {
        let sealed = KeyFile.seal(SigningKey.generate(), passphrase: "p")
        for n in stride(from: 0, to: sealed.count - 1, by: 7) + [sealed.count - 2] {
            do { _ = try KeyFile.open(Array(sealed.prefix(n)), passphrase: "p"); Issue.record("prefix \(n) opened") }
            catch let e as KeyFileError { #expect(e.code == "key.truncated", "prefix of \(n) bytes") }
            catch { Issue.record("\(error)") }
        }
    }
}
