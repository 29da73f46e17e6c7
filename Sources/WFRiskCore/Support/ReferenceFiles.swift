import Foundation

/// Finds the reference data files (registry, reading rules, lexicon, settings, report templates)
/// that each library target keeps in its own `Sources/<Target>/Resources` folder, wherever the
/// binary runs: in the build tree, installed under a prefix, or copied with its files elsewhere.
///
/// A target's files are read from the first of these folders that exists (docs/architecture.md,
/// "Reference files"):
/// 1. `$WFRISK_REFERENCE_DIR` when set: only there (one folder holding every target's files);
/// 2. beside the executable: `<target bundle>/Resources`, as `swift build` lays them out next to
///    `.build/<config>/wfrisk` (the build tree) and as they are when copied along with the binary;
/// 3. installed: `PREFIX/share/wfrisk/reference`, PREFIX being the folder above the executable's
///    (`/usr/bin/wfrisk` reads `/usr/share/wfrisk/reference`).
///
/// Nothing here opens SwiftPM's `Bundle.module`, whose accessor stops the process when its bundle
/// is not where the build left it, and no path of the build machine is compiled in.
package enum ReferenceFiles {
    package static let environmentVariable = "WFRISK_REFERENCE_DIR"

    /// The library targets that ship reference files, each with a `Resources` folder. A target that
    /// gains one is a case here (a test compares them with `Sources/*/Resources`).
    package enum Target: String, CaseIterable, Sendable {
        case ingest = "WFRiskIngest"
        case inspections = "WFRiskInspections"
        case pipeline = "WFRisk"
    }

    /// A folder looked at for a target's reference files.
    package struct Place: Sendable, Equatable, CustomStringConvertible {
        package enum Kind: String, Sendable {
            case environment = "WFRISK_REFERENCE_DIR"
            case besideExecutable = "beside the executable"
            case installed = "installed"
        }
        package let kind: Kind
        package let path: String

        package var exists: Bool {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }

        package var description: String { "\(kind.rawValue): \(path)" }
    }

    /// The executable this process runs, symbolic links resolved (so `/usr/bin/wfrisk` linked to
    /// elsewhere finds the files beside the real file).
    package static let executablePath: String = {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        let path = Bundle.main.executablePath ?? CommandLine.arguments.first ?? ""
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }()

    /// The folders looked at for `target`'s files, in order.
    package static func places(target: Target, environment: [String: String] = ProcessInfo.processInfo.environment,
                               executable: String = executablePath) -> [Place] {
        if let dir = environment[environmentVariable], !dir.isEmpty {
            return [Place(kind: .environment, path: dir)]
        }
        let exeDir = (executable as NSString).deletingLastPathComponent
        return [
            Place(kind: .besideExecutable, path: bundleResources(target: target.rawValue, in: exeDir)),
            Place(kind: .installed, path: URL(fileURLWithPath: exeDir).deletingLastPathComponent()
                .appendingPathComponent("share/wfrisk/reference").standardized.path),
        ]
    }

    /// `target`'s files as SwiftPM copies them beside an executable: `<package>_<target>.resources/Resources`
    /// on Linux (`.bundle/Contents/Resources/Resources` on macOS). The package's own name first.
    static func bundleResources(target: String, in dir: String) -> String {
        let fm = FileManager.default
        let names = ["wfrisk_\(target)"] + ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            .filter { $0.hasSuffix("_\(target).resources") || $0.hasSuffix("_\(target).bundle") }
            .map { ($0 as NSString).deletingPathExtension }
        for name in names {
            for layout in ["\(name).resources/Resources", "\(name).bundle/Contents/Resources/Resources", "\(name).bundle/Resources"] {
                let path = (dir as NSString).appendingPathComponent(layout)
                if Place(kind: .besideExecutable, path: path).exists { return path }
            }
        }
        return (dir as NSString).appendingPathComponent("wfrisk_\(target).resources/Resources")
    }

    /// The folder `target`'s files are read from: the first place that exists, or nil.
    package static func folder(target: Target, environment: [String: String] = ProcessInfo.processInfo.environment,
                               executable: String = executablePath) -> Place? {
        places(target: target, environment: environment, executable: executable).first(where: \.exists)
    }

    /// Path of the reference file `name` (relative to its target's `Resources`, such as
    /// `report/unit.mustache`), checked to be a readable file. Throws a runtime error (exit 1)
    /// naming every place looked at, and how to mend the installation, when it is not.
    package static func path(_ name: String, target: Target, environment: [String: String] = ProcessInfo.processInfo.environment,
                             executable: String = executablePath) throws -> String {
        let places = places(target: target, environment: environment, executable: executable)
        guard let place = places.first(where: \.exists) else {
            throw missing(name, target: target, places: places, found: nil, problem: "no folder of reference files found")
        }
        let path = (place.path as NSString).appendingPathComponent(name)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw missing(name, target: target, places: places, found: place, problem: "\(path) does not exist")
        }
        guard !isDirectory.boolValue, FileManager.default.isReadableFile(atPath: path) else {
            throw missing(name, target: target, places: places, found: place,
                          problem: "\(path) is not a readable file" + (isDirectory.boolValue ? " (it is a folder)" : " (permissions)"))
        }
        return path
    }

    static func missing(_ name: String, target: Target, places: [Place], found: Place?, problem: String) -> WFRiskError {
        var text = "cannot read reference file '\(name)' (\(target.rawValue)): \(problem).\nLooked in, in order:\n"
        if places.first?.kind != .environment { text += "  \(environmentVariable): not set\n" }
        for place in places {
            let state = place == found ? "used" : (place.exists ? "present" : "no such folder")
            text += "  \(place) (\(state))\n"
        }
        if places.first?.kind == .environment {
            text += "  (with \(environmentVariable) set, no other place is looked at)\n"
        }
        text += "Fix: reinstall wfrisk (the .deb, or scripts/install --prefix PREFIX, puts every reference file in "
            + "PREFIX/share/wfrisk/reference), or point \(environmentVariable) at a folder holding every file of "
            + "Sources/*/Resources of the same wfrisk version, or unset it."
        return WFRiskError.runtime(text)
    }

    /// Where each target's files are read from, for `wfrisk version` and the run manifest.
    package static func sources(environment: [String: String] = ProcessInfo.processInfo.environment,
                                executable: String = executablePath) -> [(target: Target, place: Place?)] {
        Target.allCases.map { ($0, folder(target: $0, environment: environment, executable: executable)) }
    }
}
