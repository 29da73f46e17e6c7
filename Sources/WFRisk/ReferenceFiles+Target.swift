import WFRiskCore

extension ReferenceFiles {
    /// A reference file this target ships in `Sources/WFRisk/Resources` (default settings, unit words, report templates), found as
    /// `ReferenceFiles` says; throws (exit 1) naming every place looked at when it is not there.
    static func path(_ name: String) throws -> String { try path(name, target: .pipeline) }
}
