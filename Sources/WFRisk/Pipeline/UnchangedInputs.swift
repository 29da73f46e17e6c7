import Foundation
import WFRiskCore
import WFRiskIngest

extension TidyIngest {
    /// Fails when the bytes a file was parsed from are not those fingerprinted at the start of the
    /// run (the file was rewritten, truncated or appended to meanwhile): the manifest must never
    /// record one file while the scores come from another.
    static func verifyUnchanged(_ files: [TidyFile], fingerprints: [InputFingerprint]) throws {
        var recorded: [String: String] = [:]
        for f in fingerprints { recorded[f.path] = f.sha256 }
        let changed = files.compactMap { file -> InputProblem? in
            guard let expected = recorded[file.path], !file.sha256.isEmpty, expected != file.sha256 else { return nil }
            return InputProblem(file: file.path, message: "input changed while it was being read (SHA-256 \(expected.prefix(12))… when the run started, \(file.sha256.prefix(12))… of the bytes parsed); rerun once the file is complete")
        }
        if !changed.isEmpty { throw WFRiskError.inputs(changed) }
    }
}
