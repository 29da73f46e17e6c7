import Dispatch

/// Splits work over a fixed number of workers, so results do not depend on the
/// machine's core count and `--threads 1` really runs on one thread.
package enum Parallel {
    /// Throws what `transform` throws (nothing, so no `try`, when it cannot throw).
    package static func map<T: Sendable, R: Sendable, E: Error>(_ items: [T], threads: Int, _ transform: @Sendable (T) throws(E) -> R) throws(E) -> [R] {
        let workers = max(1, min(threads, items.count))
        if workers == 1 { return try items.map(transform) }
        let results = ConcurrentResults<Result<R, E>>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var i = w
            while i < items.count {
                let item = items[i]
                results[i] = Result { () throws(E) -> R in try transform(item) }
                i += workers
            }
        }
        var out: [R] = []
        out.reserveCapacity(items.count)
        for r in results.values { out.append(try r!.get()) }
        return out
    }
}
