import WFRiskCore

/// Maps the column names different DfE releases use onto canonical EES names.
///
/// Names are compared after normalisation: lower case, anything that is not a letter or
/// digit becomes `_`, repeated and edge `_` dropped (so `turnover_rate_fte_%` and
/// `Turnover rate (FTE) %` both read as `turnover_rate_fte`). The table itself is data:
/// `Resources/column_aliases.csv`, extended by a pipeline file's `column_aliases`.
public struct ColumnAliases: Sendable {
    private(set) var canonicalByAlias: [String: String] = [:]

    package static let identityColumns = [
        "time_period", "time_identifier", "geographic_level", "country_code", "region_code", "region_name",
        "old_la_code", "new_la_code", "la_name",
    ]

    public init(pairs: [(canonical: String, alias: String)] = []) throws {
        let known = Set(ColumnAliases.identityColumns + Measure.allCases.map(\.rawValue))
        for (canonical, alias) in pairs {
            guard known.contains(canonical) else {
                throw WFRiskError.usage("column alias '\(alias)' names unknown canonical column '\(canonical)'; known: \(known.sorted().joined(separator: ", "))")
            }
            canonicalByAlias[ColumnAliases.normalize(alias)] = canonical
        }
    }

    /// The shipped table.
    public static func bundled(extra: [(canonical: String, alias: String)] = []) throws -> ColumnAliases {
        let table = try KeyedCSV(path: try ReferenceFiles.path("column_aliases.csv"))
        try table.require(["canonical", "alias"])
        let pairs = table.rows.map { (canonical: $0.values["canonical"] ?? "", alias: $0.values["alias"] ?? "") }
        return try ColumnAliases(pairs: pairs + extra)
    }

    /// The canonical name a header maps to (itself if already canonical).
    package func canonical(for header: String) -> String {
        let n = ColumnAliases.normalize(header)
        return canonicalByAlias[n] ?? n
    }

    static func normalize(_ name: String) -> String {
        var out = ""
        var pendingUnderscore = false
        for scalar in name.lowercased().unicodeScalars {
            if scalar == "\u{FEFF}" { continue }
            let isWord = (scalar.value < 128) && (CharacterSetASCII.alnum(scalar))
            if isWord {
                if pendingUnderscore && !out.isEmpty { out.append("_") }
                pendingUnderscore = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingUnderscore = true
            }
        }
        return out
    }
}

enum CharacterSetASCII {
    static func alnum(_ s: Unicode.Scalar) -> Bool {
        (s >= "a" && s <= "z") || (s >= "0" && s <= "9") || (s >= "A" && s <= "Z")
    }
}
