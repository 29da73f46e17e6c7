import Foundation
import WFRiskCore
import WFRiskScoring

/// A pipeline file (`pipelines/*.yml`): what to read, how to score, where to write.
/// Relative paths are resolved against the pipeline file's folder, so cron can run it
/// from any working directory.
public struct Pipeline: Sendable {
    public var name: String
    public var file: String
    public var description: String
    public var sha256: String
    package var inputs: PipelineInputs
    package var settings: RunSettings
    package var outputs: PipelineOutputs
    /// `wfrisk backtest` settings (`backtest:` section; docs/validity.md).
    package var backtest = PipelineBacktest()

    /// Loads and validates a pipeline file; every error names file, line and key path.
    public static func load(path: String) throws -> Pipeline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WFRiskError.usage("\(path): cannot read pipeline file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw WFRiskError.usage("\(path): pipeline file is not UTF-8 text")
        }
        let root = try ConfigNode.parse(file: path, text: text)
        let base = (path as NSString).deletingLastPathComponent
        var pipeline = Pipeline(
            name: ((path as NSString).lastPathComponent as NSString).deletingPathExtension, file: path, description: "",
            sha256: SHA256Digest.hex(of: Array(data)), inputs: PipelineInputs(),
            settings: try RunSettings.defaults(), outputs: PipelineOutputs(directory: Pipeline.resolve("../out", base: base)))
        for (key, node) in try root.mapping(allowed: ["name", "description", "inputs", "settings", "outputs", "backtest"]) {
            switch key {
            case "name": pipeline.name = try node.string()
            case "description": pipeline.description = try node.string()
            case "inputs": try pipeline.inputs.apply(node, base: base)
            case "settings": try pipeline.settings.apply(node)
            case "outputs": try pipeline.outputs.apply(node, base: base)
            case "backtest": try pipeline.backtest.apply(node)
            default: break
            }
        }
        if pipeline.inputs.workforce.isEmpty {
            throw WFRiskError.usage("\(path):\(root.line): inputs.workforce: a pipeline needs at least one workforce file or pattern")
        }
        return pipeline
    }

    /// A run of files named on the command line with no pipeline file: default settings, no
    /// inputs yet (the caller sets them) and `directory` for its output, which the caller must
    /// give, so an ad-hoc run never publishes into a pipeline's folder.
    package static func adHoc(directory: String) throws -> Pipeline {
        Pipeline(name: "ad-hoc", file: "(command line)", description: "files named on the command line",
                 sha256: SHA256Digest.hex(of: Array("ad-hoc".utf8)), inputs: PipelineInputs(),
                 settings: try RunSettings.defaults(), outputs: PipelineOutputs(directory: resolve(directory, base: "")))
    }

    /// The pipeline `wfrisk run` runs without `--pipeline`: `pipelines/nightly.yml` of the checkout
    /// the running binary sits in (`<checkout>/.build/<config>/wfrisk`), so it is the same file
    /// from any working directory; for a binary elsewhere (installed), `pipelines/nightly.yml`
    /// below the working directory, else none: an installed binary never picks a pipeline by
    /// itself (`wfrisk run` then asks for `--pipeline`, naming the installed sample).
    /// `file` names another bundled pipeline (`backtest.yml`); `executable`: the running binary when nil.
    public static func defaultPath(file: String = "nightly.yml", executable: String? = nil) -> String? {
        candidateDefaultPaths(file: file, executable: executable ?? ReferenceFiles.executablePath).first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Where a bundled pipeline (`pipelines/<file>`) is looked for: the checkout the binary was
    /// built in, then the working directory.
    package static func candidateDefaultPaths(file: String = "nightly.yml", executable: String = ReferenceFiles.executablePath) -> [String] {
        var candidates: [String] = []
        let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath().path
        if let range = exe.range(of: "/.build/") {
            candidates.append(String(exe[..<range.lowerBound]) + "/pipelines/" + file)
        }
        candidates.append(resolve("pipelines/" + file, base: ""))
        return candidates.map { display($0, cwd: FileManager.default.currentDirectoryPath) }
    }

    /// The sample pipeline `scripts/install` and the .deb put in `PREFIX/share/wfrisk/pipelines`
    /// (PREFIX being the folder above the executable's), when it is there.
    package static func installedSamplePath(executable: String = ReferenceFiles.executablePath) -> String? {
        let path = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/wfrisk/pipelines/nightly.yml").standardized.path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Resolves `path` against `base` (the pipeline file's folder) and shortens it to be
    /// relative to the working directory when it lies below it, so logs and outputs stay readable.
    static func resolve(_ path: String, base: String) -> String {
        if path.hasPrefix("~/") { return (path as NSString).expandingTildeInPath }
        let cwd = FileManager.default.currentDirectoryPath
        let absolute = path.hasPrefix("/") ? path
            : URL(fileURLWithPath: base.isEmpty ? path : (base as NSString).appendingPathComponent(path),
                  relativeTo: URL(fileURLWithPath: cwd, isDirectory: true)).absoluteURL.standardized.path
        return display(absolute, cwd: cwd)
    }

    static func display(_ absolute: String, cwd: String) -> String {
        let prefix = cwd.hasSuffix("/") ? cwd : cwd + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
    }
}

/// Input paths and globs of a pipeline.
package struct PipelineInputs: Sendable {
    package var workforce: [String] = []
    package var demand: [String] = []
    package var inspections: [String] = []
    package var neighbours: String?
    package var authorities: String?
    package var authorityAliases: String?
    var inspectionMetadata: String?
    /// Ofsted's record, from any of its sources (the judgements file, the scraper's CSV, a folder
    /// of report PDFs; several are merged): the judgement in force beside the scores, the record
    /// that wins over inspection texts' prose, and what `wfrisk backtest` pairs the scores with.
    package var ofsted: [String] = []
    /// ONS mid-year estimates of children aged 0 to 17 (the layout of ../shared/data/ons/): the
    /// denominator of demand rates a children-in-need release gives as counts only.
    package var population: String?

    package init() {}

    mutating func apply(_ node: ConfigNode, base: String) throws {
        let keys = ["workforce", "demand", "population", "inspections", "ofsted", "reference"]
        for (key, value) in try node.mapping(allowed: keys) {
            switch key {
            case "workforce": workforce = try value.strings().map { Pipeline.resolve($0, base: base) }
            case "demand": demand = value.isNull ? [] : try value.strings().map { Pipeline.resolve($0, base: base) }
            case "inspections": inspections = value.isNull ? [] : try value.strings().map { Pipeline.resolve($0, base: base) }
            case "population":
                population = value.isNull ? nil : Pipeline.resolve(try value.string(), base: base)
                if let p = population, !FileManager.default.fileExists(atPath: p) { throw value.error("file not found: \(p)") }
            case "ofsted":
                ofsted = value.isNull ? [] : try value.strings().map { Pipeline.resolve($0, base: base) }
                for o in ofsted where !FileManager.default.fileExists(atPath: o) { throw value.error("file not found: \(o)") }
            case "reference":
                for (k, v) in try value.mapping(allowed: ["neighbours", "authorities", "authority_aliases"]) {
                    let p = v.isNull ? nil : Pipeline.resolve(try v.string(), base: base)
                    if let p, !FileManager.default.fileExists(atPath: p) { throw v.error("file not found: \(p)") }
                    switch k {
                    case "neighbours": neighbours = p
                    case "authorities": authorities = p
                    default: authorityAliases = p
                    }
                }
            default: break
            }
        }
    }
}

/// A score file a run can write.
package enum OutputFormat: String, Sendable, CaseIterable {
    case csv, json, xlsx, html

    /// Every file the format writes (csv: the scores, their history and the per-indicator view).
    var files: [OutputFile] {
        switch self {
        case .csv: [.scoresCSV, .historyCSV, .indicatorsCSV]
        case .json: [.scoresJSON]
        case .xlsx: [.workbook]
        case .html: [.report]
        }
    }
    var fileNames: [String] { files.map(\.rawValue) }

    /// What the format wrote into `runDir`: its files and, for html above
    /// `settings.report.unit_pages_above` units, the folder of unit pages (`report/`).
    func outputNames(in runDir: String) -> [String] {
        guard self == .html else { return fileNames }
        var isFolder: ObjCBool = false
        let folder = (runDir as NSString).appendingPathComponent(ReportLayout.pagesFolder)
        let pages = FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue
        return fileNames + (pages ? [ReportLayout.pagesFolder + "/"] : [])
    }
}

/// A file in the run folder; the raw value is its name.
package enum OutputFile: String, Sendable, CaseIterable {
    case scoresCSV = "scores.csv", historyCSV = "history.csv", indicatorsCSV = "indicators.csv"
    case scoresJSON = "scores.json", workbook = "scores.xlsx", report = "report.html"

    /// Where the file comes in the write stage: the costliest to write first (measured on the
    /// 100x run, one file at a time: the report's pages and the workbook tens of seconds, then
    /// scores.json, indicators.csv, history.csv and scores.csv). A side effect: when several
    /// files fail to write (a full disk), the error reported is the costliest file's.
    var costOrder: Int {
        switch self {
        case .report: 0
        case .workbook: 1
        case .scoresJSON: 2
        case .indicatorsCSV: 3
        case .historyCSV: 4
        case .scoresCSV: 5
        }
    }
}

/// Where and what a pipeline writes.
package struct PipelineOutputs: Sendable {
    package var directory: String
    package var formats: [OutputFormat] = OutputFormat.allCases
    /// Complete runs kept under `runs/` (older ones are deleted after each run).
    var keepRuns: Int = 7
    /// Failed runs kept under `runs/` as evidence, separately from complete ones.
    var keepFailedRuns: Int = 3

    init(directory: String) { self.directory = directory }

    mutating func apply(_ node: ConfigNode, base: String) throws {
        for (key, value) in try node.mapping(allowed: ["directory", "formats", "keep_runs", "keep_failed_runs"]) {
            switch key {
            case "directory": directory = Pipeline.resolve(try value.string(), base: base)
            case "formats":
                let names = try value.strings()
                guard !names.isEmpty else { throw value.error("must list at least one of: csv, json, xlsx, html (a run that writes nothing publishes nothing usable)") }
                formats = try names.map { f in
                    guard let format = OutputFormat(rawValue: f) else { throw value.error("unknown format '\(f)'; expected \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))") }
                    return format
                }
                formats = OutputFormat.allCases.filter(formats.contains)
            case "keep_runs": keepRuns = try value.rangedInt()
            case "keep_failed_runs": keepFailedRuns = try value.rangedInt()
            default: break
            }
        }
    }
}

/// A pipeline's `backtest:` section: which census years, horizon and bootstrap.
package struct PipelineBacktest: Sendable {
    package var years: ClosedRange<Int> = 2017...2019
    package var horizonMonths = 24
    package var draws = 2000
    package var seed = 16

    init() {}

    mutating func apply(_ node: ConfigNode) throws {
        for (key, value) in try node.mapping(allowed: ["years", "horizon_months", "draws", "seed"]) {
            switch key {
            case "years":
                guard let y = ScoringSettings.parseYears(try value.string()) else { throw value.error("expected a year or a range such as 2017-2019") }
                years = y
            case "horizon_months":
                horizonMonths = try value.int()
                guard (1...120).contains(horizonMonths) else { throw value.error("must be between 1 and 120 months") }
            case "draws":
                draws = try value.int()
                guard (1...100_000).contains(draws) else { throw value.error("must be between 1 and 100000") }
            default:
                seed = try value.int()
                guard seed >= 0 else { throw value.error("must not be negative") }
            }
        }
    }
}

/// Expands shell-style patterns (`data/*.csv`) into sorted, existing paths.
package enum PathPatterns {
    package static func expand(_ patterns: [String], kind: String) throws -> [String] {
        var out: [String] = []
        for pattern in patterns {
            if !pattern.contains(where: { "*?[".contains($0) }) {
                guard FileManager.default.fileExists(atPath: pattern) else {
                    throw WFRiskError.input(InputProblem(file: pattern, message: "\(kind) input not found"))
                }
                out.append(pattern)
                continue
            }
            var g = glob_t()
            defer { globfree(&g) }
            let rc = glob(pattern, 0, nil, &g)
            guard rc == 0 else {
                throw WFRiskError.input(InputProblem(file: pattern, message: "\(kind) pattern matches no file"))
            }
            for i in 0..<Int(g.gl_pathc) {
                if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
            }
        }
        return Array(Set(out)).sorted()
    }
}
