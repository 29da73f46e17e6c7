/// Positions of a draw's scores, highest score first, equal scores by position: the order a
/// rank-simulation draw reads its ranks from.
///
/// Why not `plain` (below, the version the tests compare it with): a run sorts the scores of
/// every ranked unit once per draw (500 draws of 20,000 units on the benchmark), and that
/// comparison sort was half the simulation's time. This is a least-significant-digit radix
/// sort on an order-preserving integer image of each score: byte-wide passes, each stable, so
/// equal scores keep their positions' order as the plain sort's tie rule demands. The buffers
/// are allocated once per worker and reused by every draw it runs (one instance per thread).
final class DescendingOrder {
    let count: Int
    private var keys: UnsafeMutableBufferPointer<UInt64>
    private var positions: UnsafeMutableBufferPointer<Int32>
    private var keysSwap: UnsafeMutableBufferPointer<UInt64>
    private var positionsSwap: UnsafeMutableBufferPointer<Int32>
    private let counts: UnsafeMutableBufferPointer<Int>

    init(count: Int) {
        self.count = count
        keys = .allocate(capacity: count)
        positions = .allocate(capacity: count)
        keysSwap = .allocate(capacity: count)
        positionsSwap = .allocate(capacity: count)
        counts = .allocate(capacity: 8 * 256)
    }

    deinit {
        keys.deallocate()
        positions.deallocate()
        keysSwap.deallocate()
        positionsSwap.deallocate()
        counts.deallocate()
    }

    /// A key whose unsigned order is the descending order of `score` (−0 and +0 equal, as `<` has them).
    @inline(__always)
    static func key(_ score: Double) -> UInt64 {
        let bits = (-(score + 0)).bitPattern  // x + 0 turns −0 into +0, so every zero negates to −0
        return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
    }

    /// Orders `scores` (`count` of them, no NaN); then `self[r]` is the position of the r-th highest (0-based).
    func order(_ scores: UnsafeBufferPointer<Double>) {
        let n = count
        precondition(scores.count == n && n > 0)
        counts.initialize(repeating: 0)
        for i in 0..<n {
            let k = Self.key(scores[i])
            keys[i] = k
            positions[i] = Int32(i)
            for b in 0..<8 { counts[b &* 256 &+ Int(truncatingIfNeeded: k >> (8 &* UInt64(b))) & 0xFF] &+= 1 }
        }
        for b in 0..<8 {
            let shift = 8 &* UInt64(b)
            // A byte every key shares moves nothing.
            if counts[b &* 256 &+ Int(truncatingIfNeeded: keys[0] >> shift) & 0xFF] == n { continue }
            var offset = 0
            for d in 0..<256 {
                let c = counts[b &* 256 &+ d]
                counts[b &* 256 &+ d] = offset
                offset &+= c
            }
            for i in 0..<n {
                let k = keys[i]
                let d = b &* 256 &+ Int(truncatingIfNeeded: k >> shift) & 0xFF
                let to = counts[d]
                counts[d] = to &+ 1
                keysSwap[to] = k
                positionsSwap[to] = positions[i]
            }
            swap(&keys, &keysSwap)
            swap(&positions, &positionsSwap)
        }
    }

    /// Position of the `rank`-th highest score (0-based) after `order`.
    subscript(rank: Int) -> Int { Int(positions[rank]) }

    /// Plain path: positions sorted on (−score, position).
    static func plain(_ scores: [Double]) -> [Int] {
        scores.indices.map { (-scores[$0], $0) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map(\.1)
    }
}
