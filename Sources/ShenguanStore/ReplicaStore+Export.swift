import Foundation
#if canImport(Glibc)
import Glibc
#endif
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
        guard let reader = BlockReader(path: path, blockBytes: blockBytes) else { throw StoreError(.invalid("Cannot read \(path).")) }
        var block = reader.next() ?? []
        let nl = block.firstIndex(of: 10) ?? block.count
        guard let head = try? CanonicalJSON.parse(Array(block[..<nl])), head["format"]?.stringValue == Self.exportFormat else {
            throw StoreError(.badExport(1, "the first line must be a \(Self.exportFormat) header"))
        }
        if let net = head["network"]?.stringValue, net != network.hex {
            throw StoreError(.networkMismatch(have: network.hex, asked: net))
        }
        let declared = head["count"]?.intValue
        block.removeSubrange(..<min(block.count, nl + 1))
        // One pipeline for the whole file (the way sync overlaps its
        // stages): a producer reads the blocks, cuts them into chunks of
        // whole lines and verifies each chunk on every core, up to two
        // transactions ahead of the writer, which takes the chunks in order
        // and commits a batch at a time. Nothing waits at block boundaries.
        let net = network
        let chunkLines = max(1, min(500, batchSize))
        let feed = ChunkFeed(ahead: 2 * max(1, batchSize / chunkLines))
        reader.pushBack(block)
        DispatchQueue.global().async {
            var chunkCount = 0, seen = 0, complete = true
            while !feed.isCancelled, let block = reader.next() {
                // Every line is an operation (PROTOCOL.md §3); only the empty
                // string after a final newline is not a line.
                var cut = Lines.ranges(block)
                if cut.last?.isEmpty ?? false { cut.removeLast() } else if !cut.isEmpty { complete = false }
                let lines = cut, base = chunkCount, firstLine = seen
                let starts = Array(stride(from: 0, to: lines.count, by: chunkLines))
                // Iterations are handed out in increasing order and a chunk
                // waits only for chunks below it: the writer's next chunk
                // always has room.
                DispatchQueue.concurrentPerform(iterations: starts.count) { j in
                    guard feed.waitForRoom(base + j) else { return }
                    let range = starts[j]..<min(starts[j] + chunkLines, lines.count)
                    let ops = range.map { i -> Result<VerifiedOp, OpRejection> in
                        do throws(OpRejection) {
                            return .success(try VerifiedOp.verify(try Envelope.decode(Array(block[lines[i]])), network: net))
                        } catch { return .failure(error) }
                    }
                    feed.put(base + j, ChunkFeed.Chunk(ops: ops, offsets: range.map { firstLine + $0 }))
                }
                chunkCount += starts.count
                seen += lines.count
            }
            feed.finish(chunks: chunkCount, lines: seen, complete: complete)
        }
        // On any exit the producer is stopped, and waited for: it reads the file.
        defer { feed.cancel(); feed.waitForProducer() }
        var report = IngestReport()
        var batch = [Result<VerifiedOp, OpRejection>](), offsets = [Int]()
        func commit() throws {
            let r = try ingestVerified(batch, now: now)
            // Report indices as positions among the file's operation lines.
            report.results += r.results.map {
                IngestResult(index: offsets[$0.index], id: $0.id, outcome: $0.outcome, equivocation: $0.equivocation, kind: $0.kind)
            }
            report.released += r.released
            progress?(offsets.last.map { $0 + 1 } ?? 0, Int(declared ?? 0))
            batch.removeAll(keepingCapacity: true); offsets.removeAll(keepingCapacity: true)
        }
        while let chunk = feed.take() {
            batch += chunk.ops; offsets += chunk.offsets
            if batch.count >= batchSize { try commit() }
        }
        if !batch.isEmpty { try commit() }
        let (seen, complete) = feed.summary
        if !complete {
            report.damage = StoreError(.damagedExport("the last line is cut short: no final newline"))
        } else if let declared, declared != Int64(seen) {
            report.damage = StoreError(.damagedExport("the header declares \(declared) operations, the file holds \(seen)"))
        }
        return report
    }
}

