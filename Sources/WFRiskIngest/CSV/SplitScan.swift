import Foundation
import Dispatch
import WFRiskCore

/// The first, sequential pass of a split read (`CSVSplitReader`): reads the file once in
/// slices with read(2) (never mapped: a file cut short while read must give a short read, not a
/// SIGBUS), hashing it whole and per part, and finds where the header ends and where each part
/// starts (the first line end outside quotes after an even share of the bytes) with the line
/// each part starts on. Nothing is kept but those offsets, so memory stays one slice.
struct SplitScan: Sendable {
    /// Offset just after the BOM (0 without one): where CSV text starts.
    var textStart = 0
    /// Offsets of the first non-blank line and just after its line end.
    var headerStart = 0
    var headerEnd = 0
    var headerStartLine = 1
    /// The header line's bytes.
    var header: [UInt8] = []
    /// A `StreamHash` of the bytes before the data (BOM, blank lines, the header line), which the
    /// parts do not read: `CSVSplitReader` checks them after the parts, with the file's size.
    var headerDigest: UInt64 = 0
    /// Part boundaries: `cuts[k]..<cuts[k + 1]` is part k; `cuts.first == headerEnd`, `cuts.last` the size read.
    var cuts: [Int] = []
    /// The line each part starts on.
    var startLines: [Int] = []
    /// SHA-256 of the whole file (what the run records) and a `StreamHash` of each part's bytes
    /// (what the part's reader checks it read).
    var sha256 = ""
    var partDigests: [UInt64] = []
    /// A CR not followed by LF somewhere (old Mac line ends: parts cannot be split on LF).
    var loneCR = false
    /// True when the file holds no non-blank line.
    var empty = false

    static let slice = 8 << 20

    init(fd: Int32, path: String, parts: Int) throws {
        var info = stat()
        let size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        // Two slices in turn: the SHA-256 of one is computed on a queue of its own while the
        // next is read and the split points are looked for (`BackgroundDigest`).
        let buffers = [UnsafeMutablePointer<UInt8>.allocate(capacity: SplitScan.slice),
                       UnsafeMutablePointer<UInt8>.allocate(capacity: SplitScan.slice)]
        let whole = BackgroundDigest()
        defer {
            whole.waitForAll()
            for b in buffers { b.deallocate() }
        }
        var current = 0
        var part = StreamHash()
        var offset = 0            // absolute offset of buffer[0]
        var first = true
        var headerDone = false
        var open = false          // inside quotes (data region)
        var lines = 1             // line number at the current position (data region: counted per LF)
        var targets: [Int] = []
        var nextTarget = 0
        var seeking = false       // past a target, looking for a line end outside quotes
        var pendingCR = false
        var hashedTo = 0          // absolute offset hashed into `part` so far
        while true {
            let buffer = buffers[current]
            whole.wait(for: current)
            let n = try SplitScan.readSome(fd, buffer, SplitScan.slice, path: path)
            if n == 0 { break }
            let chunk = UnsafeBufferPointer(start: buffer, count: n)
            whole.update(chunk, in: current)
            current = 1 - current
            if first {
                first = false
                try CSVReader.checkEncoding(chunk, path: path)
                if n >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { textStart = 3 }
            }
            // Lone CRs (a CR ending the previous slice is checked against this one's first byte).
            if pendingCR { if chunk[0] != 0x0A { loneCR = true }; pendingCR = false }
            if !loneCR {
                var p = UnsafeRawPointer(buffer)
                let end = UnsafeRawPointer(buffer) + n
                while p < end, let hit = memchr(p, 0x0D, end - p) {
                    let next = UnsafeRawPointer(hit) + 1
                    if next == end { pendingCR = true; break }
                    if next.load(as: UInt8.self) != 0x0A { loneCR = true; break }
                    p = next
                }
            }
            var i = 0 // position in chunk
            if !headerDone {
                // The header must end within the first slice.
                var h = max(0, textStart - offset)
                while h < n, chunk[h] == 0x0A || chunk[h] == 0x0D {
                    if chunk[h] == 0x0A || h + 1 == n || chunk[h + 1] != 0x0A { headerStartLine += 1 }
                    h += 1
                }
                if h == n {
                    if n < SplitScan.slice { empty = true; break }
                    throw CSVError(file: path, line: headerStartLine, message: "more than 8 MiB of blank lines before the header")
                }
                let end = CSVReader.boundary(in: chunk, from: h)
                guard end < n || n < SplitScan.slice else {
                    throw CSVError(file: path, line: headerStartLine, message: "header line longer than 8 MiB (or an unclosed quote in it)")
                }
                headerStart = offset + h
                headerEnd = offset + end
                header = Array(chunk[h..<end])
                var leading = StreamHash()  // the header ends within the first slice, read from offset 0
                leading.update(UnsafeBufferPointer(rebasing: chunk[0..<end]))
                headerDigest = leading.finalize()
                lines = headerStartLine + CSVReader.newlines(UnsafeBufferPointer(rebasing: chunk[h..<end]))
                cuts = [headerEnd]
                startLines = [lines]
                let total = max(size, headerEnd)
                let k = max(1, parts)
                targets = (1..<max(2, k)).compactMap { j in k > 1 ? headerEnd + (total - headerEnd) * j / k : nil }
                hashedTo = headerEnd
                i = end
                headerDone = true
            }
            func cut(at c: Int) {
                // `c` is absolute, inside this chunk or at its end.
                part.update(UnsafeBufferPointer(rebasing: chunk[(hashedTo - offset)..<(c - offset)]))
                hashedTo = c
                partDigests.append(part.finalize())
                part = StreamHash()
                cuts.append(c)
                startLines.append(lines)
            }
            while i < n {
                if seeking {
                    // Byte by byte to the first line end outside quotes.
                    let c = chunk[i]
                    i += 1
                    if c == 0x22 { open.toggle() } else if c == 0x0A {
                        lines += 1
                        if !open {
                            seeking = false
                            if i < n || offset + n < size { cut(at: offset + i) }
                            while nextTarget < targets.count, targets[nextTarget] <= offset + i { nextTarget += 1 }
                        }
                    }
                    continue
                }
                // Counted in bulk up to the next target (or the chunk's end).
                let stop = nextTarget < targets.count ? min(n, max(i, targets[nextTarget] - offset)) : n
                let span = UnsafeBufferPointer(rebasing: chunk[i..<stop])
                if CSVReader.count(0x22, in: span) % 2 == 1 { open.toggle() }
                lines += CSVReader.newlines(span)
                i = stop
                if nextTarget < targets.count, offset + i >= targets[nextTarget] {
                    nextTarget += 1
                    seeking = true
                }
            }
            if headerDone && hashedTo < offset + n {
                part.update(UnsafeBufferPointer(rebasing: chunk[(hashedTo - offset)..<n]))
                hashedTo = offset + n
            }
            offset += n
        }
        if !headerDone { empty = true }
        sha256 = whole.finalize()
        if !empty {
            partDigests.append(part.finalize())
            cuts.append(max(offset, headerEnd))
        }
    }

