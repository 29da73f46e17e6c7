import Foundation
import WFRiskCore
import WFRiskInspections

/// Turns documents into each scored unit's inspection evidence (methodology: "Inspection component").
enum InspectionJoin {
    static let instabilityThemes: Set<Theme> = [.turnover, .agency, .vacanciesRecruitment, .stability]
    static let caseloadThemes: Set<Theme> = [.caseload]

    /// Whether a document can count for a scoring year: it needs a date within the window
    /// (up to `windowMonths` before 30 September of the scoring year, and not 12 months after it).
    enum Use: Equatable, Sendable {
        /// Used, this many months before the reference date.
        case used(ageMonths: Double)
        case undated
        case outsideWindow(date: String)
    }

    static func use(of d: InspectionDocument, scoringYear: Int, settings: InspectionSettings) -> Use {
        use(of: d, census: census(scoringYear), settings: settings)
    }

    /// 30 September of the scoring year, as an ISO date.
    static func census(_ scoringYear: Int) -> String { String(format: "%04d-09-30", scoringYear) }

    /// `use(of:scoringYear:settings:)` with the census date written once for many documents.
    static func use(of d: InspectionDocument, census: String, settings: InspectionSettings) -> Use {
        guard let date = d.date else { return .undated }
        let age = InspectionDates.months(from: date, to: census)
        guard age <= Double(settings.windowMonths), age > -12 else { return .outsideWindow(date: date) }
        return .used(ageMonths: age)
    }

    /// A text about an abolished authority counts for its successors in the scoring year
    /// (Cumbria → Cumberland and Westmorland and Furness); one about a member of a joint
    /// return counts for the joint unit.
    static func evidence(documents: [InspectionDocument], units: [ReportingUnit], registry: AuthorityRegistry,
                                scoringYear: Int, settings: InspectionSettings, quotes withQuotes: Bool = true) -> [ReportingUnit: InspectionEvidence] {
        var unitOf: [String: ReportingUnit] = [:]
        for u in units { for m in u.memberCodes { unitOf[m] = u } }
        var byUnit: [ReportingUnit: [(InspectionDocument, AuthorityLink, Double)]] = [:] // doc, authority, weight
        let census = census(scoringYear)
        for d in documents {
            guard case .used(let age) = use(of: d, census: census, settings: settings) else { continue }
            let weight = pow(0.5, max(0, age) / settings.halfLifeMonths)
            for link in d.primary {
                let targets = Set(registry.currentSuccessors(of: link.oldCode).compactMap { unitOf[$0] } + [unitOf[link.oldCode]].compactMap { $0 })
                for u in targets { byUnit[u, default: []].append((d, link, weight)) }
            }
        }
        var out: [ReportingUnit: InspectionEvidence] = [:]
        for (unit, items) in byUnit {
            let sorted = items.sorted { ($0.0.date ?? "", $0.0.file) > ($1.0.date ?? "", $1.0.file) }
            func concern(_ themes: Set<Theme>) -> Double? {
                var num = 0.0, den = 0.0
                for (d, link, w) in sorted {
                    // The mean concern of the document's signals on these themes about this authority
                    // (summed in order, fields read in place: a signal carries its quote).
                    var sum = 0.0, count = 0
                    for i in d.signals.indices where themes.contains(d.signals[i].theme) && (d.signals[i].laCode == nil || d.signals[i].laCode == link.oldCode) {
                        sum += d.signals[i].polarity.concernValue
                        count += 1
                    }
                    guard count > 0 else { continue }
                    num += w * sum / Double(count)
                    den += w
                }
                return den > 0 ? num / den : nil
            }
            // Each authority's own judgement in force (a round-up reports several).
            let judgement = sorted.lazy.compactMap { $0.1.judgementUsed }.first
            let judgementConcern = judgement.flatMap { settings.judgementConcern[$0.rawValue] }
            func blend(_ signal: Double?) -> Double? {
                switch (signal, judgementConcern) {
                case let (s?, j?): return (s + j) / 2
                case let (s?, nil): return s
                case let (nil, j?): return j
                default: return nil
                }
            }
            // A history year's scores read the concerns only; its quotes are never shown.
            let quotes = !withQuotes ? [] : sorted.flatMap { d, link, _ in
                d.signals.filter { $0.laCode == nil || $0.laCode == link.oldCode }.map {
                    EvidenceQuote(file: d.file, date: d.date, theme: $0.theme.rawValue, polarity: $0.polarity.rawValue, text: $0.evidence)
                }
            }
            out[unit] = InspectionEvidence(instabilityConcern: blend(concern(instabilityThemes)), caseloadConcern: blend(concern(caseloadThemes)),
                                           latestDate: sorted.first?.0.date, judgement: judgement?.rawValue, quotes: quotes)
        }
        return out
    }
}
