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

    /// What a folder given as inspection input held.
    package struct Folder: Sendable, Equatable {
        package var path: String
        /// Texts found in it (recursively).
        package var texts: Int
        /// Files in it that are not read, each with the reason.
        package var passedOver: [SkippedText]

        /// For the log and the manifest: each file passed over, and a folder with no text.
        package var warnings: [String] {
            warnings(whenEmpty: "every unit's inspection indicators have no value and count as missing in coverage")
        }

        /// Each file passed over, and a folder with no text with what that means for the command
        /// (`consequence`): one wording for `run` and `extract`.
        package func warnings(whenEmpty consequence: String) -> [String] {
            passedOver.map { "passed over \($0.file) in inspection folder \(path): \($0.reason)" }
                + (texts > 0 ? [] : ["inspection folder \(path) holds no inspection text (\(InspectionIngest.extensionList)): \(consequence)"])
        }
    }

    /// The text extensions as written in messages: ".txt, .md, …".
    static var extensionList: String { InspectionSourceReader.extensions.map { "." + $0 }.joined(separator: ", ") }

    /// The texts to read, and what each folder held.
    package struct Expansion: Sendable {
        package var texts: [String]
        package var folders: [Folder]
    }

    /// Folders become the text files inside them (recursively), sorted.
    package static func expand(_ paths: [String]) throws -> [String] { try expandFolders(paths).texts }

    /// Folders become the text files inside them, at any depth: a file with a text extension
    /// (`InspectionSourceReader.extensions`) unless it is a folder's README (`README`,
    /// `README.md`, … in any case), hidden, or a `.meta.yml` sidecar (read with its text). Every
    /// other file is passed over with the reason, a sidecar only when no text stands beside it.
    /// A file named directly is always read.
    package static func expandFolders(_ paths: [String]) throws -> Expansion {
        var out: [String] = []
        var folders: [Folder] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else {
                throw WFRiskError.input(InputProblem(file: p, message: "inspection input not found"))
            }
            guard isDir.boolValue else { out.append(p); continue }
            var folder = Folder(path: p, texts: 0, passedOver: [])
            let files = ((fm.enumerator(atPath: p)?.allObjects as? [String]) ?? []).sorted()
            let present = Set(files)
            for f in files {
                let full = (p as NSString).appendingPathComponent(f)
                var sub: ObjCBool = false
                guard fm.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue else { continue }
                if let reason = passOverReason(f, present: present) {
                    if !reason.isEmpty { folder.passedOver.append(SkippedText(file: full, reason: reason)) }
                } else {
                    out.append(full)
                    folder.texts += 1
                }
            }
            folders.append(folder)
        }
        return Expansion(texts: Array(Set(out)).sorted(), folders: folders)
    }

    /// Why a file found in a folder is not an inspection text (empty: a sidecar read with its
    /// text, said nowhere), or nil when it is one.
    static func passOverReason(_ relative: String, present: Set<String>) -> String? {
        let name = (relative as NSString).lastPathComponent
        let ext = (name as NSString).pathExtension.lowercased()
        if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { return "hidden file, not an inspection text" }
        if name.lowercased().hasSuffix(".meta.yml") {
            return present.contains(String(relative.dropLast(".meta.yml".count))) ? "" : "sidecar with no text beside it"
        }
        guard InspectionSourceReader.extensions.contains(ext) else {
            let known = extensionList
            return ext.isEmpty ? "no file extension; inspection texts end in \(known)" : "'.\(ext)' is not an inspection text extension (\(known))"
        }
        if (name as NSString).deletingPathExtension.lowercased() == "readme" { return "a folder's README, not an inspection text" }
        return nil
    }

    package static func read(_ paths: [String], registry: AuthorityRegistry, lexicon: InspectionLexicon? = nil, threads: Int) throws -> Result {
        let extractor = InspectionExtractor(lexicon: try lexicon ?? InspectionLexicon.bundled(), registry: registry)
        let outcomes = Parallel.map(paths, threads: threads) { path -> Swift.Result<InspectionDocument, Error> in
            Swift.Result {
                // The source is handed over, not copied, so its text is freed once the extractor
                // holds it as scalars (issue 27: memory).
                let read = try InspectionSourceReader.read(path: path)
                switch consume read {
                case .failure(let skipped): throw skipped
                case .success(let source): return try extractor.extract(consume source)
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
