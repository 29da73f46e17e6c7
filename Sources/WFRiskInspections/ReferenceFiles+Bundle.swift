import Foundation
import WFRiskCore

extension ReferenceFiles {
    /// A reference file this target ships in `Sources/WFRiskInspections/Resources` (the inspection lexicon).
    static func path(_ name: String) -> String { path(name, in: .module) }
}
