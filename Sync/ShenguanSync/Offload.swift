import Dispatch

/// Runs blocking work (a SQLite transaction, all-core verification, a page
/// built from thousands of rows) on a Dispatch thread, keeping Swift's
/// cooperative pool (two threads on a 2-core machine) free for the HTTP
/// side: one peer's long page never stalls another's request.
package func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in DispatchQueue.global().async { c.resume(with: Result { try work() }) } }
}

/// ``offload(_:)`` for work that cannot fail.
package func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { c in DispatchQueue.global().async { c.resume(returning: work()) } }
}
