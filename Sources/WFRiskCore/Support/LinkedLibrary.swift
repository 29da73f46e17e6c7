import Foundation

/// A C library wfrisk runs with, and the version it reports (`wfrisk version`, manifest.json).
/// Each library's wrapper file, the one Swift file that owns its pointers, defines its value.
package struct LinkedLibrary: Sendable {
    package let name: String
    package let version: String

    package init(name: String, version: String) {
        self.name = name
        self.version = version
    }
}

extension LinkedLibrary {
    /// The file of the shared library whose name starts with `soname` (`libcsv.so`) that the
    /// dynamic loader mapped into this process, links resolved (`.../libcsv.so.3.0.2`), from
    /// `/proc/self/maps`: what a run really used, where a library reports no version of its own.
    /// Nil where there is no `/proc` or it is not mapped.
    package static func loadedFile(soname: String) -> String? {
        guard let path = mappedFiles.first(where: { $0.split(separator: "/").last?.hasPrefix(soname) == true }) else { return nil }
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    /// The files mapped into this process when first asked, each once, in the order of
    /// `/proc/self/maps`: read once for every library a run describes (it was read and split
    /// once for each, about 3% of a national run).
    private static let mappedFiles: [String] = {
        // Read to the end: /proc files report no size, and a sized read stops after a page.
        guard let data = FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile() else { return [] }
        var seen = Set<Substring>(), files: [String] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            if seen.insert(line[slash...]).inserted { files.append(String(line[slash...])) }
        }
        return files
    }()
}
