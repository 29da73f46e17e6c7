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
        // Read to the end: /proc files report no size, and a sized read stops after a page.
        guard let data = FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile() else { return nil }
        let maps = String(decoding: data, as: UTF8.self)
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = String(line[slash...])
            if (path as NSString).lastPathComponent.hasPrefix(soname) {
                return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            }
        }
        return nil
    }
}
