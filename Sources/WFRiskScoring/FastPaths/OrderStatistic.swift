/// The k-th smallest of a set of values without sorting them all.
///
/// Why not `plain` (below, the version the tests compare it with): every scored year takes two
/// medians of every indicator's values (`RobustScale.estimate`), and a run scores the scoring
/// year and up to nine history years; on the benchmark's 20,000 units the full sorts were a
/// tenth of a history year's time. Selection is linear on average and gives the same value.
enum OrderStatistic {
    /// The `k`-th smallest (0-based) of `values`, which it reorders. Values with a NaN take the
    /// plain path (a NaN has no place in an order; sorting is at least well defined).
    static func select(_ values: inout [Double], _ k: Int) -> Double {
        if values.contains(where: \.isNaN) { return plain(values, k) }
        return selectNumbers(&values, k)
    }

    /// `select` of values already known to hold no NaN (the callers below check once).
    private static func selectNumbers(_ values: inout [Double], _ k: Int) -> Double {
        precondition(k >= 0 && k < values.count)
        return values.withUnsafeMutableBufferPointer { a in
            // Hoare's partition around a median of three, narrowing to the side that holds k
            // (equal values split between the sides, so long runs of ties stay linear).
            var lo = 0, hi = a.count - 1
            while lo < hi {
                let x = a[lo], y = a[(lo + hi) / 2], z = a[hi]
                let pivot = max(min(x, y), min(max(x, y), z))
                var i = lo, j = hi
                while i <= j {
                    while a[i] < pivot { i += 1 }
                    while pivot < a[j] { j -= 1 }
                    if i <= j {
                        a.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                }
                if k <= j { hi = j } else if k >= i { lo = i } else { break }
            }
            return a[k]
        }
    }

    /// The median (mean of the middle two for an even count) of non-empty `values`, reordering them.
    static func median(_ values: inout [Double]) -> Double {
        let mid = values.count / 2
        if values.contains(where: \.isNaN) { return plainMedian(values) }
        let upper = selectNumbers(&values, mid)
        guard values.count % 2 == 0 else { return upper }
        // After selection nothing before `mid` is larger than `upper`: the lower middle is their largest.
        let lower = values[..<mid].max()!
        return (lower + upper) / 2
    }

    /// `RobustScale.quantile` (type 7) by selection, reordering `values`.
    static func quantile(_ values: inout [Double], _ q: Double) -> Double {
        if values.contains(where: \.isNaN) { return RobustScale.quantile(values, q) }
        // The lower order statistic is asked for first; after selecting it nothing past it is
        // smaller, so the next one up is their smallest.
        var selected: (k: Int, value: Double)?
        return RobustScale.quantile(q, count: values.count) { k in
            if let (s, v) = selected {
                return k == s ? v : values[(s + 1)...].min()!
            }
            let v = selectNumbers(&values, k)
            selected = (k, v)
            return v
        }
    }

    /// Plain path: sort and index.
    static func plain(_ values: [Double], _ k: Int) -> Double { values.sorted()[k] }

    static func plainMedian(_ values: [Double]) -> Double {
        let s = values.sorted()
        let mid = s.count / 2
        return s.count % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
    }
}
