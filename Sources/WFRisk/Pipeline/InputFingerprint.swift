import Foundation

/// An input file as recorded in run metadata.
public struct InputFingerprint: Sendable, Equatable {
    public var kind: String
    public var path: String
    public var sha256: String
    /// Rows (CSV) or documents (texts) read.
    public var count: Int

    public init(kind: String, path: String, sha256: String, count: Int) {
        self.kind = kind
        self.path = path
        self.sha256 = sha256
        self.count = count
    }
}
