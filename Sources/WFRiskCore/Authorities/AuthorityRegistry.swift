import Foundation

/// Every known authority, loaded from reference CSVs, with lookups by code and name
/// and the boundary-change links between them.
public struct AuthorityRegistry: Sendable {
    public private(set) var byOldCode: [String: Authority] = [:]
    private var oldCodeByNewCode: [String: String] = [:]
    private var oldCodesByName: [String: [String]] = [:]
    private var predecessorsBySuccessor: [String: [String]] = [:]
    /// Known joint returns, keyed by unit.
    package private(set) var jointReturns: [ReportingUnit: String] = [:]

    public init(authorities: [Authority], aliases: [(String, String)] = [], jointReturns: [ReportingUnit: String] = [:]) {
        for authority in authorities { add(authority) }
        for (code, alias) in aliases { addName(alias, for: code) }
        self.jointReturns = jointReturns
        for a in authorities { for s in a.successors { predecessorsBySuccessor[s, default: []].append(a.oldCode) } }
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
    package var nameIndex: [String: [String]] { oldCodesByName }

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
    package static func normalizedName(_ name: String) -> String {
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
    package static func splitCombined(_ value: String) -> [String] {
        // Common case first: one code, no "/" and nothing to trim (no Foundation work).
        let u = value.utf8
        if let first = u.first, let last = u.last, first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80, !u.contains(0x2F) {
            return [value]
        }
        return value.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
