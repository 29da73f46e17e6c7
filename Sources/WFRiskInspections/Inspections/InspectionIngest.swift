import Foundation
import WFRiskCore

/// Reads a set of inspection texts concurrently (documents spread over worker threads).
/// Unreadable files and texts with no English authority are skipped with a reason;
/// bad metadata is an error.
package enum InspectionIngest {
    package struct Result: Sendable {
        package var documents: [InspectionDocument]
        package var skipped: [SkippedText]
    }

    /// Folders become the text files inside them (recursively), sorted.
    package static func expand(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else {
                throw WFRiskError.input(InputProblem(file: p, message: "inspection input not found"))
            }
            if isDir.boolValue {
                let files = (fm.enumerator(atPath: p)?.allObjects as? [String]) ?? []
                for f in files where InspectionSourceReader.extensions.contains((f as NSString).pathExtension.lowercased()) {
                    out.append((p as NSString).appendingPathComponent(f))
                }
            } else {
                out.append(p)
            }
        }
        return Array(Set(out)).sorted()
    }

    package static func read(_ paths: [String], registry: AuthorityRegistry, lexicon: InspectionLexicon? = nil, threads: Int) throws -> Result {
        let extractor = InspectionExtractor(lexicon: try lexicon ?? InspectionLexicon.bundled(), registry: registry)
        let outcomes = Parallel.map(paths, threads: threads) { path -> Swift.Result<InspectionDocument, Error> in
            Swift.Result {
                switch try InspectionSourceReader.read(path: path) {
                case .failure(let skipped): throw skipped
                case .success(let source): return try extractor.extract(source)
                }
            }
        }
        var documents: [InspectionDocument] = []
        var skipped: [SkippedText] = []
        var problems: [InputProblem] = []
        for (path, outcome) in zip(paths, outcomes) {
            switch outcome {
            case .success(let d):
                if d.primary.isEmpty {
                    skipped.append(SkippedText(file: path, reason: d.authorities.isEmpty
                        ? "no English local authority's children's services recognised"
                        : "names \(d.authorities.map(\.name).joined(separator: ", ")) only in passing; no authority it is about"))
                } else {
                    documents.append(d)
                }
            case .failure(let s as SkippedText): skipped.append(s)
            case .failure(WFRiskError.input(let p)): problems.append(p)
            case .failure(let e): throw e
            }
        }
        if !problems.isEmpty { throw WFRiskError.inputs(problems) }
        return Result(documents: documents, skipped: skipped)
    }
}

extension SkippedText: Error {}
