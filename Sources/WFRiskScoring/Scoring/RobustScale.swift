/// Robust location and scale: median and 1.4826 × MAD (the normal-consistent median
/// absolute deviation), falling back to IQR / 1.349, then the standard deviation, when a
/// spread is zero. Outliers therefore cannot stretch the scale that everyone else is judged by.
package enum RobustScale {
    package static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty)
        var copy = values
        return OrderStatistic.median(&copy)
    }

    /// Linear-interpolated quantile (type 7, as R and pandas default).
    package static func quantile(_ values: [Double], _ q: Double) -> Double {
        let s = values.sorted()
        return quantile(q, count: s.count) { s[$0] }
    }

    /// The type-7 quantile `q` of `count` values, given the k-th smallest (0-based) of them:
    /// interpolated between the two order statistics around position (count − 1) × q.
    package static func quantile(_ q: Double, count: Int, orderStatistic: (Int) -> Double) -> Double {
        let h = Double(count - 1) * q
        let lo = Int(h.rounded(.down)), hi = Int(h.rounded(.up))
        let a = orderStatistic(lo)
        return a + (h - Double(lo)) * (orderStatistic(hi) - a)
    }

    /// (median, scale, method name).
    package static func estimate(_ values: [Double]) -> (median: Double, scale: Double, method: String) {
        let m = median(values)
        var deviations = values.map { abs($0 - m) }
        let mad = OrderStatistic.median(&deviations) * 1.4826
        if mad > 1e-12 { return (m, mad, "mad") }
        let iqr = (quantile(values, 0.75) - quantile(values, 0.25)) / 1.349
        if iqr > 1e-12 { return (m, iqr, "iqr") }
        let mean = values.reduce(0, +) / Double(values.count)
        let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, values.count - 1))).squareRoot()
        if sd > 1e-12 { return (m, sd, "sd") }
        return (m, 0, "none")
    }
}
