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
        Parallel.workers(workers) { _ in
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

extension Parallel {
    /// Runs `body(w)` for each worker `w` in `0..<count` at once: worker 0 on the calling thread,
    /// the others each on a thread of its own; returns when every one is done.
    ///
    /// Why not `DispatchQueue.concurrentPerform`: called inside another `concurrentPerform` (the
    /// write stage writes its files on two workers, and the report's unit pages, scores.json's
    /// blocks and the workbook's deflate each run on workers of their own), libdispatch gives the
    /// inner call its thread count divided by the outer call's iterations: one. The 100x default
    /// run's 20,000 unit pages were written on one thread for 10 s (perf, docs/performance.md).
    /// Threads of their own are not divided; nested calls may run more threads than cores for a
    /// while, which the kernel shares out.
    package static func workers(_ count: Int, _ body: @Sendable (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var threads: [pthread_t] = []
            var inline: [Int] = []
            for w in 1..<count {
                let job = Unmanaged.passRetained(WorkerJob(body: body, worker: w)).toOpaque()
                var attributes = pthread_attr_t()
                pthread_attr_init(&attributes)
                // The size of the main thread's stack (and of libdispatch's threads): deep template
                // rendering and sorting run on these.
                pthread_attr_setstacksize(&attributes, 8 << 20)
                var thread = pthread_t()
                let started = pthread_create(&thread, &attributes, { job in
                    let job = Unmanaged<WorkerJob>.fromOpaque(job!).takeRetainedValue()
                    job.body(job.worker)
                    return nil
                }, job)
                pthread_attr_destroy(&attributes)
                if started == 0 {
                    threads.append(thread)
                } else {
                    // No thread to be had: this worker's share runs here, after worker 0's.
                    Unmanaged<WorkerJob>.fromOpaque(job).release()
                    inline.append(w)
                }
            }
            body(0)
            for w in inline { body(w) }
            // Joined, so no thread still holds `body` when this call returns.
            for thread in threads { pthread_join(thread, nil) }
        }
    }
}

/// A worker's share, handed to its thread.
private final class WorkerJob: @unchecked Sendable {
    let body: @Sendable (Int) -> Void
    let worker: Int
    init(body: @escaping @Sendable (Int) -> Void, worker: Int) {
        self.body = body
        self.worker = worker
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
                Parallel.workers(workers) { _ in
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
