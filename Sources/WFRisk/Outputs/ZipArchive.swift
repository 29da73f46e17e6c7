import Foundation
import WFRiskCore

/// The zip container of an `.xlsx`, as far as the framed workbook needs it (`WorkbookFrame`):
/// the entries of a small archive held in memory (the frame libxlsxwriter writes), and an
/// archive written from them in their order, each entry copied as it is or replaced by new
/// deflate data (APPNOTE.TXT 6.3: local headers, central directory, end record; no zip64).
struct ZipArchive {
    struct Entry {
        var name: String
        /// The entry's central directory record (fixed part, name, extra, comment).
        var central: [UInt8]
        /// Where the entry's local header starts, and where the next entry's (or the central
        /// directory) does: its header, data and any data descriptor.
        var local: Range<Int>
        var method: UInt16 { ZipArchive.u16(central, 10) }
        var compressedSize: Int { Int(ZipArchive.u32(central, 20)) }
        var size: Int { Int(ZipArchive.u32(central, 24)) }
    }

    let bytes: [UInt8]
    let entries: [Entry]
    /// The end of central directory record, its comment included.
    private let end: [UInt8]

    init(_ bytes: [UInt8]) throws {
        func bad(_ why: String) -> WFRiskError { .runtime("the workbook frame is not a zip archive libxlsxwriter writes: \(why)") }
        self.bytes = bytes
        // The end record: the last signature within its 22 bytes and a comment of up to 64 KiB.
        guard bytes.count >= 22, let e = stride(from: bytes.count - 22, through: max(0, bytes.count - 22 - 0xFFFF), by: -1)
            .first(where: { Self.u32(bytes, $0) == 0x0605_4B50 }) else { throw bad("no end record") }
        end = Array(bytes[e...])
        let count = Int(Self.u16(bytes, e + 10)), directory = Int(Self.u32(bytes, e + 16))
        guard count != 0xFFFF, directory != 0xFFFF_FFFF else { throw bad("zip64") }
        var records: [(name: String, central: [UInt8], offset: Int)] = []
        var p = directory
        for _ in 0..<count {
            guard p + 46 <= e, Self.u32(bytes, p) == 0x0201_4B50 else { throw bad("a central directory record at \(p)") }
            let n = Int(Self.u16(bytes, p + 28)), x = Int(Self.u16(bytes, p + 30)), c = Int(Self.u16(bytes, p + 32))
            guard p + 46 + n + x + c <= e else { throw bad("a central directory record past its end") }
            let name = String(decoding: bytes[p + 46..<p + 46 + n], as: UTF8.self)
            records.append((name, Array(bytes[p..<p + 46 + n + x + c]), Int(Self.u32(bytes, p + 42))))
            p += 46 + n + x + c
        }
        let starts = records.map(\.offset).sorted() + [directory]
        entries = try records.map { r in
            guard let i = starts.firstIndex(of: r.offset), r.offset + 30 <= directory, Self.u32(bytes, r.offset) == 0x0403_4B50 else {
                throw bad("the local header of \(r.name)")
            }
            return Entry(name: r.name, central: r.central, local: r.offset..<starts[i + 1])
        }
    }

    /// An entry's data, inflated; its local header must say what its central record says.
    func data(_ entry: Entry) throws -> [UInt8] {
        let start = entry.local.lowerBound, n = Int(Self.u16(bytes, start + 26)), x = Int(Self.u16(bytes, start + 28))
        let from = start + 30 + n + x
        // Method, CRC-32 and sizes (left 0 in the local header when a data descriptor follows), name.
        let described = Self.u16(bytes, start + 6) & 0x0008 != 0
        guard Self.u16(bytes, start + 8) == entry.method,
              described || (Self.u32(bytes, start + 14), Self.u32(bytes, start + 18), Self.u32(bytes, start + 22))
                == (Self.u32(entry.central, 16), Self.u32(entry.central, 20), Self.u32(entry.central, 24)),
              from <= entry.local.upperBound, bytes[start + 30..<start + 30 + n].elementsEqual(entry.name.utf8) else {
            throw WFRiskError.runtime("the zip entry \(entry.name)'s local header differs from its central record")
        }
        guard from + entry.compressedSize <= entry.local.upperBound else {
            throw WFRiskError.runtime("the workbook frame's entry \(entry.name) runs past its end")
        }
        let data: [UInt8]
        switch entry.method {
        case 0: data = Array(bytes[from..<from + entry.compressedSize])
        case 8: data = try bytes.withUnsafeBytes { try Zlib.inflate(UnsafeRawBufferPointer(rebasing: $0[from..<from + entry.compressedSize]), size: entry.size) }
        default: throw WFRiskError.runtime("the workbook frame's entry \(entry.name) has compression method \(entry.method)")
        }
        guard data.withUnsafeBytes({ Zlib.crc32($0) }) == Self.u32(entry.central, 16) else {
            throw WFRiskError.runtime("the workbook frame's entry \(entry.name) does not match its CRC-32")
        }
        return data
    }

