import Dispatch
import Foundation

/// Splits work over a fixed number of workers, so results do not depend on the
/// machine's core count and `--threads 1` really runs on one thread.
package enum Parallel {
    /// Throws what `transform` throws (nothing, so no `try`, when it cannot throw).
    package static func map<T: Sendable, R: Sendable, E: Error>(_ items: [T], threads: Int, _ transform: @Sendable (T) throws(E) -> R) throws(E) -> [R] {
        let workers = max(1, min(threads, items.count))
        if workers == 1 { return try items.map(transform) }
        let results = ConcurrentResults<Result<R, E>>(count: items.count)
        // Each worker takes the next item not yet taken, so a long item does not leave the other
        // workers idle behind it (the write stage's files differ tenfold in size). Each result has
        // its own slot, so the output does not depend on which worker took what.
        let next = NextIndex()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = next.take(below: items.count) {
                let item = items[i]
                results[i] = Result { () throws(E) -> R in try transform(item) }
            }
        }
        var out: [R] = []
        out.reserveCapacity(items.count)
        for r in results.values { out.append(try r!.get()) }
        return out
    }
}

/// The next index to work on, shared by workers.
private final class NextIndex: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func take(below count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < count else { return nil }
        value += 1
        return value - 1
    }
}
