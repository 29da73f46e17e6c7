import Dispatch
import Foundation
import WFRiskCore

/// Opt-in strategy for large files: the data records split into `parts` byte ranges, each parsed
/// by its own libcsv parser on its own thread into its own copy of the sink.
///
/// # Safety
/// Splitting a file means reading it twice, and a file can change in between (a nightly job
/// rewriting it, a copy still in progress). What keeps that from going unnoticed:
/// - The file is never memory-mapped: a file cut short while mapped kills the process with
///   SIGBUS; with read(2)/pread(2) it is a short read, reported as an error.
/// - A first sequential pass (`SplitScan`) hashes the whole file and each part, and finds the
///   split points: the first line end outside quotes after an even share of the bytes, so a
///   quoted field with a line break never straddles two parts and line numbers stay exact.
/// - Each part then reads its range with pread(2) in 8 MiB slices, hashing what it parses; a
///   short read or a different hash is "input changed while it was being read", which explains
///   (and replaces) any parse error the change caused.
/// - After the parts, the file's size and the bytes before its data (parsed from the scan's
///   copy) must be as scanned: bytes appended after the scan would otherwise go unread. So every
///   byte parsed is one the scan hashed, and the file is the size the scan saw, however long ago
///   the scan was: the run makes it while fingerprinting its inputs (`PreparedSplit`), and its
///   SHA-256 is what the run records. The parts' and the header's checks are 64-bit hashes
///   (`StreamHash`), made against accidents (a rewrite, a copy in progress), not an adversary.
/// - A file with lone-CR line ends (split points are LF-based) is read by the plain reader.
/// Use it only where a sink's parts can be combined afterwards; everything else uses `CSVReader`.
enum CSVSplitReader {
    /// Reads `path` into copies of `sink`: the header goes to `sink` itself, which is then copied
    /// once per part. Returns the parts' sinks in file order (just `sink` when the file has no
    /// header, or was read in one pass) and the SHA-256 (hex) of the file's bytes as parsed.
    ///
    /// `prepared`, when it was made for `parts` parts, is the first pass already done (while the
    /// run fingerprinted its inputs): the parts check that they read the bytes it scanned.
    ///
    /// The parts are read by `threads` workers, each taking the next part not yet taken; more
    /// parts than workers keeps both busy when the parts' work differs (rows outside the year
    /// window are not decoded, so in a file sorted by year the last parts hold most of it).
    static func read<Sink: CSVSink & Sendable>(path: String, parts: Int, threads: Int, sink: Sink,
                                               prepared: PreparedSplit? = nil) throws -> (parts: [Sink], sha256: String) {
        let fd = try openForReading(path)
        defer { close(fd) }
        let scan = try prepared.flatMap { $0.parts == parts ? $0.scan : nil } ?? SplitScan(fd: fd, path: path, parts: parts)
        if scan.empty { return ([sink], scan.sha256) }
        if scan.loneCR {
            var whole = sink
            let sha256 = try CSVReader.read(path: path, into: &whole)
            return ([whole], sha256)
        }
        var prototype = sink
        var columns: [Bool]?
        var sawHeader = false
        let headerParser = try LibcsvParser(path: path, startLine: scan.headerStartLine)
        let deliverHeader: (CSVRecord) throws -> Void = { record in
            sawHeader = true
            columns = try prototype.header(record)
        }
        try scan.header.withUnsafeBufferPointer { try headerParser.feed($0, deliverHeader) }
        try headerParser.finish(deliverHeader)
        guard sawHeader else { return ([prototype], scan.sha256) }
        let start = prototype, kept = columns
        let bounds = scan.cuts, firstLines = scan.startLines, digests = scan.partDigests
        let results = Parallel.map(Array(0..<(bounds.count - 1)), threads: threads) { part in
            Result { () throws -> Sink in
                var mine = start
                try readPart(fd: fd, path: path, range: bounds[part]..<bounds[part + 1], startLine: firstLines[part],
                             columns: kept, digest: digests[part], into: &mine)
                return mine
            }
        }
        var sinks: [Sink] = []
        var errors: [Error] = []
        for r in results {
            switch r {
            case .success(let s): sinks.append(s)
            case .failure(let e): errors.append(e)
            }
        }
        // A change under the reader explains any parse error it caused.
        if let changed = errors.first(where: { ($0 as? CSVError)?.message == changedMessage }) { throw changed }
        guard try stillAsScanned(fd: fd, scan: scan, path: path) else { throw CSVError(file: path, line: 0, message: changedMessage) }
        if let first = errors.first { throw first }
        return (sinks, scan.sha256)
    }

