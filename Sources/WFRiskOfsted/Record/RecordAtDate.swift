import WFRiskCore

/// What the record says of one authority on one day (a text's date): the judgement in force and
/// the kind of visit the authority could have had. The record wins over a text's prose for both
/// (docs/inspections.md "The record wins over prose").
package struct RecordAtDate: Sendable, Equatable {
    /// The judgement the text reports (a graded inspection whose fieldwork or publication the day
    /// falls in), else the newest published by the day. Nil when the record has none for it yet.
    package var inForce: OfstedJudgement?
    /// The graded inspection's type when the day falls in one; else a monitoring visit when the
    /// judgement in force is inadequate (Ofsted monitors every authority judged inadequate until
    /// its re-inspection); else nil: the record holds no focused visits or joint inspections, so
    /// it cannot tell them apart.
    package var visit: VisitType?

    /// A text up to this many days after a report's publication is taken to report it (news,
    /// then committee papers).
    package static let reportingDays = 31
    /// Fieldwork start assumed for a judgement that does not give it: this many days before
    /// publication (the longest gap between fieldwork start and publication in the 2014-2021 record).
    package static let fieldworkDays = 120
}

extension OfstedHistory {
    /// The record of `code` on `date`; nil when `date` lies outside the record (before its first
    /// fieldwork, or more than `reportingDays` after its last publication), where it cannot say
    /// what was in force.
    package func record(of code: String, on date: DayStamp) -> RecordAtDate? {
        guard let first = firstPublication, let last = latestPublication,
              first.adding(days: -RecordAtDate.fieldworkDays) <= date,
              date <= last.adding(days: RecordAtDate.reportingDays) else { return nil }
        let judgements = byCode[code] ?? []
        let reported = judgements.last { Self.fieldworkStart($0) <= date && date <= $0.published.adding(days: RecordAtDate.reportingDays) }
        if let reported { return RecordAtDate(inForce: reported, visit: VisitType(reported)) }
        let inForce = judgements.last { $0.published <= date }
        return RecordAtDate(inForce: inForce, visit: inForce?.grade == .inadequate ? .monitoringVisit : nil)
    }

    /// The first day of a judgement's fieldwork (a month-precision date: the month's first day).
    static func fieldworkStart(_ j: OfstedJudgement) -> DayStamp {
        guard let text = j.inspectionStart, let d = DayStamp(iso: text) else { return j.published.adding(days: -RecordAtDate.fieldworkDays) }
        return text.count == 7 ? DayStamp(year: d.year, month: d.month, day: 1) : d
    }
}
