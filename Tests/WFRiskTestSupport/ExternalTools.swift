import Foundation

/// Programs the output tests drive to read `scores.xlsx` and render `report.html` the way a
/// user's tools would. `.ci/run` installs them (scripts/install-deps --test); a local machine
/// without them skips those tests with a message saying what to install.
package enum ExternalTools {
    /// A python3 that can `import openpyxl` (Debian's python3-openpyxl lives under /usr/bin/python3).
    package static let python: String? = {
        for candidate in ["/usr/bin/python3", "/usr/local/bin/python3"] + pathCandidates("python3") {
            if FileManager.default.isExecutableFile(atPath: candidate),
               let r = try? run(candidate, ["-c", "import openpyxl"]), r.status == 0 {
                return candidate
            }
        }
        return nil
    }()
    package static let pythonSkipMessage = "python3 with openpyxl not found (apt-get install python3-openpyxl, or scripts/install-deps --test): scores.xlsx read-back skipped"

    package static let chromium: String? = {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            if let path = pathCandidates(name).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return path }
        }
        return nil
    }()
    package static let chromiumSkipMessage = "chromium not found (apt-get install chromium, or scripts/install-deps --test): report.html rendering skipped"

    package static func pathCandidates(_ name: String) -> [String] {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/\(name)" }
    }

    package struct Result {
        package var status: Int32
        package var stdout: Data
        package var stderr: String
    }

    /// Runs a program to completion, its output collected in temporary files (no pipe to fill).
    package static func run(_ executable: String, _ arguments: [String], timeout: Double = 120) throws -> Result {
        let dir = NSTemporaryDirectory() + "wfrisk-tool-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = FileManager.default.createFile(atPath: dir + "/out", contents: nil)
        _ = FileManager.default.createFile(atPath: dir + "/err", contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/out"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/err"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        return Result(status: process.terminationStatus, stdout: FileManager.default.contents(atPath: dir + "/out") ?? Data(),
                      stderr: String(decoding: FileManager.default.contents(atPath: dir + "/err") ?? Data(), as: UTF8.self))
    }

    // MARK: openpyxl

    /// What openpyxl reads from a workbook: every cell's value, type and number format per sheet,
    /// frozen panes, filters, conditional formats, widths; and from the zip, formula elements and core properties.
    package struct Workbook {
        package struct Cell {
            package var value: Any?
            package var type: String
            package var format: String
        }
        package struct Sheet {
            package var rows: [[Cell]]
            package var freeze: String?
            package var filter: String?
            package var conditionalRanges: [String]
            package var widths: [String: Double]
        }
        package var sheetNames: [String]
        package var sheets: [String: Sheet]
        package var formulaElements: Int
        package var coreProperties: String
    }

    package static let dumpScript = """
    import json, sys, zipfile, openpyxl
    path = sys.argv[1]
    wb = openpyxl.load_workbook(path)
    out = {"sheets": wb.sheetnames, "data": {}}
    for ws in wb.worksheets:
        rows = [[[c.value, c.data_type, c.number_format] for c in row] for row in ws.iter_rows()]
        out["data"][ws.title] = {
            "rows": rows, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
            "cf": [str(cf.sqref) for cf in ws.conditional_formatting],
            "widths": {k: v.width for k, v in ws.column_dimensions.items()},
        }
    z = zipfile.ZipFile(path)
    out["formulas"] = sum(z.read(n).count(b"<f>") + z.read(n).count(b"<f ") for n in z.namelist() if n.startswith("xl/worksheets/"))
    out["core"] = z.read("docProps/core.xml").decode("utf-8")
    json.dump(out, sys.stdout, default=str)
    """

    package static func readWorkbook(_ path: String) throws -> Workbook {
        guard let python else { throw ToolError("python3 with openpyxl is not available") }
        let r = try run(python, ["-c", dumpScript, path])
        guard r.status == 0 else { throw ToolError("openpyxl could not read \(path): \(r.stderr)") }
        let json = try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
        var sheets: [String: Workbook.Sheet] = [:]
        for (name, raw) in json["data"] as! [String: Any] {
            let s = raw as! [String: Any]
            let rows = (s["rows"] as! [[[Any]]]).map { row in
                row.map { c in Workbook.Cell(value: c[0] is NSNull ? nil : c[0], type: c[1] as! String, format: c[2] as! String) }
            }
            sheets[name] = Workbook.Sheet(rows: rows, freeze: s["freeze"] as? String, filter: s["filter"] as? String,
                                          conditionalRanges: s["cf"] as! [String],
                                          widths: (s["widths"] as! [String: Any]).compactMapValues { ($0 as? NSNumber)?.doubleValue })
        }
        return Workbook(sheetNames: json["sheets"] as! [String], sheets: sheets, formulaElements: json["formulas"] as! Int,
                        coreProperties: json["core"] as! String)
    }

    package struct ToolError: Error, CustomStringConvertible {
        package var description: String
        package init(_ d: String) { description = d }
    }
}
