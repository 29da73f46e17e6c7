import Foundation

/// Writes files so that readers see either the old content or the new, never half.
package enum FileOutput {
    /// Writes `bytes` to a temporary file beside `path`, flushes it to disk, then renames it over `path`.
    package static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        try writeAtomically(to: path) { write in try write(bytes) }
    }

    package static func writeAtomically(_ text: String, to path: String) throws {
        try writeAtomically(Array(text.utf8), to: path)
    }

    /// Like `writeAtomically(_:to:)` for content produced in pieces: `produce` is given a function
    /// that appends bytes to the temporary file. Nothing appears at `path` unless all of it is written.
    package static func writeAtomically(to path: String, _ produce: (_ write: ([UInt8]) throws -> Void) throws -> Void) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw WFRiskError.runtime("cannot write \(temp): \(String(cString: strerror(errno)))") }
        func fail(_ error: Error) -> Error {
            close(fd)
            unlink(temp)
            return error
        }
        do {
            try produce { bytes in
                try bytes.withUnsafeBytes { raw in
                    var written = 0
                    while written < raw.count {
                        let n = write(fd, raw.baseAddress! + written, raw.count - written)
                        if n <= 0 { throw WFRiskError.runtime("cannot write \(path): \(String(cString: strerror(errno)))") }
                        written += n
                    }
                }
            }
        } catch {
            throw fail(error)
        }
        guard fsync(fd) == 0 else { throw fail(WFRiskError.runtime("cannot write \(path): \(String(cString: strerror(errno)))")) }
        close(fd)
        guard rename(temp, path) == 0 else {
            unlink(temp)
            throw WFRiskError.runtime("cannot move \(temp) to \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes a folder of files so that `path` holds all of them or none: they are written into
    /// `path.tmp-<pid>` (each file written whole; `produce` may call `write` from several threads,
    /// one file name each), flushed to disk together, then the folder is renamed to `path` (an
    /// earlier folder there is removed first). A crash leaves at most the temporary folder.
    package static func writeFolderAtomically(to path: String, _ produce: (_ write: @Sendable (_ name: String, _ bytes: [UInt8]) throws -> Void) throws -> Void) throws {
        let fm = FileManager.default
        let temp = path + ".tmp-\(getpid())"
        try? fm.removeItem(atPath: temp)
        try fm.createDirectory(atPath: temp, withIntermediateDirectories: true)
        do {
            try produce { name, bytes in
                guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
                    throw WFRiskError.runtime("cannot write \(name) into \(path): not a plain file name")
                }
                let file = (temp as NSString).appendingPathComponent(name)
                let fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0o644)
                guard fd >= 0 else { throw WFRiskError.runtime("cannot write \(file): \(String(cString: strerror(errno)))") }
                defer { close(fd) }
                try bytes.withUnsafeBytes { raw in
                    var written = 0
                    while written < raw.count {
                        let n = Foundation.write(fd, raw.baseAddress! + written, raw.count - written)
                        if n <= 0 { throw WFRiskError.runtime("cannot write \(file): \(String(cString: strerror(errno)))") }
                        written += n
                    }
                }
            }
            // One flush for the whole folder: an fsync per file costs milliseconds each, which
            // is most of the time for thousands of small pages.
            try flushFileSystem(of: temp)
        } catch {
            try? fm.removeItem(atPath: temp)
            throw error
        }
        if fm.fileExists(atPath: path) { try fm.removeItem(atPath: path) }
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? fm.removeItem(atPath: temp)
            throw WFRiskError.runtime("cannot move \(temp) to \(path): \(reason)")
        }
        let parent = (path as NSString).deletingLastPathComponent
        let fd = open(parent.isEmpty ? "." : parent, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    /// Flushes to disk everything written on the file system holding `path`.
    private static func flushFileSystem(of path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw WFRiskError.runtime("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // Linux's syncfs flushes only that file system (Glibc's Swift module does not declare it);
        // elsewhere, sync flushes every one.
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") {
            let syncfs = unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
            guard syncfs(fd) == 0 else { throw WFRiskError.runtime("cannot flush \(path) to disk: \(String(cString: strerror(errno)))") }
        } else {
            sync()
        }
        guard fsync(fd) == 0 else { throw WFRiskError.runtime("cannot flush \(path) to disk: \(String(cString: strerror(errno)))") }
    }
}
