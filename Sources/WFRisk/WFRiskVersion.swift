/// The version of wfrisk, as `--version`, scores.json and manifest.json report it.
public enum WFRiskVersion {
    public static let current = "0.1.0"
}
