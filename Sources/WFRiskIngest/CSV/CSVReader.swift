import CLibCSV
import Foundation
import WFRiskCore

/// One parsed CSV record: its fields as raw bytes plus the physical line it starts on.
///
/// Field bytes live in a buffer the reader reuses, so a record is only valid inside the call it
/// is passed to; copy out what you keep (`string(at:)`).
package struct CSVRecord {
    /// 1-based physical line where the record starts (quoted newlines counted).
    package let line: Int
    let bytes: UnsafePointer<UInt8>
    /// Offset of field 0 in `bytes`; field k ends at `ends[k]`.
    let start: Int
    let ends: UnsafeBufferPointer<Int>

    var count: Int { ends.count }

    /// The raw bytes of field `index` (empty past the record's end: a short row never shows
    /// another row's bytes; callers check `count` against the header to report it).
    func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        guard index >= 0, index < ends.count else { return UnsafeBufferPointer(start: nil, count: 0) }
        let from = index == 0 ? start : ends[index - 1]
        return UnsafeBufferPointer(start: bytes + from, count: ends[index] - from)
    }

    /// Field `index` decoded as text (UTF-8, falling back to Windows-1252), or "" past the end.
    func string(at index: Int) -> String {
        guard index >= 0, index < count else { return "" }
        return TextDecoding.decode(field(index))
    }

    /// All fields decoded as text.
    package var strings: [String] { (0..<count).map { string(at: $0) } }
}

/// A CSV syntax or I/O problem, with the file and line it was found at.
package struct CSVError: Error, CustomStringConvertible, Equatable {
    package let file: String
    package let line: Int
    package let message: String
    /// Line 0 is the file as a whole (it cannot be opened, is a folder): no line is shown.
    package var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// Where a reader delivers a file's records: the header first, then each data record in order.
package protocol CSVSink {
    /// The first non-blank record. Returns which columns later records need (`nil`: all); the
    /// bytes of the others need not be copied out of the parser, so they may arrive empty.
    mutating func header(_ record: CSVRecord) throws -> [Bool]?
    /// Each later non-blank record, in file order.
    mutating func record(_ record: CSVRecord) throws
}

/// Streams a CSV file through libcsv, one record at a time: the plain reader every CSV file in
/// wfrisk goes through (large tidy files may opt into `CSVSplitReader`).
///
/// Handles a UTF-8 byte-order mark, CRLF or LF line ends, quoted commas and quoted
/// newlines; blank lines are skipped. Parsing is strict about quotes so a truncated
/// or corrupted file is reported with its line rather than silently mis-split.
package enum CSVReader {
    /// A folder where a CSV file is expected is said to be one: `fopen` opens a folder on Linux
    /// and the first read then fails with a bare "read error".
    static func refuseFolder(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw CSVError(file: path, line: 0, message: "is a folder, not a CSV file: name the files in it")
        }
    }

    /// Reads `path` into `sink` (streamed in 1 MiB reads). Returns the SHA-256 (hex) of the bytes
    /// parsed, so a caller can tell whether they are the bytes it fingerprinted before (a file
    /// rewritten while read is not what was recorded).
    @discardableResult
    package static func read<Sink: CSVSink>(path: String, into sink: inout Sink) throws -> String {
        try refuseFolder(path)
        guard let file = fopen(path, "rb") else {
            throw CSVError(file: path, line: 0, message: "cannot open file: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var digest = SHA256Digest()
        let parser = try LibcsvParser(path: path, startLine: 1)
        var sawHeader = false
        var columns: [Bool]?
        func deliver(_ record: CSVRecord) throws {
            if sawHeader { return try sink.record(record) }
            sawHeader = true
            columns = try sink.header(record)
        }
        let chunkSize = 1 << 20
        let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { chunk.deallocate() }
        var first = true
        while true {
            let n = fread(chunk, 1, chunkSize, file)
            if n == 0 {
                if ferror(file) != 0 { throw CSVError(file: path, line: parser.line, message: "read error") }
                break
            }
            var buffer = UnsafeBufferPointer(start: chunk, count: n)
            digest.update(buffer)
            if first {
                first = false
                try checkEncoding(buffer, path: path)
                buffer = skipBOM(buffer)
            }
            // Up to the header, one line at a time, so its column mask applies from the first data record.
            while !sawHeader && !buffer.isEmpty {
                let end = boundary(in: buffer, from: 0)
                try parser.feed(UnsafeBufferPointer(rebasing: buffer[..<end]), deliver)
                if sawHeader { parser.keep(columns) }
                buffer = UnsafeBufferPointer(rebasing: buffer[end...])
            }
            try parser.feed(buffer, deliver)
        }
        try parser.finish(deliver)
        return digest.finalize()
    }

    /// Reads `path`, calling `handler` for every non-blank record in order, header included.
    @discardableResult
    package static func read(path: String, handler: (CSVRecord) throws -> Void) throws -> String {
        try withoutActuallyEscaping(handler) { handler in
            var sink = EveryRecord(handler: handler)
            return try read(path: path, into: &sink)
        }
    }

    /// Reads a whole file into an array of string rows (for small reference files).
    static func readAll(path: String) throws -> [(line: Int, fields: [String])] {
        var rows: [(Int, [String])] = []
        try read(path: path) { rows.append(($0.line, $0.strings)) }
        return rows
    }

    private struct EveryRecord: CSVSink {
        let handler: (CSVRecord) throws -> Void
        mutating func header(_ record: CSVRecord) throws -> [Bool]? { try handler(record); return nil }
        mutating func record(_ record: CSVRecord) throws { try handler(record) }
    }

    static func checkEncoding(_ head: UnsafeBufferPointer<UInt8>, path: String) throws {
        if head.count >= 2, (head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF) {
            throw CSVError(file: path, line: 1, message: "file is UTF-16; save it as UTF-8 CSV")
        }
        if head.prefix(4096).contains(0) {
            throw CSVError(file: path, line: 1, message: "file contains NUL bytes; it is not a text CSV file")
        }
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
}
