import Foundation

/// A fixed-size array that concurrent workers fill at distinct indices.
package final class ConcurrentResults<T>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = NSLock()

    package init(count: Int) { storage = Array(repeating: nil, count: count) }

    package subscript(i: Int) -> T? {
        get { lock.lock(); defer { lock.unlock() }; return storage[i] }
        set { lock.lock(); storage[i] = newValue; lock.unlock() }
    }

    package var values: [T?] { lock.lock(); defer { lock.unlock() }; return storage }
}
