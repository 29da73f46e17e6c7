import CLibCSV
import Dispatch
import Foundation
import WFRiskCore

/// One parsed CSV record: its fields as raw bytes plus the physical line it starts on.
///
/// Field bytes live in a buffer the reader reuses, so a record is only valid inside
/// the handler it is passed to; copy out what you keep (`string(at:)`).
public struct CSVRecord {
    /// 1-based physical line where the record starts (quoted newlines counted).
    public let line: Int
    let bytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>

    public var count: Int { ends.count }

    /// The raw bytes of field `index` (empty past the record's end: a short row never shows
    /// another row's bytes; callers check `count` against the header to report it).
    public func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        guard index >= 0, index < ends.count else { return UnsafeBufferPointer(start: nil, count: 0) }
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeBufferPointer(rebasing: bytes[start..<ends[index]])
    }

    /// Field `index` decoded as text (UTF-8, falling back to Windows-1252), or "" past the end.
    public func string(at index: Int) -> String {
        guard index >= 0, index < count else { return "" }
        return TextDecoding.decode(field(index))
    }

    /// All fields decoded as text.
    public var strings: [String] { (0..<count).map { string(at: $0) } }
}

/// A CSV syntax or I/O problem, with the file and line it was found at.
public struct CSVError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let line: Int
    public let message: String
    public var description: String { "\(file):\(line): \(message)" }
}

