import Foundation

/// An input file as recorded in run metadata.
struct InputFingerprint: Sendable, Equatable {
    var kind: String
    var path: String
    var sha256: String
    /// Rows (CSV) or documents (texts) read.
    var count: Int

    init(kind: String, path: String, sha256: String, count: Int) {
        self.kind = kind
        self.path = path
        self.sha256 = sha256
        self.count = count
    }
}
