import Foundation

/// Objects a command that is about to exit keeps until it does, so their memory is never freed
/// piece by piece: the process's exit gives it all back at once.
///
/// Why: at the end of a 100x run the stage values (the score table, the history, the figure
/// table) and the command's outcome were freed object by object: the process exited about
/// 0.2 s later than it does keeping them (perf, docs/performance.md
/// "Issue 25, session 26"). Only the `wfrisk` command keeps them (`RunOptions.leaveAtExit`);
/// the library's callers, the tests among them, free what they are done with as before.
package enum LeftAtExit {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var kept: [AnyObject] = []

    /// Keeps `object` (and everything it holds) alive until the process exits.
    package static func keep(_ object: AnyObject) {
        lock.withLock { kept.append(object) }
    }

    /// Keeps a value of any type alive until the process exits.
    package static func keep<T>(value: T) {
        keep(Box(value))
    }

    /// How many objects are kept (for the tests).
    package static var count: Int { lock.withLock { kept.count } }

    private final class Box<T> {
        let value: T
        init(_ value: T) { self.value = value }
    }
}