/// Streams a CSV file through libcsv, one record at a time.
///
/// Handles a UTF-8 byte-order mark, CRLF or LF line ends, quoted commas and quoted
/// newlines; blank lines are skipped. Parsing is strict about quotes so a truncated
/// or corrupted file is reported with its line rather than silently mis-split.
public enum CSVReader {
    /// Reads `path`, calling `handler` for every non-blank record in order (streamed in 1 MiB reads).
    /// Returns the SHA-256 (hex) of the bytes parsed, so a caller can tell whether they are the
    /// bytes it fingerprinted before (a file rewritten while read is not what was recorded).
    @discardableResult
    public static func read(path: String, handler: (CSVRecord) throws -> Void) throws -> String {
        guard let file = fopen(path, "rb") else {
            throw CSVError(file: path, line: 0, message: "cannot open file: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var digest = SHA256Digest()
        try withoutActuallyEscaping(handler) { escapable in
            let session = try ParseSession(path: path, startLine: 1, handler: escapable)
            let chunkSize = 1 << 20
            let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
            defer { chunk.deallocate() }
            var first = true
            while true {
                let n = fread(chunk, 1, chunkSize, file)
                if n == 0 {
                    if ferror(file) != 0 { throw CSVError(file: path, line: session.state.line, message: "read error") }
                    break
                }
                var buffer = UnsafeBufferPointer(start: chunk, count: n)
                digest.update(buffer)
                if first {
                    first = false
                    try checkEncoding(buffer, path: path)
                    buffer = skipBOM(buffer)
                }
                try session.feed(buffer)
            }
            try session.finish()
        }
        return digest.finalize()
    }

    /// Reads `path` with its data rows split into `parts` chunks parsed concurrently, each by its
    /// own libcsv parser. Split points are found by a quote-aware scan, so a quoted field with a
    /// line break never straddles two chunks, and line numbers stay exact. `header` receives the
    /// first non-blank record and may return which columns the data records need (`nil`: all):
    /// the others reach the handler empty, and their bytes are never copied. Then, on each part's
    /// thread, `body(part)` gives the handler that receives that part's records in file order.
    /// `lastRecord`, when given, receives what is probably the file's last record before any part
    /// is parsed (see `lastRecordRange`; nothing when none is found). It is a guess for the
    /// caller to check against the records themselves.
    /// `gate(part)`, when it gives one, is asked about each record once its `column` is read:
    /// when it says no, the record's later fields are not copied (the handler still gets it).
    ///
    /// The file is never mapped (a file cut short while it is read must give a short read, not a
    /// SIGBUS): a first sequential pass (`SplitScan`) hashes it and finds the split points, then
    /// each part reads its own range with pread(2) in slices, so memory stays a slice per part.
    /// Each part's bytes are hashed again as parsed and compared with the first pass: a file that
    /// changes between the passes is an error ("input changed while it was being read"). Returns
    /// the SHA-256 (hex) of the file's bytes as parsed. A file with lone-CR line ends is parsed
    /// in one sequential pass (split points are LF-based).
    @discardableResult
    public static func readParallel(path: String, parts: Int, header: (CSVRecord) throws -> [Bool]?,
                                    lastRecord: (([String]) -> Void)? = nil,
                                    gate: (@Sendable (Int) -> RowGate?)? = nil,
                                    body: @escaping @Sendable (Int) -> (CSVRecord) throws -> Void) throws -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CSVError(file: path, line: 0, message: "cannot open file: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let scan = try SplitScan(fd: fd, path: path, parts: parts)
        if scan.empty { return scan.sha256 }
        if scan.loneCR { return try readSequentially(fd: fd, path: path, header: header, body: body) }
        var columns: [Bool]?
        var sawHeader = false
        try withoutActuallyEscaping(header) { h in
            let session = try ParseSession(path: path, startLine: scan.headerStartLine) { sawHeader = true; columns = try h($0) }
            try scan.header.withUnsafeBufferPointer { try session.feed($0) }
            try session.finish()
        }
        guard sawHeader else { return scan.sha256 }
        let kept = columns
        if let lastRecord {
            let end = scan.cuts.last!, tailStart = max(scan.headerEnd, end - (128 << 10))
            var tail = [UInt8](repeating: 0, count: end - tailStart)
            let got = try tail.withUnsafeMutableBufferPointer { try SplitScan.readAt(fd, $0.baseAddress!, $0.count, tailStart, path: path) }
            if got == tail.count, let range = tail.withUnsafeBufferPointer({ lastRecordRange(in: $0, after: 0) }) {
                var fields: [String]?
                if let session = try? ParseSession(path: path, startLine: 1, handler: { fields = $0.strings }) {
                    tail.withUnsafeBufferPointer { b in
                        try? session.feed(UnsafeBufferPointer(rebasing: b[range]))
                        try? session.finish()
                    }
                }
                if let fields { lastRecord(fields) }
            }
        }
        let bounds = scan.cuts, firstLines = scan.startLines, digests = scan.partDigests
        let failures = ConcurrentResults<Error>(count: bounds.count - 1)
        DispatchQueue.concurrentPerform(iterations: bounds.count - 1) { part in
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: SplitScan.slice)
            defer { buffer.deallocate() }
            do {
                let session = try ParseSession(path: path, startLine: firstLines[part], handler: body(part),
                                               keep: kept, gate: gate?(part))
                var digest = SHA256Digest()
                var offset = bounds[part]
                while offset < bounds[part + 1] {
                    let want = min(SplitScan.slice, bounds[part + 1] - offset)
                    let got = try SplitScan.readAt(fd, buffer, want, offset, path: path)
                    guard got == want else { throw CSVError(file: path, line: 0, message: changedMessage) }
                    let slice = UnsafeBufferPointer(start: buffer, count: got)
                    digest.update(slice)
                    try session.feed(slice)
                    offset += got
                }
                try session.finish()
                guard digest.finalize() == digests[part] else { throw CSVError(file: path, line: 0, message: changedMessage) }
            } catch {
                failures[part] = error
            }
        }
        let errors = failures.values.compactMap { $0 }
        // A change under the reader explains any parse error it caused.
        if let changed = errors.first(where: { ($0 as? CSVError)?.message == changedMessage }) { throw changed }
        if let first = errors.first { throw first }
        return scan.sha256
    }

    static let changedMessage = "input changed while it was being read (its bytes differ between two reads); rerun once the file is complete"

    /// One parser over the whole file from its start (the first record is the header, the rest
    /// go to part 0).
    static func readSequentially(fd: Int32, path: String, header: (CSVRecord) throws -> [Bool]?,
                                 body: @escaping @Sendable (Int) -> (CSVRecord) throws -> Void) throws -> String {
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw CSVError(file: path, line: 0, message: "cannot seek") }
        var digest = SHA256Digest()
        var rows: ((CSVRecord) throws -> Void)?
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: SplitScan.slice)
        defer { buffer.deallocate() }
        try withoutActuallyEscaping(header) { h in
            let session = try ParseSession(path: path, startLine: 1) { record in
                if let rows { return try rows(record) }
                _ = try h(record)
                rows = body(0)
            }
            var first = true
            while true {
                let n = try SplitScan.readSome(fd, buffer, SplitScan.slice, path: path)
                if n == 0 { break }
                let chunk = UnsafeBufferPointer(start: buffer, count: n)
                digest.update(chunk)
                try session.feed(first ? skipBOM(chunk) : chunk)
                first = false
            }
            try session.finish()
        }
        return digest.finalize()
    }

    /// The bytes of what is probably the last record: from just after the last line break outside
    /// quotes (before any trailing line breaks) to the end, reading the last 64 KiB from the line
    /// break that starts them as if no quoted field were open there. Nil when that finds none.
    static func lastRecordRange(in b: UnsafeBufferPointer<UInt8>, after: Int) -> Range<Int>? {
        var end = b.count
        while end > after, b[end - 1] == 0x0A || b[end - 1] == 0x0D { end -= 1 }
        guard end > after else { return nil }
        var i = max(after, end - (64 << 10))
        if i > after {
            while i < end, b[i - 1] != 0x0A { i += 1 }
        }
        var open = false
        var start: Int? = i
        while i < end {
            if b[i] == 0x22 { open.toggle() } else if b[i] == 0x0A && !open { start = i + 1 }
            i += 1
        }
        guard let first = start, !open, first < end else { return nil }
        return first..<end
    }

    static func skipBOM(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF ? UnsafeBufferPointer(rebasing: b[3...]) : b
    }

    /// Index just after the first line break at or after `from` that is outside quotes (or the end).
    static func boundary(in b: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var open = false
        var i = from
        while i < b.count {
            let c = b[i]
            i += 1
            if c == 0x22 { open.toggle() } else if c == 0x0A && !open { return i }
        }
        return b.count
    }

    static func count(_ byte: UInt8, in b: UnsafeBufferPointer<UInt8>) -> Int {
        guard var p = b.baseAddress.map(UnsafeRawPointer.init) else { return 0 }
        var remaining = b.count
        var n = 0
        while remaining > 0, let hit = memchr(p, Int32(byte), remaining) {
            n += 1
            let skip = UnsafeRawPointer(hit) - p + 1
            p += skip
            remaining -= skip
        }
        return n
    }

    static func newlines(_ b: UnsafeBufferPointer<UInt8>) -> Int { count(0x0A, in: b) }

    /// Reads a whole file into an array of string rows (for small reference files).
    public static func readAll(path: String) throws -> [(line: Int, fields: [String])] {
        var rows: [(Int, [String])] = []
        try read(path: path) { rows.append(($0.line, $0.strings)) }
        return rows
    }

    static func checkEncoding(_ head: UnsafeBufferPointer<UInt8>, path: String) throws {
        if head.count >= 2, (head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF) {
            throw CSVError(file: path, line: 1, message: "file is UTF-16; save it as UTF-8 CSV")
        }
        if head.prefix(4096).contains(0) {
            throw CSVError(file: path, line: 1, message: "file contains NUL bytes; it is not a text CSV file")
        }
    }
}