    /// New deflate data for an entry: its pieces in order (the last ends the stream), the CRC-32
    /// and length of what they inflate to.
    struct Replacement {
        var crc: UInt32
        var size: Int
        var compressedSize: Int
        /// Writes the pieces' bytes in order.
        var write: (_ sink: ([UInt8]) throws -> Void) throws -> Void
    }

    /// Writes this archive's entries in order to `path`: an entry `replace` gives new data for
    /// gets it (its header's CRC-32, sizes, method and flags set to match), every other entry is
    /// copied byte for byte. The central directory and end record follow, offsets updated.
    func write(to path: String, replace: (Entry) throws -> Replacement?) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            throw WFRiskError.runtime("cannot create \(path)")
        }
        var closed = false
        defer { if !closed { try? out.close() } }
        var offset = 0
        func put(_ b: [UInt8]) throws {
            try out.write(contentsOf: b)
            offset += b.count
        }
        func fits(_ n: Int, _ what: String) throws -> UInt32 {
            guard n < 0xFFFF_FFFF else { throw WFRiskError.runtime("\(path): \(what) is 4 GB or more, which a zip without zip64 cannot hold") }
            return UInt32(n)
        }
        var directory: [UInt8] = []
        for entry in entries {
            var central = entry.central
            Self.put32(&central, 42, try fits(offset, "the workbook"))
            if let r = try replace(entry) {
                let start = entry.local.lowerBound, n = Int(Self.u16(bytes, start + 26))
                var header = Array(bytes[start..<start + 30 + n])
                Self.put16(&header, 28, 0)  // no extra field
                // A local header's fields sit 2 bytes before the central record's (which adds "version made by").
                func describe(_ h: inout [UInt8], at base: Int) throws {
                    Self.put16(&h, base + 6, Self.u16(h, base + 6) & ~0x0008)  // no data descriptor
                    Self.put16(&h, base + 8, 8)  // deflated
                    Self.put32(&h, base + 14, r.crc)
                    Self.put32(&h, base + 18, try fits(r.compressedSize, entry.name))
                    Self.put32(&h, base + 22, try fits(r.size, entry.name))
                }
                try describe(&header, at: 0)
                try describe(&central, at: 2)
                try put(header)
                var written = 0
                try r.write { piece in
                    written += piece.count
                    try put(piece)
                }
                guard written == r.compressedSize else {
                    throw WFRiskError.runtime("\(path): \(entry.name) wrote \(written) bytes, \(r.compressedSize) expected")
                }
            } else {
                try put(Array(bytes[entry.local]))
            }
            directory += central
        }
        var end = self.end
        Self.put32(&end, 12, try fits(directory.count, "the central directory"))
        Self.put32(&end, 16, try fits(offset, "the workbook"))
        try put(directory)
        try put(end)
        closed = true
        try out.close()
    }

    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(u16(b, i)) | UInt32(u16(b, i + 2)) << 16 }
    static func put16(_ b: inout [UInt8], _ i: Int, _ v: UInt16) {
        b[i] = UInt8(v & 0xFF)
        b[i + 1] = UInt8(v >> 8)
    }
    static func put32(_ b: inout [UInt8], _ i: Int, _ v: UInt32) {
        put16(&b, i, UInt16(v & 0xFFFF))
        put16(&b, i + 2, UInt16(v >> 16))
    }
}
