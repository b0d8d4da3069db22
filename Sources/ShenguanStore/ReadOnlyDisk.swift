import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A replica on a read-only filesystem (a disk mounted read-only for an
/// audit, a snapshot, a full disk remounted by the system): its views still
/// work, its writes are refused as `store.read_only` (issue 14 item 5).
enum ReadOnlyDisk {
    /// True if the filesystem holding `path` (or its folder, when the file
    /// does not exist yet) is mounted read-only. Only the mount counts: a
    /// file merely not writable by this account may be written by another,
    /// so it is not read as immutable.
    static func holds(_ path: String) -> Bool {
        var st = statvfs()
        let folder = (path as NSString).deletingLastPathComponent
        for candidate in [path, folder.isEmpty ? "." : folder] where statvfs(candidate, &st) == 0 {
            return st.f_flag & UInt(ST_RDONLY) != 0
        }
        return false
    }

    /// True if `path-wal` holds frames (committed writes not yet copied
    /// into the database file).
    static func walHoldsCommits(_ path: String) -> Bool {
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? nil
        return (size ?? 0) > 0
    }

    /// `file:` URI of `path` with SQLite's `immutable=1` (RFC 3986
    /// percent-encoding of everything but unreserved characters and `/`).
    static func immutableURI(_ path: String) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/".utf8)
        var out = "file:"
        for b in path.utf8 {
            if allowed.contains(b) { out.append(Character(UnicodeScalar(b))) } else { out += String(format: "%%%02X", b) }
        }
        return out + "?immutable=1"
    }
}
