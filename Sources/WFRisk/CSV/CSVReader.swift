import CLibCSV
import Dispatch
import Foundation

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
    /// The file is read into memory, not mapped: a file cut short while it is read gives a short
    /// read, never a SIGBUS. Returns the SHA-256 (hex) of the bytes parsed (hashed while the parts
    /// parse). A file with lone-CR line ends is parsed as one part (split points are LF-based).
    @discardableResult
    public static func readParallel(path: String, parts: Int, header: (CSVRecord) throws -> [Bool]?,
                                    lastRecord: (([String]) -> Void)? = nil,
                                    gate: (@Sendable (Int) -> RowGate?)? = nil,
                                    body: @escaping @Sendable (Int) -> (CSVRecord) throws -> Void) throws -> String {
        let file = try FileBytes(path: path)
        let all = file.bytes
        try checkEncoding(all, path: path)
        let digest = ConcurrentResults<String>(count: 1)
        let content = skipBOM(all)
        // Leading blank lines: the header is the first non-blank line.
        var headerStart = 0, headerStartLine = 1
        while headerStart < content.count, content[headerStart] == 0x0A || content[headerStart] == 0x0D {
            if content[headerStart] == 0x0A || headerStart + 1 == content.count || content[headerStart + 1] != 0x0A { headerStartLine += 1 }
            headerStart += 1
        }
        guard headerStart < content.count else { return SHA256Digest.hex(of: all) }
        if hasLoneCR(content) {
            // One part, one parser: the first record is the header, the rest go to part 0.
            var rows: ((CSVRecord) throws -> Void)?
            try withoutActuallyEscaping(header) { h in
                let session = try ParseSession(path: path, startLine: 1) { record in
                    if let rows { return try rows(record) }
                    _ = try h(record)
                    rows = body(0)
                }
                try session.feed(content)
                try session.finish()
            }
            return SHA256Digest.hex(of: all)
        }
        let headerEnd = boundary(in: content, from: headerStart)
        var columns: [Bool]?
        var sawHeader = false
        try withoutActuallyEscaping(header) { h in
            let session = try ParseSession(path: path, startLine: headerStartLine) { sawHeader = true; columns = try h($0) }
            try session.feed(UnsafeBufferPointer(rebasing: content[headerStart..<headerEnd]))
            try session.finish()
        }
        guard sawHeader else { return SHA256Digest.hex(of: all) }
        let kept = columns
        // Split points: the first line end outside quotes after each even share of the bytes.
        // `quotes` counts the quote bytes in content[headerEnd..<position]; an unbalanced quote
        // leaves the rest of the file one part (libcsv then reports it).
        let n = max(1, parts)
        var cuts = [headerEnd]
        var quotes = 0, position = headerEnd
        for k in 1..<max(2, n) where n > 1 {
            let target = headerEnd + (content.count - headerEnd) * k / n
            guard target > position else { continue }
            quotes += count(0x22, in: UnsafeBufferPointer(rebasing: content[position..<target]))
            var i = target
            var open = quotes % 2 == 1
            while i < content.count {
                if content[i] == 0x22 { open.toggle(); quotes += 1 }
                i += 1
                if !open && content[i - 1] == 0x0A { break }
            }
            position = i
            if i > cuts.last!, i < content.count { cuts.append(i) }
        }
        cuts.append(content.count)
        if let lastRecord, let range = lastRecordRange(in: content, after: headerEnd) {
            var fields: [String]?
            if let session = try? ParseSession(path: path, startLine: 1, handler: { fields = $0.strings }) {
                try? session.feed(UnsafeBufferPointer(rebasing: content[range]))
                try? session.finish()
            }
            if let fields { lastRecord(fields) }
        }
        var startLines = [headerStartLine + newlines(UnsafeBufferPointer(rebasing: content[headerStart..<headerEnd]))]
        for k in 1..<max(1, cuts.count - 1) {
            startLines.append(startLines[k - 1] + newlines(UnsafeBufferPointer(rebasing: content[cuts[k - 1]..<cuts[k]])))
        }
        let failures = ConcurrentResults<Error>(count: cuts.count - 1)
        let address = UInt(bitPattern: content.baseAddress!), wholeAddress = UInt(bitPattern: all.baseAddress!), wholeCount = all.count
        let bounds = cuts, firstLines = startLines
        // One more iteration than parts: it hashes the whole file while the parts parse.
        DispatchQueue.concurrentPerform(iterations: bounds.count) { part in
            if part == bounds.count - 1 {
                digest[0] = SHA256Digest.hex(of: UnsafeBufferPointer(start: UnsafePointer<UInt8>(bitPattern: wholeAddress)!, count: wholeCount))
                return
            }
            do {
                let base = UnsafePointer<UInt8>(bitPattern: address)!
                let session = try ParseSession(path: path, startLine: firstLines[part], handler: body(part),
                                               keep: kept, gate: gate?(part))
                try session.feed(UnsafeBufferPointer(start: base + bounds[part], count: bounds[part + 1] - bounds[part]))
                try session.finish()
            } catch {
                failures[part] = error
            }
        }
        withExtendedLifetime(file) {}
        if let first = failures.values.compactMap({ $0 }).first { throw first }
        return digest[0] ?? SHA256Digest.hex(of: all)
    }

    /// Whether any CR is not followed by LF (old Mac line ends).
    static func hasLoneCR(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard var p = b.baseAddress.map(UnsafeRawPointer.init) else { return false }
        let end = p + b.count
        while p < end, let hit = memchr(p, 0x0D, end - p) {
            let next = UnsafeRawPointer(hit) + 1
            if next == end || next.load(as: UInt8.self) != 0x0A { return true }
            p = next
        }
        return false
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

    private static func checkEncoding(_ head: UnsafeBufferPointer<UInt8>, path: String) throws {
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

/// A whole file read into memory with read(2): a file shortened while it is read yields fewer
/// bytes rather than a fault on a mapped page that no longer exists.
final class FileBytes {
    private let storage: UnsafeMutableRawPointer
    private let count: Int

    init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CSVError(file: path, line: 0, message: "cannot open file: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        var capacity = fstat(fd, &info) == 0 ? max(1, Int(info.st_size) + 1) : 1 << 20
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        var used = 0
        while true {
            if used == capacity {
                let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
                grown.copyMemory(from: buffer, byteCount: used)
                buffer.deallocate()
                buffer = grown
                capacity *= 2
            }
            let n = Foundation.read(fd, buffer + used, capacity - used)
            if n < 0 {
                if errno == EINTR { continue }
                let message = String(cString: strerror(errno))
                buffer.deallocate()
                throw CSVError(file: path, line: 0, message: "read error: \(message)")
            }
            if n == 0 { break }
            used += n
        }
        storage = buffer
        count = used
    }

    deinit { storage.deallocate() }

    var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: storage.bindMemory(to: UInt8.self, capacity: max(1, count)), count: count)
    }
}