/// Decides, from one field of a record, whether the rest of the record is worth copying.
public struct RowGate {
    public var column: Int
    public var admits: (UnsafeBufferPointer<UInt8>) -> Bool
    public init(column: Int, admits: @escaping (UnsafeBufferPointer<UInt8>) -> Bool) {
        self.column = column
        self.admits = admits
    }
}

/// One libcsv parser fed buffers in order.
final class ParseSession {
    let state: ParseState
    private var parser = csv_parser()
    private let context: UnsafeMutableRawPointer

    init(path: String, startLine: Int, handler: @escaping (CSVRecord) throws -> Void, keep: [Bool]? = nil,
         gate: RowGate? = nil) throws {
        state = ParseState(path: path, handler: handler, keep: keep, gate: gate)
        state.line = startLine
        guard csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL)) == 0 else {
            throw CSVError(file: path, line: 0, message: "libcsv could not initialise")
        }
        context = Unmanaged.passUnretained(state).toOpaque()
    }

    deinit { csv_free(&parser) }

    func feed(_ buffer: UnsafeBufferPointer<UInt8>) throws {
        guard buffer.count > 0 else { return }
        let used = csv_parse(&parser, buffer.baseAddress, buffer.count, fieldCallback, rowCallback, context)
        if let error = state.error { throw error }
        if used != buffer.count {
            throw CSVError(file: state.path, line: state.line, message: "malformed CSV: \(String(cString: csv_strerror(csv_error(&parser))))")
        }
    }

    func finish() throws {
        if csv_fini(&parser, fieldCallback, rowCallback, context) != 0 {
            throw CSVError(file: state.path, line: state.rowStartLine ?? state.line,
                           message: "malformed CSV: a quoted field is not closed before the end of the file")
        }
        if let error = state.error { throw error }
    }
}

/// Mutable state shared with libcsv's C callbacks. The current record's bytes and field ends
/// live in plain growable buffers (no Swift array bookkeeping on the per-field hot path).
final class ParseState {
    let path: String
    // `let`s: the per-record calls need no retain of the closures.
    let handler: (CSVRecord) throws -> Void
    var error: Error?
    private var bytes: UnsafeMutablePointer<UInt8>
    private var byteCapacity = 4096
    private var byteCount = 0
    private var ends: UnsafeMutablePointer<Int>
    private var endCapacity = 64
    private var fieldCount = 0
    /// Columns whose bytes are kept (nil: all; columns past the mask are skipped too); the others
    /// are recorded as empty.
    private let keep: UnsafeMutablePointer<Bool>?
    private let keepCount: Int
    /// Line breaks inside the current record's skipped fields, and whether any had bytes.
    private var skippedNewlines = 0
    private var skippedBytes = false
    /// Asked once the gate's column of a record is read; a record it turns away keeps no more bytes.
    private let gateColumn: Int
    private let gateAdmits: ((UnsafeBufferPointer<UInt8>) -> Bool)?
    private var turnedAway = false
    /// Line number of the next unread byte.
    var line = 1
    var rowStartLine: Int?
    var lastTerminatorWasCR = false