/// The hand-over of verified chunks from the import's producer to its
/// writer: chunk k is taken in order, and may be verified only while it is
/// fewer than `ahead` chunks past the writer (bounded memory). Waiting on
/// the writer's position rather than on a count of free slots means the
/// chunk the writer needs next never waits for room.
final class ChunkFeed: @unchecked Sendable {
    struct Chunk {
        let ops: [Result<VerifiedOp, OpRejection>]
        /// Each operation's position among the file's operation lines.
        let offsets: [Int]
    }
    private let cond = NSCondition()
    private var slots: [Int: Chunk] = [:]
    private var next = 0
    private var total: Int?
    private var lines = 0, complete = true
    private var cancelled = false, finished = false
    let ahead: Int

    init(ahead: Int) { self.ahead = max(1, ahead) }

    /// Producer: waits until chunk `k` is within `ahead` of the writer; false once the writer stopped.
    func waitForRoom(_ k: Int) -> Bool {
        cond.lock(); defer { cond.unlock() }
        while k >= next + ahead && !cancelled { cond.wait() }
        return !cancelled
    }

    func put(_ k: Int, _ chunk: Chunk) {
        cond.lock(); slots[k] = chunk; cond.broadcast(); cond.unlock()
    }

    /// Producer, last: every chunk has been handed out (or the writer
    /// stopped); the file's line count and whether its last line was whole.
    func finish(chunks: Int, lines: Int, complete: Bool) {
        cond.lock(); total = chunks; self.lines = lines; self.complete = complete; finished = true; cond.broadcast(); cond.unlock()
    }

    /// Writer: returns once the producer has called `finish`.
    func waitForProducer() {
        cond.lock(); defer { cond.unlock() }
        while !finished { cond.wait() }
    }

    var isCancelled: Bool { cond.lock(); defer { cond.unlock() }; return cancelled }

    /// Writer: the next chunk in order, nil once all were taken (or on cancel).
    func take() -> Chunk? {
        cond.lock(); defer { cond.unlock() }
        while slots[next] == nil && !cancelled && (total.map { next < $0 } ?? true) { cond.wait() }
        guard !cancelled, let c = slots.removeValue(forKey: next) else { return nil }
        next += 1
        cond.broadcast()
        return c
    }

    /// What the producer read: operation lines, and whether the last was whole.
    var summary: (lines: Int, complete: Bool) { cond.lock(); defer { cond.unlock() }; return (lines, complete) }

    /// The writer is done (or failed): let the producer stop.
    func cancel() { cond.lock(); cancelled = true; cond.broadcast(); cond.unlock() }
}

/// Reads a file in blocks of whole lines (the last block: whatever is left),
/// so an import's memory is bounded whatever the file's size. Used by one
/// thread at a time (the import's caller, then its producer).
final class BlockReader: @unchecked Sendable {
    private let fh: FileHandle
    private let blockBytes: Int
    private var carry = [UInt8]()
    private var eof = false
    private var pending: [UInt8]?

    init?(path: String, blockBytes: Int) {
        guard let fh = FileHandle(forReadingAtPath: path) else { return nil }
        self.fh = fh; self.blockBytes = max(1, blockBytes)
    }

    deinit { try? fh.close() }

    /// Makes `block` the next one `next` returns (the rest of the first block, after the header).
    func pushBack(_ block: [UInt8]) { pending = block }

    /// The next block of whole lines (the last block may end without a
    /// newline). The file is read straight into the block's own storage
    /// behind the carried partial line: one copy of the file, where reading
    /// into `Data`, appending and slicing made three (profiled on import).
    func next() -> [UInt8]? {
        if let p = pending { pending = nil; return p }
        while !eof {
            let head = carry
            var got = 0
            var block = [UInt8](unsafeUninitializedCapacity: head.count + blockBytes) { buf, count in
                _ = UnsafeMutableBufferPointer(rebasing: buf[..<head.count]).initialize(from: head)
                while got < blockBytes {
                    let n = read(fh.fileDescriptor, buf.baseAddress! + head.count + got, blockBytes - got)
                    if n < 0, errno == EINTR { continue }
                    // A read error ends the file here: the header's count then reports it as damaged.
                    if n <= 0 { break }
                    got += n
                }
                count = head.count + got
            }
            if got == 0 { eof = true; break }
            guard let nl = block.lastIndex(of: 10) else { carry = block; continue }
            carry = Array(block[(nl + 1)...])
            block.removeSubrange((nl + 1)...)
            return block
        }
        guard !carry.isEmpty else { return nil }
        defer { carry = [] }
        return carry
    }
}
