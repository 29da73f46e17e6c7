import CZlib
import WFRiskCore

/// zlib, behind one door: this file owns every `z_stream` (each lives within one call).
/// Raw deflate in pieces that join into one stream, raw inflate, CRC-32.
enum Zlib {
    /// `bytes` as raw deflate data at `level` (1 fastest … 9 smallest).
    ///
    /// Not `last`: the data ends with a sync flush (byte-aligned, no final block), so pieces
    /// compressed each on its own, on any thread, and joined in order form one deflate stream
    /// (pigz's method). `last`: the data ends the stream. Each piece starts with an empty
    /// window, which costs a few bytes per piece of a megabyte.
    static func deflate(_ bytes: UnsafeRawBufferPointer, level: Int32, last: Bool) throws -> [UInt8] {
        var stream = z_stream()
        // -15: raw deflate (no zlib header or checksum: a zip entry has its own CRC-32).
        guard deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw WFRiskError.runtime("zlib could not start a deflate stream")
        }
        defer { deflateEnd(&stream) }
        // The bound covers a finished stream; a sync flush adds at most a few bytes more.
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        let status: Int32 = out.withUnsafeMutableBufferPointer { o in
            stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(bytes.count)
            stream.next_out = o.baseAddress
            stream.avail_out = uInt(o.count)
            return CZlib.deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH)
        }
        // Output left inside zlib would leave `avail_out` at 0: the piece would be cut short.
        guard status == (last ? Z_STREAM_END : Z_OK), stream.avail_in == 0, stream.avail_out > 0 else {
            throw WFRiskError.runtime("zlib could not deflate \(bytes.count) bytes (status \(status))")
        }
        out.removeLast(Int(stream.avail_out))
        return out
    }

    /// Raw deflate data inflated to the `size` bytes it must hold.
    static func inflate(_ bytes: UnsafeRawBufferPointer, size: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw WFRiskError.runtime("zlib could not start an inflate stream")
        }
        defer { inflateEnd(&stream) }
        // One byte more than expected, so data that inflates to more is seen.
        var out = [UInt8](repeating: 0, count: size + 1)
        let status: Int32 = out.withUnsafeMutableBufferPointer { o in
            stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(bytes.count)
            stream.next_out = o.baseAddress
            stream.avail_out = uInt(o.count)
            return CZlib.inflate(&stream, Z_FINISH)
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == size else {
            throw WFRiskError.runtime("zlib: deflate data did not inflate to its \(size) bytes (status \(status), \(stream.total_out) bytes)")
        }
        out.removeLast()
        return out
    }

    /// The CRC-32 of `bytes` continuing `crc` (0 to start).
    static func crc32(_ bytes: UnsafeRawBufferPointer, _ crc: UInt32 = 0) -> UInt32 {
        UInt32(CZlib.crc32(uLong(crc), bytes.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(bytes.count)))
    }

    /// The CRC-32 of two pieces joined, from each piece's CRC-32 and the second's length.
    static func crc32(combining first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
        UInt32(crc32_combine(uLong(first), uLong(second), off_t(secondLength)))
    }
}
