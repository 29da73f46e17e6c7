import Crypto
import Foundation

/// SHA-256 fingerprints of inputs and outputs for run metadata, as lowercase hex.
///
/// Backed by swift-crypto (BoringSSL, with the CPU's SHA instructions where present): inputs are
/// hashed on every run, and a 250 MB file took about a second with a portable implementation.
package struct SHA256Digest {
    private var hasher = SHA256()

    package init() {}

    package mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        if done == nil { hasher.update(data: Array(bytes)) }
    }

    package func finalize() -> String {
        hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    package static func hex<C: Collection>(of bytes: C) -> String where C.Element == UInt8 {
        var digest = SHA256Digest()
        digest.update(bytes)
        return digest.finalize()
    }

    /// Hashes a file in 4 MiB reads.
    package static func hex(ofFile path: String) throws -> String {
        guard let file = fopen(path, "rb") else {
            throw WFRiskError.input(InputProblem(file: path, message: "cannot open file: \(String(cString: strerror(errno)))"))
        }
        defer { fclose(file) }
        var digest = SHA256Digest()
        let size = 4 << 20
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        defer { buffer.deallocate() }
        while true {
            let n = fread(buffer, 1, size, file)
            if n == 0 { break }
            digest.update(UnsafeBufferPointer(start: buffer, count: n))
        }
        if ferror(file) != 0 {
            // A folder opens on Linux and fails at its first read (EISDIR): said as what it is.
            let folder = errno == EISDIR ? "is a folder, not a file: name the files in it" : nil
            throw WFRiskError.input(InputProblem(file: path, message: folder ?? "read error while hashing: \(String(cString: strerror(errno)))"))
        }
        return digest.finalize()
    }
}