    /// read(2) until `capacity` bytes or the end of the file.
    static func readSome(_ fd: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ capacity: Int, path: String) throws -> Int {
        try fill(buffer, capacity, path: path) { at, want, _ in read(fd, at, want) }
    }

    /// pread(2) of `count` bytes at `offset`; fewer only at the end of the file.
    static func readAt(_ fd: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int, _ offset: Int, path: String) throws -> Int {
        try fill(buffer, count, path: path) { at, want, done in pread(fd, at, want, off_t(offset + done)) }
    }

    /// Calls `call(destination, wanted, done)` until `count` bytes arrive or it returns 0 (end of
    /// file); EINTR retries, any other failure is an error naming the file.
    private static func fill(_ buffer: UnsafeMutablePointer<UInt8>, _ count: Int, path: String,
                             _ call: (UnsafeMutablePointer<UInt8>, Int, Int) -> Int) throws -> Int {
        var used = 0
        while used < count {
            let n = call(buffer + used, count - used, used)
            if n < 0 {
                if errno == EINTR { continue }
                throw CSVError(file: path, line: 0, message: "read error: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            used += n
        }
        return used
    }
}

/// The SHA-256 of a split scan's slices, computed on a serial queue of its own while the scan
/// reads the next slice and looks for split points. Why: hashing was half of the scan, and the
/// scan is the one sequential pass over the file before its parts are parsed (on the 100x
/// workload 0.33 s before any parsing, perf). The scan runs only when the file is read on two
/// threads or more, and its queue is the second of them (while the run fingerprints its inputs,
/// the other worker may be hashing a small input beside it for a moment).
///
/// The scan alternates between two buffers: `update` hashes one in the background, and `wait`
/// returns once the buffer's last hash is done (before it is read into again). Only the scanning
/// thread calls these; the semaphores order the queue's updates before `finalize` reads them.
private final class BackgroundDigest: @unchecked Sendable {
    private var digest = SHA256Digest()
    private let queue = DispatchQueue(label: "wfrisk.split-scan.sha256")
    private let done = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
    private var outstanding = [false, false]

    func update(_ chunk: UnsafeBufferPointer<UInt8>, in buffer: Int) {
        outstanding[buffer] = true
        let bytes = UnsafeSendableBytes(chunk)
        queue.async { [self] in
            digest.update(bytes.bytes)
            done[buffer].signal()
        }
    }

    func wait(for buffer: Int) {
        guard outstanding[buffer] else { return }
        done[buffer].wait()
        outstanding[buffer] = false
    }

    func waitForAll() {
        wait(for: 0)
        wait(for: 1)
    }

    func finalize() -> String {
        waitForAll()
        return digest.finalize()
    }
}

/// Bytes handed to the hashing queue; their buffer is not written again until it is done.
private struct UnsafeSendableBytes: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }
}
