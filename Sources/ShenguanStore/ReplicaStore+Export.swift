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
    /// and the rest still applies. The file is read in blocks of whole lines
    /// (`blockBytes`), so memory stays bounded whatever its size.
    ///
    /// `progress` is called after each committed batch with the number of
    /// operation lines done and the count the header declares (what a
    /// crash would keep).
    public func importFile(_ path: String, now: Int64, batchSize: Int = 5000, blockBytes: Int = 32 << 20,
                           progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> IngestReport {
        guard let fh = FileHandle(forReadingAtPath: path) else { throw StoreError(.invalid("Cannot read \(path).")) }
        defer { try? fh.close() }
        var carry = [UInt8]()
        var eof = false
        /// The next block of whole lines (the last block: whatever is left).
        func nextBlock() -> [UInt8]? {
            while !eof {
                let chunk = fh.readData(ofLength: blockBytes)
                if chunk.isEmpty { eof = true; break }
                carry.append(contentsOf: chunk)
                if let nl = carry.lastIndex(of: 10) {
                    let block = Array(carry[...nl])
                    carry.removeSubrange(...nl)
                    return block
                }
            }
            guard !carry.isEmpty else { return nil }
            defer { carry = [] }
            return carry
        }
        var block = nextBlock() ?? []
        let nl = block.firstIndex(of: 10) ?? block.count
        guard let head = try? CanonicalJSON.parse(Array(block[..<nl])), head["format"]?.stringValue == Self.exportFormat else {
            throw StoreError(.badExport(1, "the first line must be a \(Self.exportFormat) header"))
        }
        if let net = head["network"]?.stringValue, net != network.hex {
            throw StoreError(.networkMismatch(have: network.hex, asked: net))
        }
        let declared = head["count"]?.intValue
        block.removeSubrange(..<min(block.count, nl + 1))
        var report = IngestReport()
        var seen = 0
        var complete = true
        while true {
            // Every line is an operation (PROTOCOL.md §3); only the empty
            // string after a final newline is not a line.
            var lines = Lines.ranges(block)
            if lines.last?.isEmpty ?? false { lines.removeLast() } else if !lines.isEmpty { complete = false }
            if !lines.isEmpty {
                try ingestLines(block, lines, firstIndex: seen, now: now, batchSize: batchSize, into: &report) { done in
                    progress?(done, Int(declared ?? 0))
                }
                seen += lines.count
            }
            guard let next = nextBlock() else { break }
            block = next
        }
        if !complete {
            report.damage = StoreError(.damagedExport("the last line is cut short: no final newline"))
        } else if let declared, declared != Int64(seen) {
            report.damage = StoreError(.damagedExport("the header declares \(declared) operations, the file holds \(seen)"))
        }
        return report
    }

    /// Verifies and ingests the operation lines `lines` of `bytes` (file
    /// operation indices from `firstIndex`), verification running on every
    /// core ahead of the writer.
    func ingestLines(_ bytes: [UInt8], _ lines: [Range<Int>], firstIndex: Int, now: Int64, batchSize: Int,
                     into report: inout IngestReport, committed: (Int) -> Void) throws {
        let net = network
        let body = lines.enumerated().map { (offset: firstIndex + $0.offset, element: $0.element) }
        // Verification runs continuously on every core, a chunk per core at
        // a time with no barrier between chunks, up to two transactions
        // ahead of the writer (a bounded pipeline): the cores never wait for
        // a transaction, and the writer never waits for a whole batch.
        let chunk = 500
        let chunks = stride(from: 0, to: body.count, by: chunk).map { Array(body[$0..<min($0 + chunk, body.count)]) }
        let perBatch = max(1, batchSize / chunk)
        let pipeline = VerifyPipeline(count: chunks.count, ahead: 2 * perBatch)
        DispatchQueue.global().async {
            // Iterations are handed out in increasing order, so the chunks
            // holding room are always the lowest ones not yet taken.
            DispatchQueue.concurrentPerform(iterations: chunks.count) { k in
                guard pipeline.waitForRoom() else { return }
                pipeline.put(k, chunks[k].map { line in
                    do throws(OpRejection) {
                        return .success(try VerifiedOp.verify(try Envelope.decode(Array(bytes[line.element])), network: net))
                    } catch { return .failure(error) }
                })
            }
        }
        defer { pipeline.cancel() }
        for first in stride(from: 0, to: chunks.count, by: perBatch) {
            let ks = first..<min(first + perBatch, chunks.count)
            let verified = ks.flatMap { pipeline.take($0) }
            let offsets = ks.flatMap { chunks[$0].map(\.offset) }
            let r = try ingestVerified(verified, now: now)
            // Report indices as positions among the file's operation lines.
            report.results += r.results.map {
                IngestResult(index: offsets[$0.index], id: $0.id, outcome: $0.outcome, equivocation: $0.equivocation, kind: $0.kind)
            }
            report.released += r.released
            committed(offsets.last.map { $0 + 1 } ?? 0)
        }
    }
}

/// A bounded hand-over of verified chunks from one producer to the writer:
/// chunk k is taken in order; the producer may run `ahead` chunks ahead.
final class VerifyPipeline: @unchecked Sendable {
    private var slots: [[Result<VerifiedOp, OpRejection>]?]
    private let ready: [DispatchSemaphore]
    private let room: DispatchSemaphore
    private let lock = NSLock()
    private var cancelled = false

    init(count: Int, ahead: Int) {
        slots = Array(repeating: nil, count: count)
        ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        room = DispatchSemaphore(value: ahead)
    }

    /// Producer: blocks while `ahead` chunks wait; false once the writer stopped.
    func waitForRoom() -> Bool {
        room.wait()
        return lock.withLock { !cancelled }
    }

    func put(_ k: Int, _ chunk: [Result<VerifiedOp, OpRejection>]) {
        lock.withLock { slots[k] = chunk }
        ready[k].signal()
    }

    /// Writer: waits for chunk k, takes it and frees its room.
    func take(_ k: Int) -> [Result<VerifiedOp, OpRejection>] {
        ready[k].wait()
        let chunk = lock.withLock { () -> [Result<VerifiedOp, OpRejection>] in
            defer { slots[k] = nil }
            return slots[k]!
        }
        room.signal()
        return chunk
    }

    /// The writer is done (or failed): let every waiting producer stop.
    func cancel() {
        lock.withLock { cancelled = true }
        for _ in slots.indices { room.signal() }
    }
}
