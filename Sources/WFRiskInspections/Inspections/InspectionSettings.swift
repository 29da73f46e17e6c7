/// How inspection texts turn into the inspection component.
public struct InspectionSettings: Sendable, Equatable {
    /// Texts older than this many months before the scoring date are ignored.
    public var windowMonths: Int
    /// A text's weight halves every this many months of age.
    public var halfLifeMonths: Double
    /// Points each judgement in force adds to the inspection concern (0 = none).
    public var judgementConcern: [String: Double]

    public init(windowMonths: Int, halfLifeMonths: Double, judgementConcern: [String: Double]) {
        self.windowMonths = windowMonths
        self.halfLifeMonths = halfLifeMonths
        self.judgementConcern = judgementConcern
    }
}
