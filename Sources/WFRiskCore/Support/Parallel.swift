import Dispatch

/// Splits work over a fixed number of workers, so results do not depend on the
/// machine's core count and `--threads 1` really runs on one thread.
package enum Parallel {
    package static func map<T: Sendable, R: Sendable>(_ items: [T], threads: Int, _ transform: @Sendable (T) throws -> R) throws -> [R] {
        let workers = max(1, min(threads, items.count))
        if workers == 1 { return try items.map(transform) }
        let results = ConcurrentResults<Result<R, Error>>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var i = w
            while i < items.count {
                results[i] = Result { try transform(items[i]) }
                i += workers
            }
        }
        return try results.values.map { try $0!.get() }
    }
}
