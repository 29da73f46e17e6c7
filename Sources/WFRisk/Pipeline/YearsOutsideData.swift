import WFRiskCore

/// The message for years asked for (`--year`, `--years`, `backtest.years`) that the workforce data
/// does not have: which of them are outside, and the years the files do have.
package enum YearsOutsideData {
    package static func message(asked: ClosedRange<Int>, missing: [Int], have: [Int], option: String, files: [String]) -> String {
        let askedText = asked.count == 1 ? "\(asked.lowerBound)" : "\(asked.lowerBound)-\(asked.upperBound)"
        let missingText = missing.count == asked.count ? "none of them is" : "\(ranges(missing)) \(missing.count == 1 ? "is" : "are") not"
        let haveText = have.isEmpty ? "no year with local-authority rows" : "local-authority rows for \(ranges(have)) only"
        return "years \(askedText) (\(option)): \(missingText) in the workforce data (\(files.joined(separator: ", "))), which has \(haveText); choose years within them"
    }

    /// `2017, 2018, 2019, 2021` → `2017-2019, 2021`.
    static func ranges(_ years: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        let y = years.sorted()
        while i < y.count {
            var j = i
            while j + 1 < y.count && y[j + 1] == y[j] + 1 { j += 1 }
            parts.append(j == i ? "\(y[i])" : "\(y[i])-\(y[j])")
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }
}
