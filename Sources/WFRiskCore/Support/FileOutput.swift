import Foundation

/// What was written to a file: the SHA-256 (hex) and size of its bytes, taken as they were
/// written. Why: a run's manifest records every output's hash, and reading the outputs back to
/// hash them cost a second pass over every byte (0.3 s of the 100x run, 320 MB). The plain path,
/// reading a file back (`SHA256Digest.hex(ofFile:)`, `OutputFingerprint.of`), stays beside it;
/// the tests compare the two.
package struct WrittenFile: Sendable, Equatable {
    package var sha256: String
    package var bytes: Int

    package init(sha256: String, bytes: Int) {
        self.sha256 = sha256
        self.bytes = bytes
    }
}

/// Writes files so that readers see either the old content or the new, never half.
package enum FileOutput {
    /// Writes `bytes` to a temporary file beside `path`, flushes it to disk, then renames it over `path`.
    @discardableResult
    package static func writeAtomically(_ bytes: [UInt8], to path: String) throws -> WrittenFile {
        try writeAtomically(to: path) { write in try write(bytes) }
    }

    @discardableResult
    package static func writeAtomically(_ text: String, to path: String) throws -> WrittenFile {
        try writeAtomically(Array(text.utf8), to: path)
    }

    /// Like `writeAtomically(_:to:)` for content produced in pieces: `produce` is given a function
    /// that appends bytes to the temporary file. Nothing appears at `path` unless all of it is written.
    @discardableResult
    package static func writeAtomically(to path: String, _ produce: (_ write: ([UInt8]) throws -> Void) throws -> Void) throws -> WrittenFile {
        let temp = try temporaryFile(beside: path)
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw WFRiskError.runtime("cannot write \(temp): \(String(cString: strerror(errno)))") }
        func fail(_ error: Error) -> Error {
            close(fd)
            unlink(temp)
            return error
        }
        // The pieces are hashed and written on a queue of their own (`ChunkWriter`), in order,
        // while `produce` makes the next.
        let chunks = ChunkWriter(fd: fd, path: path)
        let written: WrittenFile
        do {
            try produce { bytes in try chunks.write(bytes) }
            written = try chunks.finish()
        } catch {
            chunks.abandon()
            throw fail(error)
        }
        guard fsync(fd) == 0 else { throw fail(WFRiskError.runtime("cannot write \(path): \(String(cString: strerror(errno)))")) }
        close(fd)
        try moveIntoPlace(temp, path)
        return written
    }

    /// Like `writeAtomically(to:_:)` for a file a C library writes itself (the workbook):
    /// `produce` is given the temporary path beside `path` to write, which is then hashed in
    /// 4 MiB reads, flushed and renamed over `path`. Why: the workbook used to be read back whole
    /// into memory and written again, twice its size (109 MB at 100x) at the end of the write
    /// stage, where the default formats' peak was.
    @discardableResult
    package static func writeAtomically(to path: String, byPath produce: (_ temporaryPath: String) throws -> Void) throws -> WrittenFile {
        let temp = try temporaryFile(beside: path)
        let sha256: String
        var info = stat()
        do {
            try produce(temp)
            do { sha256 = try SHA256Digest.hex(ofFile: temp) } catch {
                throw WFRiskError.runtime("cannot write \(path): reading back \(temp) failed: \(error)")
            }
            // The mode the other outputs get (the C library's fopen leaves 0666 less the umask).
            chmod(temp, 0o644)
            let fd = open(temp, O_RDONLY)
            guard fd >= 0, fstat(fd, &info) == 0, fsync(fd) == 0 else {
                let why = String(cString: strerror(errno))
                if fd >= 0 { close(fd) }
                throw WFRiskError.runtime("cannot write \(path): \(why)")
            }
            close(fd)
        } catch {
            unlink(temp)
            throw error
        }
        try moveIntoPlace(temp, path)
        return WrittenFile(sha256: sha256, bytes: Int(info.st_size))
    }

    /// Writes all of `bytes` to `fd` (`path` names it in the error); a write interrupted by a
    /// signal before it wrote anything is tried again.
    static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws {
        try bytes.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    let why = n == 0 ? "the system wrote nothing" : String(cString: strerror(errno))
                    throw WFRiskError.runtime("cannot write \(path): \(why)")
                }
                written += n
            }
        }
    }

    /// The temporary file a single output is written to before `moveIntoPlace`: beside `path`
    /// (same file system, so the rename is atomic), its folder made if missing.
    private static func temporaryFile(beside path: String) throws -> String {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        return path + ".tmp-\(getpid())"
    }

    /// Renames the finished temporary file over `path`; on failure removes it.
    private static func moveIntoPlace(_ temp: String, _ path: String) throws {
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw WFRiskError.runtime("cannot move \(temp) to \(path): \(reason)")
        }
    }

    /// Writes a folder of files so that `path` holds all of them or none: they are written into
    /// `path.tmp-<pid>` (each file written whole; `produce` may call `write` from several threads,
    /// one file name each), flushed to disk together, then the folder is renamed to `path` (an
    /// earlier folder there is removed first). A crash leaves at most the temporary folder.
    /// Returns what was written, by file name.
    @discardableResult
    package static func writeFolderAtomically(to path: String, _ produce: (_ write: @Sendable (_ name: String, _ bytes: [UInt8]) throws -> Void) throws -> Void) throws -> [String: WrittenFile] {
        let fm = FileManager.default
        let written = WrittenFiles()
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
                try writeAll(bytes, to: fd, path: file)
                written.add(name, WrittenFile(sha256: SHA256Digest.hex(of: bytes), bytes: bytes.count))
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
        return written.files
    }

    /// The files of a folder being written, added from several threads.
    private final class WrittenFiles: @unchecked Sendable {
        private var byName: [String: WrittenFile] = [:]
        private let lock = NSLock()
        func add(_ name: String, _ file: WrittenFile) { lock.lock(); byName[name] = file; lock.unlock() }
        var files: [String: WrittenFile] { lock.lock(); defer { lock.unlock() }; return byName }
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

/// Hashes and writes to `fd` the pieces of a file it is given, in the order given, on a serial
/// queue of its own, while the caller makes the next piece; at most `ahead` pieces wait at a time.
///
/// It does not own `fd`: whoever opened it calls `finish()` or `abandon()` before closing it,
/// so no queued piece is written to a descriptor closed (or reused) under it. A queued piece
/// keeps its array, so the caller's next piece is made in storage of its own: up to `ahead`
/// pieces' worth of memory more than writing in place (12–18 MB for scores.json's pieces).
///
/// Why: scores.json at 100x is 209 MB, written in 4 MiB pieces by the thread that made them;
/// hashing each piece and copying it into the kernel (0.12 s and 0.19 s of CPU) stopped the
/// making of the next: the write stage's last 0.7 s ran on one core (perf, docs/performance.md
/// "Issue 25, session 27"). The tests hold the file to the pieces given, in order, and the hash
/// and size it reports to the plain path: the finished file read back (`SHA256Digest.hex(ofFile:)`).
package final class ChunkWriter: @unchecked Sendable {
    private let fd: Int32
    private let path: String
    private let queue = DispatchQueue(label: "wfrisk.file-output")
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    /// The first error a write met; later pieces are then dropped (read and set under `lock`).
    private var failure: Error?
    /// Touched only on `queue`.
    private var digest = SHA256Digest()
    /// Touched only by the caller.
    private var size = 0

    /// Pieces a caller may be ahead of the writes by.
    static let ahead = 3

    package init(fd: Int32, path: String, ahead: Int = ChunkWriter.ahead) {
        self.fd = fd
        self.path = path
        slots = DispatchSemaphore(value: max(1, ahead))
    }

    private var failed: Error? { lock.withLock { failure } }

    /// Queues `bytes` after the pieces before it; throws the first error a write has met so far.
    package func write(_ bytes: [UInt8]) throws {
        if let failed { throw failed }
        guard !bytes.isEmpty else { return }
        size += bytes.count
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard failed == nil else { return }
            digest.update(bytes)
            do {
                try FileOutput.writeAll(bytes, to: fd, path: path)
            } catch {
                lock.withLock { failure = failure ?? error }
            }
        }
    }

    /// Waits for every piece; what was written, or the first error met.
    package func finish() throws -> WrittenFile {
        let sha256: String = queue.sync { digest.finalize() }
        if let failed { throw failed }
        return WrittenFile(sha256: sha256, bytes: size)
    }

    /// Waits for the pieces already queued, so the file can be closed and removed.
    package func abandon() {
        lock.withLock { failure = failure ?? WFRiskError.runtime("abandoned") }
        queue.sync {}
    }
}
