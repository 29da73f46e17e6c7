/// The kinds of Ofsted visit to a council's children's services: the graded inspections the
/// record holds and the ungraded visits between them. Raw values are the extract contract's
/// `visit_type` strings (README "Inspection texts").
package enum VisitType: String, CaseIterable, Sendable, Codable {
    case ilacsFull = "ilacs_full"
    case ilacsShort = "ilacs_short"
    case monitoringVisit = "monitoring_visit"
    case focusedVisit = "focused_visit"
    case jtai, sif, other

    /// Ties between types named equally often go to the more specific.
    package static let specificity: [VisitType] = [.jtai, .focusedVisit, .monitoringVisit, .ilacsShort, .ilacsFull, .sif, .other]

    /// The graded framework in use in a year: ILACS from 2018, the single inspection framework
    /// 2013-2017, earlier regimes before (Ofsted's inspection history).
    package static func gradedFramework(inYear year: Int) -> VisitType {
        year >= 2018 ? .ilacsFull : (year >= 2013 ? .sif : .other)
    }

    /// The visit a graded judgement of the record was: SIF, or an ILACS standard or short inspection.
    package init(_ judgement: OfstedJudgement) {
        switch judgement.framework {
        case .sif: self = .sif
        case .ilacs: self = judgement.isShort ? .ilacsShort : .ilacsFull
        }
    }
}
