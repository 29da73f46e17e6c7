import Foundation
import WFRiskCore
import WFRiskOfsted
/// The `wfrisk extract --json` contract (README "Inspection texts").
package enum InspectionJSON {
    package static func value(_ d: InspectionDocument) -> JSONValue {
        .object([
            ("contract_version", .int(InspectionDocument.contractVersion)),
            ("file", .string(d.file)),
            ("document_kind", .string(d.kind.rawValue)),
            ("authorities", .array(d.authorities.map { a in
                let r = a.report
                return .object([("new_la_code", .string(a.newCode)), ("old_la_code", .string(a.oldCode)), ("la_name", .string(a.name)),
                         ("role", .string(a.role.rawValue)), ("evidence", .string(a.evidence)),
                         ("visit_type", .optionalString(a.visitType?.rawValue)), ("judgement", .optionalString(a.judgement?.rawValue)),
                         ("date", .optionalString(a.date)),
                         ("framework", .optionalString(r?.framework?.rawValue)),
                         ("inspection_start", .optionalString(r?.inspectionStart?.description)),
                         ("inspection_end", .optionalString(r?.inspectionEnd?.description)),
                         ("sub_judgements", .object(OfstedReportReading.Area.allCases.map { ($0.rawValue, .optionalString(r?.subJudgements[$0]?.grade.rawValue)) })),
                         ("sub_judgement_evidence", .object(OfstedReportReading.Area.allCases.map { ($0.rawValue, .optionalString(r?.subJudgements[$0]?.evidence)) })),
                         ("overall_evidence", .optionalString(r?.overall?.evidence)),
                         ("judgement_used", .optionalString(a.judgementUsed?.rawValue)), ("judgement_from", .string(a.judgementFrom)),
                         ("visit_type_used", .optionalString(a.visitTypeUsed?.rawValue)), ("visit_type_from", .string(a.visitTypeFrom)),
                         ("record", a.record.map(record) ?? .null)])
            })),
            ("visit_type", .optionalString(d.visitType?.rawValue)),
            ("date", .optionalString(d.date)),
            ("judgement", .optionalString(d.judgement?.rawValue)),
            ("visit_type_used", .optionalString(d.visitTypeUsed?.rawValue)),
            ("judgement_used", .optionalString(d.judgementUsed?.rawValue)),
            // Built one element at a time while rendering (issue 27: a large text's signals and
            // figures never sit in memory as a tree beside the document).
            ("signals", .generated(d.signals.count) { [signals = d.signals] k in
                let s = signals[k]
                return .object([("theme", .string(s.theme.rawValue)), ("polarity", .string(s.polarity.rawValue)), ("evidence", .string(s.evidence)),
                                ("start", .int(s.start)), ("end", .int(s.end)), ("la_code", .optionalString(s.laCode))])
            }),
            ("numbers", .generated(d.numbers.count) { [numbers = d.numbers] k in
                let n = numbers[k]
                return .object([("measure", .string(n.measure)), ("value", .number(trimmed(n.value))), ("unit", .string(n.unit)),
                                ("evidence", .string(n.evidence)), ("la_code", .optionalString(n.laCode))])
            }),
        ])
    }

    /// `render(documents)` handed to `emit` in pieces (`JSONValue.render(chunk:emit:)`),
    /// each document's tree built only while it is written: what `extract --json` prints.
    package static func write(_ documents: [InspectionDocument], emit: ([UInt8]) throws -> Void) throws {
        try JSONValue.generated(documents.count) { value(documents[$0]) }.render(emit: emit)
    }

    /// What the record says at the text's date: the judgement in force (with its publication and
    /// where it was read) and the visit type it implies.
    static func record(_ r: RecordAtDate) -> JSONValue {
        .object([("judgement", .optionalString(r.inForce?.grade.rawValue)), ("published", .optionalString(r.inForce?.publishedText)),
                 ("visit_type", .optionalString(r.visit?.rawValue)), ("source", .optionalString(r.inForce?.place.description))])
    }

    package static func render(_ documents: [InspectionDocument]) -> String {
        JSONValue.array(documents.map(value)).rendered()
    }

    /// A short human summary of one document.
    package static func text(_ d: InspectionDocument) -> String {
        var lines = ["\(d.file) (\(d.kind.rawValue))"]
        lines.append("  authorities: " + d.authorities.map { a in
            "\(a.name) (\(a.oldCode), \(a.role.rawValue)" + (a.role == .primary ? ", \(a.visitType?.rawValue ?? "visit unknown"), \(a.judgement?.rawValue ?? "judgement not stated"))" : ")")
        }.joined(separator: "; "))
        lines.append("  visit: \(d.visitType?.rawValue ?? "unknown"), date: \(d.date ?? "unknown"), judgement: \(d.judgement?.rawValue ?? "not stated")")
        for a in d.primary {
            guard let r = a.report else { continue }
            lines.append("  \(a.name): \(r.framework?.rawValue ?? r.kind.rawValue), \(r.inspectionStart?.description ?? "?") to \(r.inspectionEnd?.description ?? "?")"
                         + (r.overall.map { ", overall \($0.grade.rawValue)" } ?? ""))
            for area in OfstedReportReading.Area.allCases {
                if let g = r.subJudgements[area] { lines.append("    \(area.rawValue) \(g.grade.rawValue): \(g.evidence)") }
            }
        }
        for s in d.signals { lines.append("  \(s.theme.rawValue) \(s.polarity.rawValue): \(s.evidence)") }
        for n in d.numbers { lines.append("  figure: \(n.measure) = \(trimmed(n.value)) \(n.unit) [\(n.laCode ?? "?")]") }
        return lines.joined(separator: "\n")
    }

    static func trimmed(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : Decimals.format(v, 4).replacingOccurrences(of: "0+$", with: "", options: .regularExpression)
    }
}
