import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRisk

/// Issue 29: the binary finds its reference files wherever it runs (build tree, installed under a
/// prefix, WFRISK_REFERENCE_DIR), and where it cannot, says so (every place looked at, the fix,
/// exit 1, one `run finished` event) instead of stopping with a crash.
@Suite(.serialized) struct ReferenceFileTests {
    static let resourceRoots: [(target: String, path: String)] = {
        let sources = Fixtures.repoRoot + "/Sources"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: sources)) ?? []).sorted()
        return names.compactMap { name in
            let path = sources + "/" + name + "/Resources"
            return FileManager.default.fileExists(atPath: path) ? (name, path) : nil
        }
    }()

    /// Every reference file, as a path relative to its target's Resources folder.
    static func files(of root: String) -> [String] {
        let e = FileManager.default.enumerator(atPath: root)
        var out: [String] = []
        while let f = e?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + f, isDirectory: &isDirectory), !isDirectory.boolValue { out.append(f) }
        }
        return out.sorted()
    }

    /// Every target's Resources merged into `dir`, as scripts/install lays out PREFIX/share/wfrisk/reference.
    static func mergedReference(in dir: String, leaving left: Set<String> = []) throws -> String {
        for (_, root) in resourceRoots {
            for f in files(of: root) where !left.contains(f) {
                let to = dir + "/" + f
                try FileManager.default.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: root + "/" + f, toPath: to)
            }
        }
        return dir
    }

    /// The built binary copied to `prefix/bin/wfrisk`, away from the bundles beside it in the build tree.
    static func copiedBinary(prefix: String) throws -> String {
        try FileManager.default.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
        let bin = prefix + "/bin/wfrisk"
        try FileManager.default.copyItem(atPath: Fixtures.executable, toPath: bin)
        return bin
    }

    /// Runs `bin` (a copy of the build's binary) and waits.
    static func run(_ bin: String, _ arguments: [String], cwd: String, environment: [String: String]) throws -> Fixtures.Outcome {
        try Fixtures.run(arguments, cwd: cwd, environment: environment, executable: bin)
    }

    /// JSON log lines of both streams.
    static func events(_ r: Fixtures.Outcome) -> [[String: Any]] {
        (r.stdout + "\n" + r.stderr).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    static let nightly = Fixtures.repoRoot + "/pipelines/nightly.yml"

    /// A failed `wfrisk run --log-format json`: exit 1, one error event whose message contains
    /// each of `texts`, and exactly one `run finished` event saying failed with exit 1.
    static func expectReferenceFailure(_ r: Fixtures.Outcome, _ texts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 1, "exit \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        let events = events(r)
        let errors = events.filter { $0["event"] as? String == "error" }
        #expect(errors.count == 1, "\(r.stdout)\(r.stderr)", sourceLocation: sourceLocation)
        let message = errors.first?["message"] as? String ?? ""
        for t in texts { #expect(message.contains(t), "missing '\(t)' in: \(message)", sourceLocation: sourceLocation) }
        #expect(message.contains("Fix:"), "\(message)", sourceLocation: sourceLocation)
        let finished = events.filter { $0["event"] as? String == "run_finished" }
        #expect(finished.count == 1, "\(r.stdout)\(r.stderr)", sourceLocation: sourceLocation)
        #expect(finished.first?["status"] as? String == "failed", sourceLocation: sourceLocation)
        #expect(finished.first?["exit_code"] as? Int == 1, sourceLocation: sourceLocation)
    }

    /// A new Resources folder needs its target in `ReferenceFiles.Target` (one line), or the
    /// installed layout and `wfrisk version` would leave it out.
    @Test func everyResourcesFolderIsAKnownTarget() {
        #expect(Self.resourceRoots.map(\.target).sorted() == ReferenceFiles.Target.allCases.map(\.rawValue).sorted())
    }

    /// Merged into one folder, no target's file shadows another's.
    @Test func noReferenceFileNameIsUsedByTwoTargets() {
        var seen: [String: String] = [:]
        for (target, root) in Self.resourceRoots {
            for f in Self.files(of: root) {
                #expect(seen[f] == nil, "\(f) is in \(seen[f] ?? "") and \(target)")
                seen[f] = target
            }
        }
        #expect(seen.count >= 10)
    }

    /// The order of places: WFRISK_REFERENCE_DIR alone when set; else beside the executable, then
    /// PREFIX/share/wfrisk/reference; an empty variable counts as not set.
    @Test func placesAreLookedAtInTheDocumentedOrder() {
        let exe = "/opt/w/bin/wfrisk"
        let plain = ReferenceFiles.places(target: .pipeline, environment: [:], executable: exe)
        #expect(plain.map(\.kind) == [.besideExecutable, .installed])
        #expect(plain.map(\.path) == ["/opt/w/bin/wfrisk_WFRisk.resources/Resources", "/opt/w/share/wfrisk/reference"])
        #expect(ReferenceFiles.places(target: .pipeline, environment: ["WFRISK_REFERENCE_DIR": ""], executable: exe) == plain)
        let set = ReferenceFiles.places(target: .pipeline, environment: ["WFRISK_REFERENCE_DIR": "/r"], executable: exe)
        #expect(set == [ReferenceFiles.Place(kind: .environment, path: "/r")])
    }

    /// Copied out of the build tree with no files anywhere: before issue 29 every command
    /// stopped with `Fatal error: could not load resource bundle` (SIGILL) and no event.
    @Test func noReferenceFilesAnywhereIsAnErrorNamingEveryPlace() throws {
        let dir = Fixtures.temporaryDirectory()
        let bin = try Self.copiedBinary(prefix: dir + "/p")
        let r = try Self.run(bin, ["run", "--pipeline", Self.nightly, "--out", dir + "/out", "--log-format", "json"],
                             cwd: dir, environment: ["WFRISK_REFERENCE_DIR": ""])
        Self.expectReferenceFailure(r, ["default_settings.yml", "WFRISK_REFERENCE_DIR: not set",
                                        dir + "/p/bin/wfrisk_WFRisk.resources/Resources (no such folder)",
                                        dir + "/p/share/wfrisk/reference (no such folder)"])
        let v = try Self.run(bin, ["version"], cwd: dir, environment: ["WFRISK_REFERENCE_DIR": ""])
        #expect(v.status == 1)
        #expect(v.stdout.contains("WFRiskIngest: NOT FOUND"), "\(v.stdout)")
    }

    @Test func anEmptyOrAbsentReferenceDirIsAnError() throws {
        let dir = Fixtures.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        let empty = try Fixtures.run(["run", "--pipeline", Self.nightly, "--out", dir + "/out", "--log-format", "json"],
                                     cwd: dir, environment: ["WFRISK_REFERENCE_DIR": dir + "/empty"])
        Self.expectReferenceFailure(empty, [dir + "/empty/default_settings.yml does not exist", "WFRISK_REFERENCE_DIR: \(dir)/empty (used)",
                                            "no other place is looked at"])
        let absent = try Fixtures.run(["run", "--pipeline", Self.nightly, "--out", dir + "/out", "--log-format", "json"],
                                      cwd: dir, environment: ["WFRISK_REFERENCE_DIR": dir + "/absent"])
        Self.expectReferenceFailure(absent, ["no folder of reference files found", "WFRISK_REFERENCE_DIR: \(dir)/absent (no such folder)"])
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/latest"))
    }

    /// Property: whichever reference file a partial folder lacks, the sample pipeline's run never
    /// crashes: it stops with an error naming that file and its place, exit 1 and one `run
    /// finished` event, and `latest` is not published (or, for a file this pipeline never reads,
    /// it succeeds). Today's files are all read by it.
    @Test func aPartialReferenceDirNamesTheMissingFile() throws {
        let all = Set(Self.resourceRoots.flatMap { Self.files(of: $0.path) })
        var reported: [String] = []
        for file in all.sorted() {
            let dir = Fixtures.temporaryDirectory() + "/" + file.replacingOccurrences(of: "/", with: "_")
            let reference = try Self.mergedReference(in: dir + "/reference", leaving: [file])
            let r = try Fixtures.run(["run", "--pipeline", Self.nightly, "--out", dir + "/out", "--log-format", "json"],
                                     cwd: dir, environment: ["WFRISK_REFERENCE_DIR": reference])
            if r.status == 0 { continue }
            Self.expectReferenceFailure(r, ["'\(file)'", "\(reference)/\(file) does not exist"])
            #expect(!FileManager.default.fileExists(atPath: dir + "/out/latest"), "\(file)")
            reported.append(file)
        }
        let readByEveryRun = ["authorities.csv", "authority_aliases.csv", "column_aliases.csv", "default_settings.yml", "inspection_lexicon.yml",
                              "joint_returns.csv", "report/report.mustache", "report/style.css", "report/unit.mustache",
                              "suppression_markers.csv", "unit_words.yml", "validity_rules.csv"]
        #expect(Set(readByEveryRun).isSubset(of: Set(reported)), "\(reported)")
    }

    /// An edited report template outside the fast template path's subset (a comment) is rendered
    /// through swift-mustache, as the shipped one is by the fast path, and may include another
    /// template as a partial; a broken one (a section left open, a name that is not ASCII) stops
    /// the run naming the file and its line, with no `latest`.
    @Test func anEditedTemplateFallsBackAndABrokenOneIsNamed() throws {
        let dir = Fixtures.temporaryDirectory()
        let shipped = try Fixtures.run(["run", "--pipeline", Self.nightly, "--out", dir + "/shipped", "--quiet"], cwd: dir)
        #expect(shipped.status == 0, "\(shipped.stderr)")
        let unit = Fixtures.repoRoot + "/Sources/WFRisk/Resources/report/unit.mustache"
        let text = try String(contentsOfFile: unit, encoding: .utf8)
        #expect(throws: Never.self) { try ReportTemplate(text) }

        let commented = try Self.mergedReference(in: dir + "/commented", leaving: ["report/unit.mustache"])
        try ("{{! an analyst's note }}" + text).write(toFile: commented + "/report/unit.mustache", atomically: true, encoding: .utf8)
        #expect(throws: ReportTemplate.Unsupported.self) { try ReportTemplate(try String(contentsOfFile: commented + "/report/unit.mustache", encoding: .utf8)) }
        let r = try Fixtures.run(["run", "--pipeline", Self.nightly, "--out", dir + "/commented-out", "--quiet"],
                                 cwd: dir, environment: ["WFRISK_REFERENCE_DIR": commented])
        #expect(r.status == 0, "\(r.stderr)")
        let a = FileManager.default.contents(atPath: dir + "/shipped/latest/report.html")
        #expect(a != nil && a == FileManager.default.contents(atPath: dir + "/commented-out/latest/report.html"))

        // A refused template may include another as a partial: swift-mustache then holds them all.
        let including = try Self.mergedReference(in: dir + "/including", leaving: ["report/report.mustache"])
        let report = try String(contentsOfFile: Fixtures.repoRoot + "/Sources/WFRisk/Resources/report/report.mustache", encoding: .utf8)
        #expect(!report.contains("../report.html#index"), "the marker comes from unit_page only")
        try ("{{! with the unit page's frame }}" + report + "{{> unit_page}}\n").write(toFile: including + "/report/report.mustache", atomically: true, encoding: .utf8)
        let p = try Fixtures.run(["run", "--pipeline", Self.nightly, "--out", dir + "/including-out", "--quiet"],
                                 cwd: dir, environment: ["WFRISK_REFERENCE_DIR": including])
        #expect(p.status == 0, "\(p.stderr)")
        let page = (try? String(contentsOfFile: dir + "/including-out/latest/report.html", encoding: .utf8)) ?? ""
        #expect(page.contains("../report.html#index"), "the partial was rendered")

        // Broken: a section left open; a name swift-mustache refuses (not ASCII).
        for (n, edit) in [(0, text + "\n{{#never_closed}}\n"), (1, text + "\n{{café}}\n")] {
            let broken = try Self.mergedReference(in: dir + "/broken\(n)", leaving: ["report/unit.mustache"])
            try edit.write(toFile: broken + "/report/unit.mustache", atomically: true, encoding: .utf8)
            let b = try Fixtures.run(["run", "--pipeline", Self.nightly, "--out", dir + "/broken-out\(n)", "--log-format", "json"],
                                     cwd: dir, environment: ["WFRISK_REFERENCE_DIR": broken])
            #expect(b.status != 0, "\(n)")
            #expect((b.stdout + b.stderr).contains(broken + "/report/unit.mustache line "), "\(n): \(b.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/broken-out\(n)/latest"), "\(n)")
        }
    }

    /// A reference file that cannot be read (a folder in its place, which even root cannot read
    /// as a file; and, when not root, a file without read permission).
    @Test func anUnreadableReferenceFileIsAnError() throws {
        let dir = Fixtures.temporaryDirectory()
        let reference = try Self.mergedReference(in: dir + "/reference", leaving: ["unit_words.yml"])
        try FileManager.default.createDirectory(atPath: reference + "/unit_words.yml", withIntermediateDirectories: true)
        let r = try Fixtures.run(["run", "--pipeline", Self.nightly, "--out", dir + "/out", "--log-format", "json"],
                                 cwd: dir, environment: ["WFRISK_REFERENCE_DIR": reference])
        Self.expectReferenceFailure(r, ["\(reference)/unit_words.yml is not a readable file (it is a folder)"])
        guard getuid() != 0 else { return }
        try FileManager.default.removeItem(atPath: reference + "/unit_words.yml")
        try FileManager.default.copyItem(atPath: Fixtures.repoRoot + "/Sources/WFRisk/Resources/unit_words.yml", toPath: reference + "/unit_words.yml")
        chmod(reference + "/unit_words.yml", 0)
        let p = try Fixtures.run(["run", "--pipeline", Self.nightly, "--out", dir + "/out2", "--log-format", "json"],
                                 cwd: dir, environment: ["WFRISK_REFERENCE_DIR": reference])
        Self.expectReferenceFailure(p, ["\(reference)/unit_words.yml is not a readable file (permissions)"])
    }

    /// The installed layout (binary in PREFIX/bin, files in PREFIX/share/wfrisk/reference) run
    /// from outside the checkout gives the build tree's scores.csv byte for byte, and its manifest
    /// and `wfrisk version` say where the files came from.
    @Test func theInstalledLayoutScoresAsTheBuildTreeDoes() throws {
        let dir = Fixtures.temporaryDirectory()
        let bin = try Self.copiedBinary(prefix: dir + "/prefix")
        let reference = try Self.mergedReference(in: dir + "/prefix/share/wfrisk/reference")
        let tree = try Fixtures.run(["run", "--pipeline", Self.nightly, "--out", dir + "/tree", "--quiet"])
        #expect(tree.status == 0, "\(tree.stderr)")
        let installed = try Self.run(bin, ["run", "--pipeline", Self.nightly, "--out", dir + "/installed", "--quiet"],
                                     cwd: dir, environment: ["WFRISK_REFERENCE_DIR": ""])
        #expect(installed.status == 0, "\(installed.stderr)")
        let a = FileManager.default.contents(atPath: dir + "/tree/latest/scores.csv")
        #expect(a != nil && a == FileManager.default.contents(atPath: dir + "/installed/latest/scores.csv"))

        let manifest = try JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: dir + "/installed/latest/manifest.json") ?? Data()) as? [String: Any]
        let installation = manifest?["installation"] as? [String: Any]
        #expect(installation?["executable"] as? String == bin)
        let sources = installation?["reference_files"] as? [String: [String: String]] ?? [:]
        #expect(Set(sources.keys) == Set(ReferenceFiles.Target.allCases.map(\.rawValue)))
        for (target, source) in sources {
            #expect(source == ["from": "installed", "path": reference], "\(target)")
        }
        let libraries = installation?["libraries"] as? [String: String] ?? [:]
        #expect(libraries["libcsv"]?.hasPrefix("3.") == true, "\(libraries)")
        #expect(libraries["libxlsxwriter"]?.isEmpty == false, "\(libraries)")
        #expect(libraries["poppler"]?.isEmpty == false, "\(libraries)")

        let v = try Self.run(bin, ["version"], cwd: dir, environment: ["WFRISK_REFERENCE_DIR": ""])
        #expect(v.status == 0)
        #expect(v.stdout.contains("wfrisk \(WFRiskVersion.current)\n"), "\(v.stdout)")
        #expect(v.stdout.contains("WFRiskInspections: installed: \(reference)"), "\(v.stdout)")
        #expect(v.stdout.contains("libxlsxwriter \(libraries["libxlsxwriter"] ?? "?")"), "\(v.stdout)")
    }

    /// An installed binary (not under .build/) run where there is no pipelines/nightly.yml never
    /// picks a pipeline itself: exit 2, asking for --pipeline and naming the installed sample.
    @Test func anInstalledRunWithoutPipelineAsksForOne() throws {
        let dir = Fixtures.temporaryDirectory()
        let bin = try Self.copiedBinary(prefix: dir + "/prefix")
        _ = try Self.mergedReference(in: dir + "/prefix/share/wfrisk/reference")
        try Fixtures.write("name: sample\n", to: dir + "/prefix/share/wfrisk/pipelines/nightly.yml")
        let r = try Self.run(bin, ["run"], cwd: dir, environment: ["WFRISK_REFERENCE_DIR": ""])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("no --pipeline given"), "\(r.stderr)")
        #expect(r.stderr.contains("wfrisk run --pipeline \(dir)/prefix/share/wfrisk/pipelines/nightly.yml --out DIR"), "\(r.stderr)")
    }
}
