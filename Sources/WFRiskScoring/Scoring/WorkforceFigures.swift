import WFRiskCore
import WFRiskIngest

/// The counts and rates of one reporting unit (or England, or a region) in one year,
/// with rates derived from counts where the file gives counts only, and counts
/// recovered from rates where it gives rates only.
struct WorkforceFigures: Sendable, Equatable {
    @NilAsNaN var inpost: Double? = nil
    @NilAsNaN var starters: Double? = nil
    @NilAsNaN var leavers: Double? = nil
    @NilAsNaN var agency: Double? = nil
    @NilAsNaN var vacancies: Double? = nil
    @NilAsNaN var caseHolders: Double? = nil
    @NilAsNaN var cases: Double? = nil
    @NilAsNaN var absenceRate: Double? = nil
    @NilAsNaN var vacancyAgencyCoverRate: Double? = nil
    /// Published (or derived) rates, in per cent / cases per FTE.
    @NilAsNaN var turnoverRate: Double? = nil
    @NilAsNaN var agencyRate: Double? = nil
    @NilAsNaN var vacancyRate: Double? = nil
    @NilAsNaN var caseload: Double? = nil
    /// Why a figure is missing, by measure, as published (`c`, `x`, `z`…).
    var missingReasons: [Measure: String] = [:]

    init(record: TidyRecord) {
        self.init(values: record.values)
    }

    /// From a row's values alone (all `init(record:)` reads of it).
    init(values: MeasureValues) {
        func v(_ m: Measure) -> Double? {
            switch values[m] {
            case .value(let x)?: return x
            case .missing(let r)?: missingReasons[m] = r; return nil
            case nil: missingReasons[m] = "no column"; return nil
            }
        }
        inpost = v(.inpostFTE)
        starters = v(.startersFTE)
        leavers = v(.leaversFTE)
        agency = v(.agencyFTE)
        vacancies = v(.vacancyFTE)
        caseHolders = v(.caseHoldersFTE)
        cases = v(.cases)
        absenceRate = v(.absenceRateFTE)
        vacancyAgencyCoverRate = v(.vacancyAgencyCoverRateFTE)
        turnoverRate = v(.turnoverRateFTE)
        agencyRate = v(.agencyRateFTE)
        vacancyRate = v(.vacancyRateFTE)
        caseload = v(.caseloadFTE)
        completeFromEachOther()
    }

    init() {}

    /// Fills a rate from its counts (the indicator definitions' ratios), or a count from its rate
    /// and denominator (the same DfE definitions inverted: agency = rate × in post / (100 − rate)…).
    mutating func completeFromEachOther() {
        if let n = inpost {
            if turnoverRate == nil { turnoverRate = Indicator.turnoverRate.definition.ratio!.computed(self) }
            if leavers == nil, let r = turnoverRate { leavers = r * n / 100 }
            if agencyRate == nil { agencyRate = Indicator.agencyRate.definition.ratio!.computed(self) }
            if agency == nil, let r = agencyRate, r < 100 { agency = r * n / (100 - r) }
            if vacancyRate == nil { vacancyRate = Indicator.vacancyRate.definition.ratio!.computed(self) }
            if vacancies == nil, let r = vacancyRate, r < 100 { vacancies = r * n / (100 - r) }
        }
        if caseload == nil { caseload = Indicator.caseload.definition.ratio!.computed(self) }
        if cases == nil, let q = caseload, let h = caseHolders { cases = q * h }
    }

    /// Sums counts over several units (merged predecessors, or a region built from its LAs);
    /// rates are re-derived from the sums, absence is weighted by in-post FTE.
    static func pooled(_ parts: [WorkforceFigures]) -> WorkforceFigures {
        func sum(_ key: KeyPath<WorkforceFigures, Double?>) -> Double? {
            let values = parts.map { $0[keyPath: key] }
            guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { return nil }
            return values.reduce(0) { $0 + $1! }
        }
        var out = WorkforceFigures()
        out.inpost = sum(\.inpost)
        out.starters = sum(\.starters)
        out.leavers = sum(\.leavers)
        out.agency = sum(\.agency)
        out.vacancies = sum(\.vacancies)
        out.caseHolders = sum(\.caseHolders)
        out.cases = sum(\.cases)
        if let n = out.inpost, n > 0, parts.allSatisfy({ $0.absenceRate != nil && $0.inpost != nil }) {
            out.absenceRate = parts.reduce(0) { $0 + $1.absenceRate! * $1.inpost! } / n
        }
        out.completeFromEachOther()
        return out
    }
}
