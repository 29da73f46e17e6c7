import Foundation

/// Every known authority, loaded from reference CSVs, with lookups by code and name
/// and the boundary-change links between them.
public struct AuthorityRegistry: Sendable {
    public private(set) var byOldCode: [String: Authority] = [:]
    private var oldCodeByNewCode: [String: String] = [:]
    private var oldCodesByName: [String: [String]] = [:]
    private var predecessorsBySuccessor: [String: [String]] = [:]
    /// Known joint returns, keyed by unit.
    public private(set) var jointReturns: [ReportingUnit: String] = [:]

    public init(authorities: [Authority], aliases: [(String, String)] = [], jointReturns: [ReportingUnit: String] = [:]) {
        for authority in authorities { add(authority) }
        for (code, alias) in aliases { addName(alias, for: code) }
        self.jointReturns = jointReturns
        for a in authorities { for s in a.successors { predecessorsBySuccessor[s, default: []].append(a.oldCode) } }
    }

    /// The registry shipped with wfrisk (`Resources/authorities.csv`, `authority_aliases.csv`, `joint_returns.csv`).
    public static func bundled() throws -> AuthorityRegistry {
        try load(authorities: ReferenceFiles.path("authorities.csv"),
                 aliases: ReferenceFiles.path("authority_aliases.csv"),
                 jointReturns: ReferenceFiles.path("joint_returns.csv"))
    }

    public static func load(authorities: String, aliases: String?, jointReturns: String?) throws -> AuthorityRegistry {
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

    private mutating func add(_ authority: Authority) {
        byOldCode[authority.oldCode] = authority
        oldCodeByNewCode[authority.newCode.uppercased()] = authority.oldCode
        for former in authority.formerNewCodes { oldCodeByNewCode[former.uppercased()] = authority.oldCode }
        addName(authority.name, for: authority.oldCode)
    }

    private mutating func addName(_ name: String, for code: String) {
        let key = AuthorityRegistry.normalizedName(name)
        guard !key.isEmpty else { return }
        var codes = oldCodesByName[key, default: []]
        if !codes.contains(code) { codes.append(code) }
        oldCodesByName[key] = codes
    }

    public var all: [Authority] { byOldCode.values.sorted { $0.oldCode < $1.oldCode } }

    public func authority(oldCode: String) -> Authority? { byOldCode[oldCode] }

    public func authority(newCode: String) -> Authority? {
        oldCodeByNewCode[newCode.uppercased()].flatMap { byOldCode[$0] }
    }

    /// Resolves a name variant; when several authorities share it (Dorset before and after 2019),
    /// the one that existed in `year` wins.
    public func authority(named name: String, year: Int? = nil) -> Authority? {
        guard let codes = oldCodesByName[AuthorityRegistry.normalizedName(name)] else { return nil }
        let candidates = codes.compactMap { byOldCode[$0] }
        if candidates.count == 1 { return candidates[0] }
        if let year, let live = candidates.first(where: { $0.existed(inReportingYear: year) }) { return live }
        return candidates.first { $0.validTo == nil } ?? candidates.first
    }

    /// Codes of every authority (past or present) known by `name` or one of its aliases.
    public func oldCodes(named name: String) -> [String] {
        oldCodesByName[AuthorityRegistry.normalizedName(name)] ?? []
    }

    /// All name variants known for linking text (canonical names and aliases), with their codes.
    public var nameIndex: [String: [String]] { oldCodesByName }

    /// Authorities abolished in favour of any member of `unit`.
    public func predecessors(of unit: ReportingUnit) -> [Authority] {
        Set(unit.memberCodes.flatMap { predecessorsBySuccessor[$0] ?? [] }).compactMap { byOldCode[$0] }.sorted { $0.oldCode < $1.oldCode }
    }

    /// The current authorities that cover an abolished authority's area (following chains).
    public func currentSuccessors(of code: String) -> [String] {
        guard let authority = byOldCode[code] else { return [code] }
        if authority.successors.isEmpty { return [code] }
        return Array(Set(authority.successors.flatMap { currentSuccessors(of: $0) })).sorted()
    }

    /// Lower-case, `&` as "and", punctuation and repeated spaces removed.
    public static func normalizedName(_ name: String) -> String {
        if name.utf8.allSatisfy({ $0 < 0x80 }) { return normalizedASCIIName(name) }
        return normalizedNameByCharacter(name)
    }

    /// `normalizedName` for ASCII text, byte by byte (registries of many thousands of names load
    /// on every run).
    static func normalizedASCIIName(_ name: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count + 8)
        var lastSpace = true
        func space() { if !lastSpace { out.append(0x20); lastSpace = true } }
        for b in name.utf8 {
            switch b {
            case 0x41...0x5A: out.append(b + 0x20); lastSpace = false
            case 0x61...0x7A, 0x30...0x39: out.append(b); lastSpace = false
            case 0x26: // & reads as "and"
                space()
                out.append(contentsOf: [0x61, 0x6E, 0x64])
                lastSpace = false
                space()
            case 0x2D, 0x2C, 0x2F, 0x20, 0x09...0x0D: space()
            default: break
            }
        }
        if out.last == 0x20 { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    static func normalizedNameByCharacter(_ name: String) -> String {
        var out = ""
        var lastSpace = true
        for ch in name.lowercased().replacingOccurrences(of: "&", with: " and ") {
            if ch.isLetter || ch.isNumber {
                out.append(ch)
                lastSpace = false
            } else if ch == "-" || ch.isWhitespace || ch == "," || ch == "/" {
                if !lastSpace { out.append(" "); lastSpace = true }
            }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// Splits "314 / 318" or "E09000021 / E09000027" into its parts.
    public static func splitCombined(_ value: String) -> [String] {
        // Common case first: one code, no "/" and nothing to trim (no Foundation work).
        let u = value.utf8
        if let first = u.first, let last = u.last, first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80, !u.contains(0x2F) {
            return [value]
        }
        return value.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
