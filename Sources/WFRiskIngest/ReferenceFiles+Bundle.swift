import Foundation
import WFRiskCore

extension ReferenceFiles {
    /// A reference file this target ships in `Sources/WFRiskIngest/Resources` (the authority registry, column aliases, suppression markers, validity rules).
    static func path(_ name: String) -> String { path(name, in: .module) }
}
