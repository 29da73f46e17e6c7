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

extension Parallel {
    /// One array made of `counts.count` consecutive pieces, piece k of `counts[k]` elements, each
    /// piece initialized in place by `fill(k, piece)` on a worker. Why: `map` and then joining the
    /// pieces copies every element once more, sequentially; for the ingest's records (a dozen
    /// reference-counted fields each) that copy cost as much as making them (perf, 100x workload).
    /// `fill` must initialize every element of its piece. With one worker the pieces are filled
    /// in order on the calling thread: the plain path the tests compare with.
    package static func pieces<R>(_ counts: [Int], threads: Int, _ fill: @Sendable (Int, UnsafeMutableBufferPointer<R>) -> Void) -> [R] {
        let total = counts.reduce(0, +)
        var starts: [Int] = []
        var at = 0
        for n in counts { starts.append(at); at += n }
        return [R](unsafeUninitializedCapacity: total) { buffer, initialized in
            let base = SendablePointer(buffer.baseAddress)
            let starts = starts
            let workers = max(1, min(threads, counts.count))
            if workers == 1 {
                for k in counts.indices { fill(k, UnsafeMutableBufferPointer(start: base.pointer.map { $0 + starts[k] }, count: counts[k])) }
            } else {
                let next = NextIndex()
                DispatchQueue.concurrentPerform(iterations: workers) { _ in
                    while let k = next.take(below: counts.count) {
                        fill(k, UnsafeMutableBufferPointer(start: base.pointer.map { $0 + starts[k] }, count: counts[k]))
                    }
                }
            }
            initialized = total
        }
    }
}

/// A pointer handed to workers that write disjoint ranges behind it (`Parallel.pieces`).
private struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>?
    init(_ pointer: UnsafeMutablePointer<T>?) { self.pointer = pointer }
}

extension Parallel {
    /// `0..<count` cut into up to `threads` consecutive ranges of nearly equal length, each at
    /// least `minimum` (one range when there is too little for two).
    package static func chunks(_ count: Int, threads: Int, minimum: Int) -> [Range<Int>] {
        let n = max(1, min(threads, count / max(1, minimum)))
        return (0..<n).map { k in (k * count / n)..<((k + 1) * count / n) }
    }
}

extension Array {
    /// The same elements in storage of their own. Why: workers that each read one shared table
    /// for every item they handle retain and release its one storage object from every core,
    /// and that contention can make two threads slower than one (`ValidityRules.findings`: six
    /// times, perf); each worker reads its own copy instead.
    package var unshared: [Element] { map { $0 } }
}
