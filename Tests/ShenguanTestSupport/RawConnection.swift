import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to a loopback server, for clients that misbehave
/// on purpose (never finish their headers, stall their body). Reads block
/// with a receive timeout, so a test can tell "the server closed" from "the
/// server never answered" without sleeping.
public final class RawConnection {
    private let fd: Int32
    /// True once a read ended because the peer closed the connection.
    public private(set) var closedByPeer = false
    /// True if a read gave up after the receive timeout.
    public private(set) var timedOut = false

    /// Connects to `url` (http://127.0.0.1:PORT); reads wait at most `timeout` seconds.
    public init(url: String, timeout: Int = 20) throws {
        guard let port = URL(string: url)?.port else { throw NSError(domain: "RawConnection", code: 1) }
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw NSError(domain: "RawConnection", code: 2, userInfo: [NSLocalizedDescriptionKey: "connect failed"]) }
    }

    public func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Everything the server sends until it closes (or the timeout passes).
    public func readToEnd() -> String {
        var out = [UInt8](), buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { out += buf[0..<n]; continue }
            if n == 0 { closedByPeer = true } else if errno == EAGAIN || errno == EWOULDBLOCK { timedOut = true } else { closedByPeer = true }
            return String(decoding: out, as: UTF8.self)
        }
    }

    deinit { close(fd) }
}
