import Dispatch
import Foundation
import Testing
@testable import ShenguanStore
import ShenguanCore

/// The import's hand-over between its verifying producer and its writer:
/// chunks come out in order whatever order they are verified in, the lead
/// is bounded, and the chunk the writer needs next never waits for room.
@Suite struct ChunkFeedTests {
    func chunk(_ k: Int) -> ChunkFeed.Chunk { ChunkFeed.Chunk(ops: [], offsets: [k]) }

    @Test func chunksComeOutInOrderFromManyThreads() {
        let feed = ChunkFeed(ahead: 3)
        let n = 400
        DispatchQueue.global().async {
            DispatchQueue.concurrentPerform(iterations: n) { k in
                guard feed.waitForRoom(k) else { return }
                feed.put(k, chunk(k))
            }
            feed.finish(chunks: n, lines: n, complete: true)
        }
        var got = [Int]()
        while let c = feed.take() { got += c.offsets }
        feed.waitForProducer()
        #expect(got == Array(0..<n))
        #expect(feed.summary == (n, true))
    }

    @Test func theLeadIsBoundedByTheWritersPosition() {
        let feed = ChunkFeed(ahead: 2)
        #expect(feed.waitForRoom(0) && feed.waitForRoom(1))
        let released = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            // Chunk 2 may start only once the writer has taken chunk 0.
            _ = feed.waitForRoom(2)
            released.signal()
        }
        #expect(released.wait(timeout: .now()) == .timedOut)
        feed.put(1, chunk(1))
        #expect(released.wait(timeout: .now()) == .timedOut, "a later chunk does not free room")
        feed.put(0, chunk(0))
        #expect(feed.take()?.offsets == [0])
        released.wait()
        #expect(feed.take()?.offsets == [1])
    }

    @Test func cancellingStopsTheProducerAndTheWriter() {
        let feed = ChunkFeed(ahead: 1)
        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let ok = feed.waitForRoom(5)
            #expect(!ok)
            stopped.signal()
        }
        feed.cancel()
        stopped.wait()
        #expect(feed.take() == nil)
        #expect(!feed.waitForRoom(0))
    }
}
