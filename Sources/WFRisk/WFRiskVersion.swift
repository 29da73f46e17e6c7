/// The version of wfrisk, as `--version`, scores.json and manifest.json report it.
package enum WFRiskVersion {
    package static let current = "0.1.0"
}
