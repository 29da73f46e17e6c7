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
        quantile(sorted: values.sorted(), q)
    }

    /// `quantile` of values already sorted ascending (several quantiles, one sort).
    package static func quantile(sorted s: [Double], _ q: Double) -> Double {
        let h = Double(s.count - 1) * q
        let lo = Int(h.rounded(.down)), hi = Int(h.rounded(.up))
        return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
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
