import Foundation

/// Locates the reference data files shipped inside the package. Each target keeps the files
/// it reads in its own `Resources` folder (registry and reading rules in WFRiskIngest, the
/// lexicon in WFRiskInspections, settings and report templates in WFRisk) and asks here
/// with its own `Bundle.module`.
package enum ReferenceFiles {
    /// Path of a reference file shipped in `bundle`. `WFRISK_REFERENCE_DIR` overrides the folder
    /// (for an installed binary whose resource bundles live elsewhere; it holds every target's files).
    package static func path(_ name: String, in bundle: Bundle) -> String {
        if let dir = ProcessInfo.processInfo.environment["WFRISK_REFERENCE_DIR"], !dir.isEmpty {
            return (dir as NSString).appendingPathComponent(name)
        }
        if let url = bundle.url(forResource: name, withExtension: nil, subdirectory: "Resources")
            ?? bundle.url(forResource: name, withExtension: nil) {
            return url.path
        }
        return bundle.bundleURL.appendingPathComponent("Resources").appendingPathComponent(name).path
    }
}