    /// Whether the file is still as the scan saw it where the parts did not look: its size (bytes
    /// appended after the scan would otherwise go unread, and a file still being copied parsed
    /// short) and the bytes before the data (BOM, blank lines, header: parsed from the scan's
    /// copy). With the parts' own digests, every byte parsed is one the scan hashed, however long
    /// ago the scan was (a `PreparedSplit` is made while the run fingerprints its inputs).
    private static func stillAsScanned(fd: Int32, scan: SplitScan, path: String) throws -> Bool {
        var info = stat()
        guard fstat(fd, &info) == 0, Int(info.st_size) == scan.cuts.last else { return false }
        let count = scan.headerEnd
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, count))
        defer { buffer.deallocate() }
        guard try SplitScan.readAt(fd, buffer, count, 0, path: path) == count else { return false }
        var leading = StreamHash()
        leading.update(UnsafeBufferPointer(start: buffer, count: count))
        return leading.finalize() == scan.headerDigest
    }

    /// `path` opened for pread(2), or an error naming it (a folder is refused as `CSVReader` refuses it).
    static func openForReading(_ path: String) throws -> Int32 {
        try CSVReader.refuseFolder(path)
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CSVError(file: path, line: 0, message: "cannot open file: \(String(cString: strerror(errno)))") }
        return fd
    }

    static let changedMessage = "input changed while it was being read (its bytes differ between two reads); rerun once the file is complete"

    private static func readPart<Sink: CSVSink>(fd: Int32, path: String, range: Range<Int>, startLine: Int, columns: [Bool]?,
                                               digest expected: UInt64, into sink: inout Sink) throws {
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: SplitScan.slice)
        defer { buffer.deallocate() }
        let parser = try LibcsvParser(path: path, startLine: startLine, keep: columns)
        var digest = StreamHash()
        var offset = range.lowerBound
        while offset < range.upperBound {
            let want = min(SplitScan.slice, range.upperBound - offset)
            let got = try SplitScan.readAt(fd, buffer, want, offset, path: path)
            guard got == want else { throw CSVError(file: path, line: 0, message: changedMessage) }
            let slice = UnsafeBufferPointer(start: buffer, count: got)
            digest.update(slice)
            try parser.feed(slice) { try sink.record($0) }
            offset += got
        }
        try parser.finish { try sink.record($0) }
        guard digest.finalize() == expected else { throw CSVError(file: path, line: 0, message: changedMessage) }
    }

    /// The fields of what is probably the file's last record, read from its last 128 KiB (see
    /// `lastRecordRange`), or nil when none is found. A guess for the caller to check against
    /// the records themselves: the file is not parsed from its start.
    static func lastRecord(path: String) -> [String]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let end = Int(info.st_size), tailStart = max(0, end - (128 << 10))
        var tail = [UInt8](repeating: 0, count: end - tailStart)
        guard !tail.isEmpty,
              let got = try? tail.withUnsafeMutableBufferPointer({ try SplitScan.readAt(fd, $0.baseAddress!, $0.count, tailStart, path: path) }),
              got == tail.count,
              let range = tail.withUnsafeBufferPointer({ lastRecordRange(in: $0, after: 0) }) else { return nil }
        var fields: [String]?
        guard let parser = try? LibcsvParser(path: path, startLine: 1) else { return nil }
        tail.withUnsafeBufferPointer { b in
            let deliver: (CSVRecord) throws -> Void = { fields = $0.strings }
            try? parser.feed(UnsafeBufferPointer(rebasing: b[range]), deliver)
            try? parser.finish(deliver)
        }
        return fields
    }

    /// The fields of the file's first data record (the second non-empty record, after the
    /// header), parsed from its first 128 KiB, or nil when that holds no whole one. A guess, as
    /// `lastRecord`: DfE's files list the newest year first, so its year is the file's latest.
    static func firstRecord(path: String) -> [String]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 128 << 10)
        guard let got = try? head.withUnsafeMutableBufferPointer({ try SplitScan.readSome(fd, $0.baseAddress!, $0.count, path: path) }),
              got > 0, let parser = try? LibcsvParser(path: path, startLine: 1) else { return nil }
        let bom = got >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0
        var records: [[String]] = []
        head.withUnsafeBufferPointer { b in
            // Only records the head completes are delivered: a record cut at its end is not.
            try? parser.feed(UnsafeBufferPointer(rebasing: b[bom..<got])) { record in
                let fields = record.strings
                if records.count < 2, fields.contains(where: { !$0.isEmpty }) { records.append(fields) }
            }
        }
        return records.count == 2 ? records[1] : nil
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
}

/// The first pass of a split read (`CSVSplitReader`) on its own: a large input's split points
/// and SHA-256, found by one read of it. The run makes it while it fingerprints its inputs, so
/// the file is read once for both. Why: that was two whole sequential passes over the file
/// before any parsing: on the 100x workload the run's first 0.7 s had one core busy (perf).
public struct PreparedSplit: Sendable {
    let scan: SplitScan
    /// The number of parts it was split for; a read in another number scans the file again.
    public let parts: Int
    /// SHA-256 (hex) of every byte of the file as it was scanned.
    public var sha256: String { scan.sha256 }

    /// The first pass for a read of `path` on `threads` threads, or nil when that read is not
    /// split (`TidyFileReader.readsInParts`, at the default size).
    public static func forRead(path: String, threads: Int) throws -> PreparedSplit? {
        guard TidyFileReader.readsInParts(size: TidyFileReader.fileSize(path), threads: threads) else { return nil }
        return try PreparedSplit(path: path, threads: threads)
    }

    /// For a read on `threads` threads (`TidyFileReader.splitParts`).
    public init(path: String, threads: Int) throws {
        let parts = TidyFileReader.splitParts(threads: threads)
        let fd = try CSVSplitReader.openForReading(path)
        defer { close(fd) }
        scan = try SplitScan(fd: fd, path: path, parts: parts)
        self.parts = parts
    }
}
