import Foundation
import ShenguanCore
import ShenguanCrypto

/// Export files for offline transfer (PROTOCOL.md §3): JSON Lines, a header
/// line then one envelope per line in causal order.
extension ReplicaStore {
    public static let exportFormat = "shenguan-export/1"

    /// Writes every held operation to `path` (atomically: temporary file, then
    /// rename). Returns the number of operations written.
    @discardableResult
    public func export(to path: String) throws -> Int {
        let n = try count()
        let tmp = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        _ = FileManager.default.createFile(atPath: tmp, contents: nil)
        guard let fh = FileHandle(forWritingAtPath: tmp) else { throw StoreError(.invalid("Cannot write \(path).")) }
        var buffer = try CanonicalJSON.encode(["count": .int(Int64(n)), "format": .string(Self.exportFormat),
                                               "network": .string(network.hex)]) + [10]
        var written = 0
        try forEachEnvelope { env, _ in
            env.encode(into: &buffer); buffer.append(10); written += 1
            if buffer.count > 1 << 20 { fh.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
        }
        fh.write(Data(buffer))
        try fh.synchronize()
        try fh.close()
        guard written == n else { throw StoreError(.invalid("The replica changed during export; run it again.")) }
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: tmp, toPath: path)
        return n
    }

    /// Reads an export file and ingests it in batches. A line that cannot be
    /// read is reported as rejected (with its line number as batch index + 2)
    /// and the rest still applies.
    public func importFile(_ path: String, now: Int64, batchSize: Int = 5000) throws -> IngestReport {
        guard let data = FileManager.default.contents(atPath: path) else { throw StoreError(.invalid("Cannot read \(path).")) }
        let lines = data.split(separator: 10, omittingEmptySubsequences: false)
        guard let first = lines.first, let head = try? CanonicalJSON.parse([UInt8](first)),
              head["format"]?.stringValue == Self.exportFormat else {
            throw StoreError(.badExport(1, "the first line must be a \(Self.exportFormat) header"))
        }
        if let net = head["network"]?.stringValue, net != network.hex {
            throw StoreError(.networkMismatch(have: network.hex, asked: net))
        }
        // Lines are decoded and verified on all cores one batch ahead of the
        // write transaction, so verification overlaps with SQLite writes.
        let net = network
        // Every line after the header is an operation (PROTOCOL.md §3); only the
        // empty string after the final newline is not a line.
        var opLines = Array(lines.dropFirst())
        let complete = opLines.last?.isEmpty ?? false
        if complete { opLines.removeLast() }
        let body = Array(opLines.enumerated())
        let batches = stride(from: 0, to: body.count, by: batchSize).map { Array(body[$0..<min($0 + batchSize, body.count)]) }
        @Sendable func verify(_ batch: [(offset: Int, element: Data.SubSequence)]) -> [Result<VerifiedOp, OpRejection>] {
            let envelopes = parallelMap(batch.map { [UInt8]($0.element) }) { line -> Result<Envelope, OpRejection> in
                do throws(OpRejection) { return .success(try Envelope.decode(line)) } catch { return .failure(error) }
            }
            return ReplicaStore.verifyAll(envelopes, network: net)
        }
        var report = IngestReport()
        var ahead = batches.first.map(verify)
        for (k, batch) in batches.enumerated() {
            let current = ahead!
            let group = DispatchGroup()
            nonisolated(unsafe) var next: [Result<VerifiedOp, OpRejection>]?
            if k + 1 < batches.count {
                let upcoming = batches[k + 1]
                DispatchQueue.global().async(group: group) { next = verify(upcoming) }
            }
            let r = try ingestVerified(current, now: now)
            group.wait()
            ahead = next
            // Report indices as positions among the file's operation lines.
            report.results += r.results.map {
                IngestResult(index: batch[$0.index].offset, id: $0.id, outcome: $0.outcome, equivocation: $0.equivocation, kind: $0.kind)
            }
            report.released += r.released
        }
        let declared = head["count"]?.intValue
        if !complete {
            report.damage = StoreError(.damagedExport("the last line is cut short: no final newline"))
        } else if let declared, declared != Int64(opLines.count) {
            report.damage = StoreError(.damagedExport("the header declares \(declared) operations, the file holds \(opLines.count)"))
        }
        return report
    }
}
