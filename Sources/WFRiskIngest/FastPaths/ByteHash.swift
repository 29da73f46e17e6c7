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
            h = step(h, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(base[i]) << shift
            shift += 8
            i += 1
        }
        return step(h, tail)
    }

    /// One word folded in: the mix every hash here is made of.
    @inline(__always) static func step(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        let h = (hash ^ word) &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 29)
    }
}

/// `ByteHash`'s mix over a byte stream that arrives in pieces: the same value however the
/// stream is cut. A split read (`CSVSplitReader`) hashes each part twice, once in the first pass
/// and once as the part is parsed, to see that the file did not change in between; SHA-256
/// there cost a full serial pass over the file on top of the whole-file SHA-256 the run
/// records, at about a fifth of this hash's speed. Not cryptographic: it catches a file being
/// rewritten or appended to under the reader, not an adversary.
struct StreamHash {
    private var hash = ByteHash.seed
    private var pending: UInt64 = 0
    private var pendingCount = 0
    private var total = 0

    mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        total += bytes.count
        var i = 0
        // Complete a word left over from the previous piece, byte by byte.
        while pendingCount > 0, i < bytes.count {
            push(base[i])
            i += 1
        }
        let raw = UnsafeRawPointer(base)
        while i + 8 <= bytes.count {
            hash = ByteHash.step(hash, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        while i < bytes.count {
            push(base[i])
            i += 1
        }
    }

    /// One byte into the pending word, folded in once the word is full.
    private mutating func push(_ byte: UInt8) {
        pending |= UInt64(byte) << (8 * UInt64(pendingCount))
        pendingCount += 1
        if pendingCount == 8 {
            hash = ByteHash.step(hash, pending)
            pending = 0
            pendingCount = 0
        }
    }

    /// The hash of every byte so far (a trailing part word and the length folded in).
    func finalize() -> UInt64 {
        ByteHash.step(ByteHash.step(hash, pending), UInt64(total))
    }

    /// Plain path: the same words folded from one contiguous copy of the bytes.
    static func plain(_ bytes: [UInt8]) -> UInt64 {
        var hash = ByteHash.seed, i = 0
        while i + 8 <= bytes.count {
            var word: UInt64 = 0
            for k in 0..<8 { word |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
            hash = ByteHash.step(hash, word)
            i += 8
        }
        var tail: UInt64 = 0
        for k in 0..<(bytes.count - i) { tail |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
        return ByteHash.step(ByteHash.step(hash, tail), UInt64(bytes.count))
    }
}
