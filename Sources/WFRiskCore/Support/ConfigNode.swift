import Yams

/// A YAML node with the file and key path it came from, so every configuration error
/// names file, line and key (`pipelines/nightly.yml:14: settings.scoring.prior_fte: …`).
package struct ConfigNode {
    package let node: Node
    package let file: String
    package let path: String

    package static func parse(file: String, text: String) throws -> ConfigNode {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw WFRiskError.usage("\(file): the file is empty")
            }
            return ConfigNode(node: node, file: file, path: "")
        } catch let error as YamlError {
            throw WFRiskError.usage("\(file): not valid YAML: \(error)")
        }
    }

    package var line: Int { node.mark?.line ?? 0 }

    package func error(_ message: String) -> WFRiskError {
        .usage("\(file):\(line): \(path.isEmpty ? "" : path + ": ")\(message)")
    }

    /// The mapping's entries, after checking every key is one of `allowed`.
    package func mapping(allowed: [String]) throws -> [(String, ConfigNode)] {
        guard case .mapping(let m) = node else { throw error("expected a mapping (key: value)") }
        var out: [(String, ConfigNode)] = []
        for (k, v) in m {
            guard let key = k.string else { throw error("keys must be text") }
            let child = ConfigNode(node: v, file: file, path: path.isEmpty ? key : "\(path).\(key)")
            if !allowed.isEmpty && !allowed.contains(key) {
                throw ConfigNode(node: k, file: file, path: child.path).error("unknown key '\(key)'; expected one of: \(allowed.joined(separator: ", "))")
            }
            out.append((key, child))
        }
        return out
    }

    package func string() throws -> String {
        guard case .scalar(let s) = node else { throw error("expected a single value") }
        return s.string
    }

    package func double() throws -> Double {
        guard case .scalar(let s) = node, let v = DecimalNumber.parse(s.string) else { throw error("expected a number, got \(describe)") }
        return v
    }

    package func int() throws -> Int {
        guard case .scalar(let s) = node, let v = DecimalNumber.integer(s.string) else { throw error("expected a whole number, got \(describe)") }
        return v
    }

    package func bool() throws -> Bool {
        guard case .scalar(let s) = node, let v = Bool(s.string.lowercased()) else { throw error("expected true or false, got \(describe)") }
        return v
    }

    /// A list of strings; a single string is taken as a one-item list.
    package func strings() throws -> [String] {
        switch node {
        case .scalar(let s): return [s.string]
        case .sequence(let seq):
            return try seq.enumerated().map { i, n in try ConfigNode(node: n, file: file, path: "\(path)[\(i)]").string() }
        default: throw error("expected a list of values")
        }
    }

    package var isNull: Bool {
        if case .scalar(let s) = node { return s.string.isEmpty || s.string == "~" || s.string == "null" }
        return false
    }

    private var describe: String {
        switch node {
        case .scalar(let s): return "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}
