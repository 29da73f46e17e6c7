import Foundation
import WFRiskCore
import WFRiskInspections
import WFRiskScoring

/// What a bug report needs about this binary, for `wfrisk version` and each run's manifest:
/// wfrisk and methodology versions, the executable, where each target's reference files are read
/// from, and the C libraries' versions.
package enum BinaryFacts {
    /// Each C library wrapper (the one Swift file that owns its pointers) says its version; a new
    /// library is one line here.
    package static let libraries: [LinkedLibrary] = [
        .libcsv,
        .libxlsxwriter,
        .poppler,
    ]

    /// `installation` in manifest.json (docs/outputs.md).
    package static var json: JSONValue {
        .object([
            ("executable", .string(ReferenceFiles.executablePath)),
            ("reference_files", .object(ReferenceFiles.sources().map { source in
                (source.target.rawValue, source.place.map { .object([("from", .string($0.kind.rawValue)), ("path", .string($0.path))]) } ?? .null)
            })),
            ("libraries", .object(libraries.map { ($0.name, .string($0.version)) })),
        ])
    }

    /// `wfrisk version --json`: the versions, then the facts of `json`.
    package static var versionJSON: JSONValue {
        guard case .object(let facts) = json else { return json }
        return .object([("wfrisk_version", .string(WFRiskVersion.current)), ("methodology_version", .string(Scorer.methodologyVersion))] + facts)
    }

    /// Whether every target's reference folder was found.
    package static var referenceFilesFound: Bool { ReferenceFiles.sources().allSatisfy { $0.place != nil } }

    /// `wfrisk version`: one fact a line.
    package static var text: String {
        var out = "wfrisk \(WFRiskVersion.current)\nmethodology \(Scorer.methodologyVersion)\nexecutable \(ReferenceFiles.executablePath)\n"
        out += "reference files (\(ReferenceFiles.environmentVariable) \(ProcessInfo.processInfo.environment[ReferenceFiles.environmentVariable].map { "= \($0)" } ?? "not set")):\n"
        for source in ReferenceFiles.sources() {
            out += "  \(source.target.rawValue): " + (source.place.map(\.description)
                ?? "NOT FOUND (looked in \(ReferenceFiles.places(target: source.target).map(\.description).joined(separator: "; ")))") + "\n"
        }
        out += "libraries:\n"
        for library in libraries { out += "  \(library.name) \(library.version)\n" }
        return out
    }
}
