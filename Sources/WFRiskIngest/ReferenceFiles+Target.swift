import WFRiskCore

extension ReferenceFiles {
    /// A reference file this target ships in `Sources/WFRiskIngest/Resources` (the authority registry, column aliases, suppression markers, validity rules), found as
    /// `ReferenceFiles` says; throws (exit 1) naming every place looked at when it is not there.
    static func path(_ name: String) throws -> String { try path(name, target: .ingest) }
}
