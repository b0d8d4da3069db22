import Foundation
import Testing
import ShenguanTestSupport

/// Issue 14 item 3: `shenguan serve --tls-cert/--tls-key` serves the sync
/// API (and 审管工作台) over HTTPS; `shenguan sync --tls-ca` trusts a
/// network's own authority. Real certificates made by `openssl`, real
/// processes on loopback.
@Suite(.serialized) struct CLITLSTests {
    /// A self-signed certificate for `name` (an IP address or a DNS name),
    /// P-256, valid two days: (certificate, key) PEM paths in `dir`.
    static func certificate(_ dir: TempDir, _ tag: String, name: String = "127.0.0.1") throws -> (String, String) {
        let cert = dir.file("\(tag)-cert.pem"), key = dir.file("\(tag)-key.pem")
        let san = name.allSatisfy { $0.isNumber || $0 == "." } ? "IP:\(name)" : "DNS:\(name)"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                       "-subj", "/CN=\(name)", "-addext", "subjectAltName=\(san)", "-keyout", key, "-out", cert]
        p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
        try p.run(); p.waitUntilExit()
        try #require(p.terminationStatus == 0, "openssl req failed")
        return (cert, key)
    }

    @Test func syncOverHTTPSWithTheNetworksAuthority() throws {
        let dir = TempDir("cli-tls"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        let o = net.oversight
        let p = try net.join("P")
        try net.distributeRoster(to: [p])
        let (cert, key) = try Self.certificate(dir, "p")
        let server = try ServerProcess(arguments: ["--home", p.home, "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key],
                                       env: CLI.baseEnv)
        defer { _ = server.stop() }
        #expect(server.url.hasPrefix("https://127.0.0.1:"), "\(server.url)")
        let note = try o.note("申请人身份证号只经加密连接传输")

        // Not trusted: the system's roots do not know this certificate.
        let untrusted = try o.run(["sync", server.url])
        expectError(untrusted, "sync.tls")
        #expect(untrusted.stderr.contains("not trusted"), "\(untrusted.stderr)")
        #expect(try p.run(["show", note]).status != 0, "nothing crossed")
        // A certificate for another name, trusted, is still refused here.
        let (other, _) = try Self.certificate(dir, "other", name: "other.example")
        expectError(try o.run(["sync", server.url, "--tls-ca", other]), "sync.tls")
        // Plain HTTP to the TLS port gets no answer it could believe.
        let plain = try o.run(["sync", server.url.replacingOccurrences(of: "https://", with: "http://")])
        #expect(plain.status == 2)
        #expect(try p.run(["show", note]).status != 0)

        // The network's authority (here the certificate itself), by option or environment.
        try o.ok(["sync", server.url, "--tls-ca", cert])
        #expect(try p.run(["show", note]).status == 0)
        let second = try o.note("第二条")
        _ = try o.ok(["sync", server.url], env: ["SHENGUAN_TLS_CA": cert])
        #expect(try p.run(["show", second]).status == 0)
        #expect(try o.digest() == p.digest())
    }

    @Test func badCertificateFilesAreRefusedBeforeListening() throws {
        let dir = TempDir("cli-tls"); defer { dir.remove() }
        let net = try TestNet(in: dir)
        let o = net.oversight
        let (cert, key) = try Self.certificate(dir, "a")
        let (_, otherKey) = try Self.certificate(dir, "b")
        let missing = try o.run(["serve", "--listen", "127.0.0.1:0", "--tls-cert", dir.file("none.pem"), "--tls-key", key])
        expectError(missing, "serve.tls")
        #expect(missing.stderr.contains("none.pem"), "\(missing.stderr)")
        let mismatched = try o.run(["serve", "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", otherKey])
        expectError(mismatched, "serve.tls")
        #expect(mismatched.stderr.contains("do not belong together"), "\(mismatched.stderr)")
        expectError(try o.run(["serve", "--listen", "127.0.0.1:0", "--tls-cert", cert]), "cli.tls_pair")
    }
}
