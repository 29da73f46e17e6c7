import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Gives the pages of freed heap memory back to the system between a run's stages.
/// Why: glibc's malloc keeps what a thread frees in that thread's arena for its later
/// allocations, so the memory a stage freed (the ingest's parse buffers, a used-up dataset)
/// still counted in the process's resident size while the next stage, on other threads,
/// took new pages. On the 100x workload that was about 70 MB of the peak: 503 MB resident
/// against 373 MB of live heap; with the pages given back after each stage, 427–437 MB
/// (docs/performance.md, "Issue 25, session 18"). `malloc_trim` is glibc's; where the C
/// library has none this does nothing.
package enum FreedMemory {
    private typealias Trim = @convention(c) (Int) -> Int32
    private typealias Option = @convention(c) (Int32, Int32) -> Int32

    /// glibc's `malloc_trim` and `mallopt`, looked up once; nil on a C library without them.
    private static let trim = glibc("malloc_trim", as: Trim.self)
    private static let option = glibc("mallopt", as: Option.self)

    /// The C library's function `name`, looked up at run time (glibc's only).
    private static func glibc<Function>(_ name: String, as type: Function.Type) -> Function? {
        #if canImport(Glibc)
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, name) else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
        #else
        return nil
        #endif
    }

    /// Whether this process can give freed pages back (glibc).
    package static var canRelease: Bool { trim != nil }

    /// Returns every arena's wholly free pages to the system; about 1–15 ms at 100x, on the
    /// thread that finished a stage.
    package static func release() {
        _ = trim?(0)
        lock.withLock { released += 1 }
    }

    /// Caps glibc's malloc arenas at `threads` (at least 2) for the rest of the process; false
    /// where the C library has no such setting. Why: glibc gives a thread that finds the arenas
    /// busy an arena of its own, up to eight per core, and a page freed in one arena serves only
    /// that arena's later allocations. The run's parallel steps start threads of their own
    /// (`Parallel.workers`), so at 100x the default formats' peak was 418–522 MiB over 22 runs,
    /// over twice the input in 10; with the arenas capped at the run's two threads, 411–450 MiB
    /// over seven (at most 1.95×), and the runs no slower (docs/performance.md, "Issue 25,
    /// session 23"). Call it before the run's threads start.
    @discardableResult
    package static func limitArenas(to threads: Int) -> Bool {
        let arenaMax: Int32 = -8  // M_ARENA_MAX in glibc's malloc.h
        return option?(arenaMax, Int32(clamping: max(2, threads))) == 1
    }

    /// Calls of `release` so far in this process (the tests check the stage graph makes them).
    package static var releases: Int { lock.withLock { released } }
    nonisolated(unsafe) private static var released = 0
    private static let lock = NSLock()
}
