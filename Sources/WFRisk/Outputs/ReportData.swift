import Foundation
import WFRiskCore
import WFRiskIngest
import WFRiskScoring

/// What `scores.xlsx` and `report.html` are built from: the scored table and the facts of the
/// run that do not vary between identical runs (input file names and hashes, settings), so
/// both are byte-identical for identical inputs.
struct ReportData: Sendable {
    var table: ScoreTable
    /// Inputs by file name (no folder) and SHA-256, sorted, as in `scores.json`.
    var inputs: [InputFingerprint]
    var settings: ScoringSettings
    /// The earlier years the run scored (for the series charts), oldest first; empty when the
    /// run scored one year.
    var earlierYears: [YearScores] = []
    /// `history.csv`'s rows: each current unit in each scored year, across boundary changes.
    /// Empty: the scoring year alone, from `table`.
    var history: [HistoryRow] = []
    /// Some input is marked synthetic (invented values under real names): both files say so first.
    var synthetic: Bool
    /// `settings.report.unit_pages_above`: above this many units report.html is a national view
    /// linking to pages of units (`ReportLayout`). The pipeline passes its setting; left out,
    /// the report is one page whatever its size.
    var unitPagesAbove = Int.max
    /// `settings.report.units_per_page`: how many units' sections each page in `report/` holds
    /// (`ReportLayout.unitPages`). The pipeline passes its setting (50 by default_settings.yml);
    /// left out here, a page per unit.
    var unitsPerPage = 1

    var layout: ReportLayout { table.units.count > unitPagesAbove ? .unitPages : .onePage }

    init(table: ScoreTable, inputs: [InputFingerprint], settings: ScoringSettings, synthetic: Bool = false,
                earlierYears: [YearScores] = [], history: [HistoryRow] = []) {
        self.earlierYears = earlierYears
        self.history = history
        self.table = table
        self.inputs = inputs.map { i -> InputFingerprint in
            var i = i
            i.path = (i.path as NSString).lastPathComponent
            return i
        }.sorted { ($0.kind, $0.path, $0.sha256) < ($1.kind, $1.path, $1.sha256) }
        self.settings = settings
        self.synthetic = synthetic
    }

    var rankedCount: Int { table.units.filter(\.isRanked).count }

    /// `history`, or the scoring year's own rows when the run gave none.
    var historyRows: [HistoryRow] {
        guard history.isEmpty else { return history }
        let ranked = rankedCount
        return table.units.sorted { $0.unit < $1.unit }.map { u in
            let y = YearScore(u)
            return HistoryRow(year: table.year, unit: y, source: y, comparability: .same, rankedCount: ranked,
                       status: u.isRanked ? .ranked : .excluded, note: u.exclusionReason)
        }
    }

    /// The DfE census date of the scoring year (30 September), as seconds since 1970: the
    /// workbook's fixed "created" date.
    var censusDate: Int {
        var t = tm()
        t.tm_year = Int32(table.year - 1900)
        t.tm_mon = 8
        t.tm_mday = 30
        return Int(timegm(&t))
    }

    /// Settings as dotted keys and values (`weights.instability.turnover_rate_fte` = `0.2200`),
    /// in the order `scores.json` writes them.
    var flatSettings: [(key: String, value: CSVCell)] {
        var out: [(String, CSVCell)] = []
        func walk(_ v: JSONValue, _ key: String) {
            switch v {
            case .object(let pairs): for (k, child) in pairs { walk(child, key.isEmpty ? k : key + "." + k) }
            case .array(let items): out.append((key, .text(items.map { $0.rendered() }.joined(separator: ", "))))
            case .number(let n): out.append((key, .number(n)))
            case .string(let s): out.append((key, .text(s)))
            case .bool(let b): out.append((key, .text(b ? "true" : "false")))
            case .null: out.append((key, .empty))
            case .generated: break
            }
        }
        walk(settings.jsonValue, "")
        return out
    }
}
