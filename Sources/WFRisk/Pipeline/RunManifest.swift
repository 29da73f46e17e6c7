import Foundation
import WFRiskCore
import WFRiskInspections
import WFRiskScoring

/// An output file as recorded in the manifest, or a folder of them (`report/`, name ending in `/`).
struct OutputFingerprint: Sendable, Equatable {
    var name: String
    var sha256: String
    var bytes: Int
    /// A folder: how many files it holds (`bytes` is their total, `sha256` that of its listing).
    var files: Int? = nil

    /// The file or folder `name` in `runDir`, read back from disk (the plain path; a run records
    /// what it wrote as it wrote it, `init(name:written:)` and `folder(_:files:)`).
    static func of(_ name: String, in runDir: String) throws -> OutputFingerprint {
        let path = (runDir as NSString).appendingPathComponent(name)
        guard name.hasSuffix("/") else {
            return OutputFingerprint(name: name, sha256: try SHA256Digest.hex(ofFile: path),
                                     bytes: (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
        let hashed = try names.map { file -> WrittenFile in
            let p = (path as NSString).appendingPathComponent(file)
            return WrittenFile(sha256: try SHA256Digest.hex(ofFile: p), bytes: (try FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? 0)
        }
        return folder(name, files: Dictionary(uniqueKeysWithValues: zip(names, hashed)))
    }

    /// A folder (`name` ending in `/`) of `files`, by file name. Its hash is that of the listing
    /// `sha256sum` prints for its files in byte order (`cd report && LC_ALL=C sha256sum -- * |
    /// sha256sum` gives the same), so one line of the manifest pins every page and any page can
    /// be checked alone.
    static func folder(_ name: String, files: [String: WrittenFile]) -> OutputFingerprint {
        let names = files.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let listing = names.map { "\(files[$0]!.sha256)  \($0)\n" }.joined()
        return OutputFingerprint(name: name, sha256: SHA256Digest.hex(of: Array(listing.utf8)),
                                 bytes: files.values.reduce(0) { $0 + $1.bytes }, files: names.count)
    }
}

extension OutputFingerprint {
    /// A file as it was written.
    init(name: String, written: WrittenFile) {
        self.init(name: name, sha256: written.sha256, bytes: written.bytes)
    }
}

/// How a run folder's manifest says its run ended (`status` in manifest.json).
enum ManifestStatus: String, Sendable {
    /// Written at the start; a folder still saying so was left by a run that died.
    case running
    case success
    case failed
}

/// `manifest.json` of a run folder: what ran, on what, how long each stage took, what it
/// wrote and how it ended. Run-specific facts (times, host) live here, never in the scores.
/// Laid out in one place, `json`; read back through `Summary`.
struct RunManifest {
    /// `manifest_version`: raised whenever a key is renamed, removed or changes meaning.
    static let schemaVersion = "1"
    /// The manifest's name in its run folder.
    static let fileName = "manifest.json"

    var pipelineFile: String
    var pipelineName: String
    var pipelineSHA: String
    var runKey: String
    var inputs: [InputFingerprint]
    var stages: [StageRecord] = []
    var warnings: [String] = []
    var outputs: [OutputFingerprint] = []
    var started: Date
    var finished: Date?
    var threads: Int
    var status = ManifestStatus.running
    var exitCode: Int?
    var failedStage: String?
    var error: String?
    /// Settings the run used, after defaults, the pipeline file and command-line overrides.
    var settings: RunSettings
    var formats: [OutputFormat]
    /// Command-line options that replaced pipeline values.
    var overrides: [RunOverride]
    /// Input folders marked synthetic (`SYNTHETIC` marker): the scores are not real figures.
    var syntheticInputs: [String] = []
    /// Inspection folders given: how many texts each held and what in it was passed over, why.
    var inspectionFolders: [InspectionIngest.Folder] = []

    init(pipeline: Pipeline, overrides: [RunOverride], runKey: String, inputs: [InputFingerprint], started: Date, threads: Int) {
        pipelineFile = pipeline.file
        pipelineName = pipeline.name
        pipelineSHA = pipeline.sha256
        self.runKey = runKey
        self.inputs = inputs
        self.started = started
        self.threads = threads
        self.settings = pipeline.settings
        self.formats = pipeline.outputs.formats
        self.overrides = overrides
    }

    /// Identifies what a run would produce: the pipeline file, wfrisk and methodology versions, the
    /// effective settings after command-line overrides (every stored setting, so `--year 2022` or
    /// a changed weight is never "unchanged"), the output formats, and every input's hash (not its
    /// path, so the same files reached from another folder match).
    static func runKey(pipelineSHA: String, settings: RunSettings, formats: [OutputFormat], inputs: [InputFingerprint]) -> String {
        var text = "pipeline \(pipelineSHA)\nwfrisk \(WFRiskVersion.current)\nmethodology \(Scorer.methodologyVersion)\n"
        text += "settings \(SettingsFingerprint.text(settings))\nformats \(formats.map(\.rawValue).sorted().joined(separator: ","))\n"
        for i in inputs.sorted(by: { ($0.kind, $0.sha256) < ($1.kind, $1.sha256) }) { text += "\(i.kind) \(i.sha256)\n" }
        return SHA256Digest.hex(of: Array(text.utf8))
    }

    mutating func applyCounts(_ counts: [String: Int]) {
        for i in inputs.indices { inputs[i].count = counts["\(inputs[i].kind):\(inputs[i].path)"] ?? inputs[i].count }
    }

    mutating func finish(status: ManifestStatus, exitCode: Int, failedStage: String? = nil, error: String? = nil) {
        self.status = status
        self.exitCode = exitCode
        self.failedStage = failedStage
        self.error = error
        finished = Date()
    }

    func rendered() -> String { json.rendered() }

    /// The document: key order and the formats of every number and time.
    var json: JSONValue {
        .object([
            ("manifest_version", .string(Self.schemaVersion)),
            ("status", .string(status.rawValue)),
            ("exit_code", exitCode.map(JSONValue.int) ?? .null),
            ("failed_stage", .optionalString(failedStage)),
            ("error", .optionalString(error)),
            ("pipeline", .object([("file", .string(pipelineFile)), ("name", .string(pipelineName)), ("sha256", .string(pipelineSHA))])),
            ("wfrisk_version", .string(WFRiskVersion.current)),
            ("methodology_version", .string(Scorer.methodologyVersion)),
            ("installation", BinaryFacts.json),
            ("run_key", .string(runKey)),
            ("settings", RunManifest.settingsJSON(settings, formats: formats)),
            ("overrides", .array(overrides.map { .object([("option", .string($0.option)), ("value", .string($0.value))]) })),
            ("started_at", .string(Timestamp.iso8601(started))),
            ("finished_at", finished.map { .string(Timestamp.iso8601($0)) } ?? .null),
            ("duration_seconds", finished.map { .double($0.timeIntervalSince(started), decimals: 3) } ?? .null),
            ("host", .string(ProcessInfo.processInfo.hostName)),
            ("pid", .int(Int(getpid()))),
            ("threads", .int(threads)),
            ("inputs", RunManifest.inputsJSON(inputs)),
            ("inspection_folders", RunManifest.foldersJSON(inspectionFolders)),
            ("stages", .array(stages.map { s in
                .object([
                    ("name", .string(s.name)), ("status", .string(s.status.rawValue)),
                    ("started_at", s.startedAt.map { .string(Timestamp.iso8601($0)) } ?? .null),
                    ("duration_seconds", .double(s.seconds, decimals: 4)),
                    ("counts", .object(s.counts.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
                    ("error", .optionalString(s.error)),
                ])
            })),
            ("synthetic_inputs", .array(syntheticInputs.map { .string($0) })),
            ("warnings", .array(warnings.map { .string($0) })),
            ("outputs", .array(outputs.map { o in
                .object([("name", .string(o.name)), ("sha256", .string(o.sha256)), ("bytes", .int(o.bytes))]
                        + (o.files.map { [("files", JSONValue.int($0))] } ?? []))
            })),
        ])
    }

    /// `inputs`: kind, path, hash and the rows (CSV) or documents (texts and their sidecars) read.
    static func inputsJSON(_ inputs: [InputFingerprint]) -> JSONValue {
        .array(inputs.sorted { ($0.kind, $0.path) < ($1.kind, $1.path) }.map { i in
            let counted = i.kind == "inspection" || i.kind == "inspection_metadata" ? "documents" : "rows"
            return .object([("kind", .string(i.kind)), ("path", .string(i.path)), ("sha256", .string(i.sha256)), (counted, .int(i.count))])
        })
    }

    /// `inspection_folders`: each folder's path, how many texts it held, and what was passed over, why.
    static func foldersJSON(_ folders: [InspectionIngest.Folder]) -> JSONValue {
        .array(folders.map { f in
            let passed: [JSONValue] = f.passedOver.map { .object([("file", .string($0.file)), ("reason", .string($0.reason))]) }
            return .object([("path", .string(f.path)), ("texts", .int(f.texts)), ("passed_over", .array(passed))])
        })
    }

    /// The effective settings as recorded: scoring settings as in scores.json, plus reading rules and formats.
    static func settingsJSON(_ s: RunSettings, formats: [OutputFormat]) -> JSONValue {
        .object([
            ("scoring", s.scoring.jsonValue),
            ("column_aliases", .object(s.columnAliases.keys.sorted().map { k in (k, .array(s.columnAliases[k]!.map { .string($0) })) })),
            ("suppression_markers", .array(s.suppressionMarkers.map { .string($0) })),
            ("overlapping_releases", .string(s.overlappingReleases.rawValue)),
            ("strict", .bool(s.strict)),
            ("report", .object([("unit_pages_above", .int(s.reportUnitPagesAbove)), ("units_per_page", .int(s.reportUnitsPerPage))])),
            ("formats", .array(formats.map { .string($0.rawValue) })),
        ])
    }

    func write(to dir: String) throws {
        try FileOutput.writeAtomically(rendered(), to: (dir as NSString).appendingPathComponent(Self.fileName))
    }

    /// The few fields later commands need from an earlier manifest, by the keys `json` writes.
    struct Summary: Decodable {
        var runKey: String?
        /// `status` as written; `status` is nil when this version does not know it.
        var statusText: String?
        package var methodologyVersion: String?
        package var status: ManifestStatus? { statusText.flatMap(ManifestStatus.init(rawValue:)) }

        enum CodingKeys: String, CodingKey {
            case runKey = "run_key", statusText = "status", methodologyVersion = "methodology_version"
        }

        package init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            // Each field alone: a manifest of another version still yields what it has.
            runKey = try? c.decodeIfPresent(String.self, forKey: .runKey)
            statusText = try? c.decodeIfPresent(String.self, forKey: .statusText)
            methodologyVersion = try? c.decodeIfPresent(String.self, forKey: .methodologyVersion)
        }

        /// The summary of the manifest at `path`; nil when it is missing or not a JSON object.
        package static func load(path: String) -> Summary? {
            FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode(Summary.self, from: $0) }
        }
    }

    /// The summary of `directory/manifest.json` when it records a run key and a status.
    static func read(directory: String) -> Summary? {
        guard let s = Summary.load(path: (directory as NSString).appendingPathComponent(fileName)),
              s.runKey != nil, s.statusText != nil else { return nil }
        return s
    }
}