    init(path: String, handler: @escaping (CSVRecord) throws -> Void, keep columns: [Bool]?, gate: RowGate?) {
        self.path = path
        self.handler = handler
        if let columns {
            keep = .allocate(capacity: max(1, columns.count))
            keep!.initialize(from: columns, count: columns.count)
        } else {
            keep = nil
        }
        keepCount = columns?.count ?? 0
        gateColumn = gate?.column ?? -1
        gateAdmits = gate?.admits
        bytes = .allocate(capacity: byteCapacity)
        ends = .allocate(capacity: endCapacity)
    }

    deinit {
        bytes.deallocate()
        ends.deallocate()
        keep?.deallocate()
    }

    func addField(_ data: UnsafeRawPointer?, _ length: Int) {
        if rowStartLine == nil { rowStartLine = line }
        if turnedAway || (keep != nil && (fieldCount >= keepCount || !keep![fieldCount])) {
            // Not needed: only its line breaks (a quoted field may hold some) are counted.
            if let data, length > 0 {
                skippedBytes = true
                let p = data.assumingMemoryBound(to: UInt8.self)
                if length <= 32 {
                    for i in 0..<length where p[i] == 0x0A { skippedNewlines += 1 }
                } else {
                    skippedNewlines += CSVReader.newlines(UnsafeBufferPointer(start: p, count: length))
                }
            }
        } else if let data, length > 0 {
            if byteCount + length > byteCapacity {
                byteCapacity = max(byteCapacity * 2, byteCount + length)
                let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: byteCapacity)
                grown.update(from: bytes, count: byteCount)
                bytes.deallocate()
                bytes = grown
            }
            (bytes + byteCount).update(from: data.assumingMemoryBound(to: UInt8.self), count: length)
            byteCount += length
        }
        if fieldCount == endCapacity {
            endCapacity *= 2
            let grown = UnsafeMutablePointer<Int>.allocate(capacity: endCapacity)
            grown.update(from: ends, count: fieldCount)
            ends.deallocate()
            ends = grown
        }
        ends[fieldCount] = byteCount
        if fieldCount == gateColumn, !turnedAway {
            let start = fieldCount == 0 ? 0 : ends[fieldCount - 1]
            turnedAway = !gateAdmits!(UnsafeBufferPointer(start: bytes + start, count: byteCount - start))
        }
        fieldCount += 1
    }

    func endRow(_ terminator: Int32) {
        let hadFields = fieldCount > 0
        // Line breaks inside quoted fields, counted once per record rather than per field.
        if byteCount > 0 && memchr(bytes, 0x0A, byteCount) != nil {
            line += CSVReader.newlines(UnsafeBufferPointer(start: bytes, count: byteCount))
        }
        line += skippedNewlines
        let blank = fieldCount == 1 && ends[0] == 0 && !skippedBytes
        skippedNewlines = 0
        skippedBytes = false
        turnedAway = false
        if terminator == 0x0A {
            if !(lastTerminatorWasCR && !hadFields) { line += 1 }
        } else if terminator == 0x0D {
            line += 1
        }
        lastTerminatorWasCR = terminator == 0x0D
        let fields = fieldCount, used = byteCount
        let startLine = rowStartLine ?? line
        byteCount = 0
        fieldCount = 0
        rowStartLine = nil
        guard hadFields, error == nil else { return }
        // A line holding nothing (one empty unquoted field) is a blank line.
        if blank { return }
        do {
            try handler(CSVRecord(line: startLine, bytes: UnsafeBufferPointer(start: bytes, count: used),
                                  ends: UnsafeBufferPointer(start: ends, count: fields)))
        } catch {
            self.error = error
        }
    }
}

// The callbacks run once per field and once per row: `_withUnsafeGuaranteedRef` reaches the
// state without a retain and release each time (the session keeps it alive while parsing).
private func fieldCallback(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    Unmanaged<ParseState>.fromOpaque(context)._withUnsafeGuaranteedRef { state in
        if state.error == nil { state.addField(UnsafeRawPointer(data), length) }
    }
}

private func rowCallback(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    Unmanaged<ParseState>.fromOpaque(context)._withUnsafeGuaranteedRef { $0.endRow(terminator) }
}
