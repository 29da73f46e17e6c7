import WFRiskCore

/// Loading of the authority registry and statistical neighbours from their CSV files.
extension AuthorityRegistry {
    /// The registry shipped with wfrisk (`Resources/authorities.csv`, `authority_codes.csv`,
    /// `authority_aliases.csv`, `joint_returns.csv`).
    public static func bundled() throws -> AuthorityRegistry {
        try load(authorities: try ReferenceFiles.path("authorities.csv"),
                 aliases: try ReferenceFiles.path("authority_aliases.csv"),
                 jointReturns: try ReferenceFiles.path("joint_returns.csv"),
                 codes: try ReferenceFiles.path("authority_codes.csv"))
    }

    /// The registry a run names: the bundled one, or `authorities` with `aliases` (default: the
    /// bundled aliases) and the bundled joint returns. Resolved here, beside the bundled files.
    public static func named(authorities: String?, aliases: String?) throws -> AuthorityRegistry {
        guard let authorities else { return try bundled() }
        return try load(authorities: authorities, aliases: try aliases ?? ReferenceFiles.path("authority_aliases.csv"),
                        jointReturns: try ReferenceFiles.path("joint_returns.csv"), codes: try ReferenceFiles.path("authority_codes.csv"))
    }

    /// `codes` lists the ONS codes authorities were published under before a recoding, with the
    /// dates and the source (`Resources/authority_codes.csv`); a row for a code the registry does
    /// not hold is passed over (a user's registry may leave authorities out).
    public static func load(authorities: String, aliases: String?, jointReturns: String?, codes: String? = nil) throws -> AuthorityRegistry {
        let table = try KeyedCSV(path: authorities)
        try table.require(["old_la_code", "new_la_code", "la_name", "region_code", "region_name"])
        var list: [Authority] = []
        for row in table.rows {
            let v = row.values
            guard let old = v["old_la_code"], !old.isEmpty else {
                throw WFRiskError.input(InputProblem(file: authorities, line: row.line, field: "old_la_code", message: "empty code"))
            }
            list.append(Authority(
                oldCode: old, newCode: v["new_la_code"] ?? "", name: v["la_name"] ?? old, type: v["la_type"] ?? "",
                regionCode: v["region_code"] ?? "", regionName: v["region_name"] ?? "",
                validFrom: v["valid_from"].flatMap { $0.isEmpty ? nil : $0 },
                validTo: v["valid_to"].flatMap { $0.isEmpty ? nil : $0 },
                successors: (v["successors"] ?? "").split(separator: " ").map(String.init),
                formerNewCodes: (v["former_new_la_codes"] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }))
        }
        if let codes {
            let t = try KeyedCSV(path: codes)
            try t.require(["old_la_code", "new_la_code", "used_from", "used_to", "source"])
            for row in t.rows {
                guard let old = row.values["old_la_code"], let code = row.values["new_la_code"], !code.isEmpty,
                      let i = list.firstIndex(where: { $0.oldCode == old }) else { continue }
                guard !(row.values["source"] ?? "").isEmpty else {
                    throw WFRiskError.input(InputProblem(file: codes, line: row.line, field: "source", message: "a code's history must cite its source"))
                }
                if list[i].newCode != code && !list[i].formerNewCodes.contains(code) { list[i].formerNewCodes.append(code) }
            }
        }
        var aliasPairs: [(String, String)] = []
        if let aliases {
            let t = try KeyedCSV(path: aliases)
            try t.require(["old_la_code", "alias"])
            aliasPairs = t.rows.map { ($0.values["old_la_code"] ?? "", $0.values["alias"] ?? "") }
        }
        var joint: [ReportingUnit: String] = [:]
        if let jointReturns {
            let t = try KeyedCSV(path: jointReturns)
            try t.require(["unit_old_la_codes", "unit_name"])
            for row in t.rows {
                let codes = AuthorityRegistry.splitCombined(row.values["unit_old_la_codes"] ?? "")
                joint[ReportingUnit(memberCodes: codes)] = row.values["unit_name"] ?? ""
            }
        }
        let registry = AuthorityRegistry(authorities: list, aliases: aliasPairs, jointReturns: joint)
        for authority in list {
            for s in authority.successors where registry.byOldCode[s] == nil {
                throw WFRiskError.input(InputProblem(file: authorities, field: "successors",
                    message: "\(authority.oldCode) \(authority.name) names successor \(s), which is not in the registry"))
            }
        }
        return registry
    }
}

extension StatisticalNeighbours {
    /// Reads DfE's layout: `old_la_code` and `sn1_old_la_code` … `snN_old_la_code`.
    public static func load(path: String) throws -> StatisticalNeighbours {
        let table = try KeyedCSV(path: path)
        try table.require(["old_la_code"])
        let snColumns = table.header
            .compactMap { name -> (Int, String)? in
                guard name.hasPrefix("sn"), name.hasSuffix("_old_la_code"),
                      let n = Int(name.dropFirst(2).dropLast("_old_la_code".count)) else { return nil }
                return (n, name)
            }
            .sorted { $0.0 < $1.0 }
        guard !snColumns.isEmpty else {
            throw WFRiskError.input(InputProblem(file: path, line: 1,
                message: "no neighbour columns (sn1_old_la_code …); the file has: \(table.header.joined(separator: ", "))"))
        }
        var map: [String: [String]] = [:]
        for row in table.rows {
            guard let code = row.values["old_la_code"], !code.isEmpty else { continue }
            map[code] = snColumns.compactMap { row.values[$0.1] }.filter { !$0.isEmpty }
        }
        return StatisticalNeighbours(neighbours: map, source: path)
    }
}
