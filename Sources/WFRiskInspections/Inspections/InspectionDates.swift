import Foundation

/// Finds the date of a text: a full date ("31st January 2019", "07 August 2018",
/// "August 7, 2018", "2018-08-07") near the top (a byline) wins; otherwise the latest
/// full date in the body. Month-and-year alone ("March 2015") is history, not the visit.
package enum InspectionDates {
    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]

    static let monthInitials: Set<UInt8> = Set(months.compactMap(\.utf8.first))

    static func isISODate(_ s: String) -> Bool {
        let parts = s.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return false }
        return (1990...2100).contains(y) && (1...12).contains(m) && (1...31).contains(d)
    }

    /// `lines`: the token range of each readable line, in order.
    static func find(tokens: TokenList, lines: [Range<Int>]) -> String? {
        var top: [String] = []
        var body: [String] = []
        for (index, line) in lines.enumerated() {
            // Every pattern has a day or year number: a line with no number token has no date.
            guard tokens[line].contains(where: { $0.word.utf8.first.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }) else { continue }
            let dates = datesIn(tokens[line].map(\.word))
            if index < 6 { top += dates } else { body += dates }
        }
        return top.max() ?? body.max()
    }

    static func datesIn(_ w: [String]) -> [String] {
        var out: [String] = []
        func day(_ s: String) -> Int? {
            guard let b = s.utf8.first, b >= 0x30 && b <= 0x39 else { return nil }
            let digits = s.prefix { $0.isNumber }
            guard !digits.isEmpty, let d = Int(digits), (1...31).contains(d) else { return nil }
            let suffix = s.dropFirst(digits.count)
            return ["", "st", "nd", "rd", "th"].contains(String(suffix)) ? d : nil
        }
        func year(_ s: String) -> Int? { s.count == 4 ? Int(s).flatMap { (1990...2100).contains($0) ? $0 : nil } : nil }
        // Years are 1990-2100 (four digits); months and days two digits, zero-padded.
        func iso(_ y: Int, _ m: Int, _ d: Int) -> String { "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)" }
        for i in w.indices {
            // Every pattern starts with a digit or a month name.
            guard let b = w[i].utf8.first, (b >= 0x30 && b <= 0x39) || monthInitials.contains(b) else { continue }
            // 31st January 2019 / 07 August 2018
            if i + 2 < w.count, let d = day(w[i]), let m = months.firstIndex(of: w[i + 1]), let y = year(w[i + 2]) {
                out.append(iso(y, m + 1, d))
            }
            // August 7, 2018
            if i + 2 < w.count, let m = months.firstIndex(of: w[i]), let d = day(w[i + 1]), let y = year(w[i + 2]) {
                out.append(iso(y, m + 1, d))
            }
            // 2018-08-07 arrives as three number tokens.
            if i + 2 < w.count, let y = year(w[i]), w[i + 1].count == 2, w[i + 2].count == 2,
               let m = Int(w[i + 1]), let d = Int(w[i + 2]), (1...12).contains(m), (1...31).contains(d) {
                out.append(iso(y, m, d))
            }
        }
        return out
    }

    /// Whole months from `a` to `b` (ISO dates), negative when `b` is earlier.
    package static func months(from a: String, to b: String) -> Double {
        func parts(_ s: String) -> (Int, Int, Int) {
            let p = s.split(separator: "-").compactMap { Int($0) }
            return (p[0], p[1], p.count > 2 ? p[2] : 1)
        }
        let (y1, m1, d1) = parts(a), (y2, m2, d2) = parts(b)
        return Double((y2 - y1) * 12 + (m2 - m1)) + Double(d2 - d1) / 30.0
    }
}
