/// The one hash the fast lookup structures in this folder share: a multiply-xor mix over a byte
/// string, eight bytes at a time. Only equality of the bytes matters (every table compares
/// candidates byte for byte), so it is not a cryptographic or stable-across-versions hash.
enum ByteHash {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Folds `bytes` into `hash`.
    @inline(__always) static func mix(_ hash: UInt64, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = hash ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return h &* 0x9E37_79B9_7F4A_7C15 }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= bytes.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(base[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 29)
    }
}
