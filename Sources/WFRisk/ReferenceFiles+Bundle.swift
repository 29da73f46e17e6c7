import Foundation
import WFRiskCore

extension ReferenceFiles {
    /// A reference file this target ships in `Sources/WFRisk/Resources` (default settings, unit words, report templates).
    static func path(_ name: String) -> String { path(name, in: .module) }
}
