import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL

/// TLS for `shenguan serve` (issue 14 item 3): the sync API and 审管工作台
/// served over HTTPS with a certificate and key in PEM files, and the
/// client's trust in a network's own certification authority.
///
/// Answers are signed by the serving replica whatever the transport
/// (PROTOCOL.md §7.2), so TLS adds confidentiality: applicants' personal
/// data does not cross the department's network in clear.
public enum ServeTLS {
    /// The server side: the certificate chain (leaf first) and its private
    /// key, TLS 1.2 at least. Refusals name the file and what is wrong.
    public static func server(certificate: String, key: String) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificate) } catch {
            throw SyncClientError(code: "serve.tls", detail: "Cannot read the TLS certificate \(certificate) (\(Self.reason(error))): give a PEM file holding the server's certificate, then any intermediates.")
        }
        guard !chain.isEmpty else {
            throw SyncClientError(code: "serve.tls", detail: "\(certificate) holds no certificate: give a PEM file (-----BEGIN CERTIFICATE-----).")
        }
        let privateKey: NIOSSLPrivateKey
        do { privateKey = try NIOSSLPrivateKey(file: key, format: .pem) } catch {
            throw SyncClientError(code: "serve.tls", detail: "Cannot read the TLS private key \(key) (\(Self.reason(error))): give the unencrypted PEM key of the certificate, readable by this account only (mode 0600).")
        }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        tls.minimumTLSVersion = .tlsv12
        // The certificate and key must belong together: checked now, not at
        // the first connection.
        do { _ = try NIOSSLContext(configuration: tls) } catch {
            throw SyncClientError(code: "serve.tls", detail: "The TLS certificate \(certificate) and key \(key) do not belong together (\(Self.reason(error))).")
        }
        return tls
    }

    /// The client side: system trust roots, or only the certificates of
    /// `caFile` (a network's own authority) when given.
    public static func client(caFile: String?) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let caFile {
            let certificates: [NIOSSLCertificate]
            do { certificates = try NIOSSLCertificate.fromPEMFile(caFile) } catch {
                throw SyncClientError(code: "sync.tls_ca", detail: "Cannot read the certification authority \(caFile) (\(Self.reason(error))): give the PEM file of the network's CA (--tls-ca or SHENGUAN_TLS_CA).")
            }
            tls.trustRoots = .certificates(certificates)
        }
        return tls
    }

    /// The HTTP/1.1 server builder, over TLS when `tls` is given.
    package static func builder(_ base: HTTPServerBuilder, tls: TLSConfiguration?) throws -> HTTPServerBuilder {
        guard let tls else { return base }
        return try .tls(base, tlsConfiguration: tls)
    }

    static func reason(_ error: any Error) -> String {
        (error as? CocoaError).map { $0.code == .fileReadNoSuchFile ? "no such file" : "\($0.code)" } ?? "\(type(of: error)): \(error)"
    }
}
