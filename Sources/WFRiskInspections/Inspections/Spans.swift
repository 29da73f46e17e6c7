import Foundation

/// A sentence's matches of one cue set, `(start, length)` in token positions, in text order and
/// not overlapping (as `CueSet.matches` gives them), so both starts and ends increase. The
/// questions the signal reader asks of them ("a negation ending within three words before this
/// cue, in its clause") are answered by a binary search to the window and a walk over the few
/// matches inside it, so a sentence costs about its length, not its length times its matches.
struct Spans {
    let items: [(Int, Int)]
    /// Counts the walk's steps when set (tests: extraction work must grow linearly with the text).
    let meter: WorkMeter?

    init(_ items: [(Int, Int)], meter: WorkMeter? = nil) {
        self.items = items
        self.meter = meter
    }

    /// Index of the first match ending after token `x`.
    @inline(__always) func firstEnding(after x: Int) -> Int { items.partitionedIndex { $0.0 + $0.1 > x } }
    /// Index of the first match starting at or after token `x`.
    @inline(__always) func firstStarting(atOrAfter x: Int) -> Int { items.partitionedIndex { $0.0 >= x } }

    /// A match ending at or before `i` and less than `window` words before it that passes `test`.
    func anyEnding(before i: Int, within window: Int, where test: ((Int, Int)) -> Bool = { _ in true }) -> Bool {
        var k = firstEnding(after: i - window)
        while k < items.count, items[k].0 + items[k].1 <= i {
            meter?.add(1)
            if test(items[k]) { return true }
            k += 1
        }
        return false
    }

    /// A match starting in `lo..<hi` that passes `test`.
    func anyStarting(in lo: Int, _ hi: Int, where test: ((Int, Int)) -> Bool = { _ in true }) -> Bool {
        var k = firstStarting(atOrAfter: lo)
        while k < items.count, items[k].0 < hi {
            meter?.add(1)
            if test(items[k]) { return true }
            k += 1
        }
        return false
    }

    /// The match covering token `i` (start ≤ i < end), if any: matches do not overlap, so at most one.
    func covering(_ i: Int) -> (Int, Int)? {
        let k = firstEnding(after: i)
        meter?.add(1)
        return k < items.count && items[k].0 <= i ? items[k] : nil
    }
}

/// Starts of matches (sorted) within `radius` words of a position.
extension Array where Element == Int {
    func within(_ radius: Int, of i: Int, meter: WorkMeter?) -> ArraySlice<Int> {
        let lo = partitionedIndex { $0 >= i - radius }, hi = partitionedIndex { $0 > i + radius }
        meter?.add(Swift.max(0, hi - lo) + 1)
        return self[lo..<Swift.max(lo, hi)]
    }
}

/// A count of steps taken, for tests that extraction work grows linearly with a text's length
/// (a wall-clock measure would be noisy on a shared machine). Unset in production.
final class WorkMeter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add(_ n: Int) {
        lock.lock()
        count += n
        lock.unlock()
    }

    var steps: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
