import Foundation
import WFRiskCore
import Yams

/// Scores `InspectionExtractor` against hand labels (`eval/inspections/labels.yml`):
/// precision and recall per task, so changes to the lexicon are measured, not guessed.
package struct ExtractionEvaluation: Sendable {
    struct Task: Sendable {
        var name: String
        var truePositives = 0
        var predicted = 0
        var labelled = 0
        var precision: Double? { predicted > 0 ? Double(truePositives) / Double(predicted) : nil }
        var recall: Double? { labelled > 0 ? Double(truePositives) / Double(labelled) : nil }
    }

    var tasks: [Task]
    package var documents: Int
    var skippedLabels: [String]
    package var misses: [String]
    /// The development set's scorer (`TextScore`) on the same documents.
    package var score: TextScore

    package struct Label {
        /// The label in the development set's format, for `TextScore`: a signal labelled with
        /// alternative polarities ("concern|mixed") is optional there.
        func scorerLabel(registry: AuthorityRegistry) -> [String: Any] {
            [
                "file": (file as NSString).lastPathComponent,
                "authorities": primary.map { code -> [String: Any] in
                    let a = registry.authority(oldCode: code)
                    return ["new_la_code": a?.newCode ?? code, "name": a?.name ?? code, "role": "primary"]
                },
                "visit_type": visitType?.first as Any? ?? NSNull(),
                "judgement": judgement as Any? ?? NSNull(),
                "workforce_signals": signals.map { s -> [String: Any] in
                    ["theme": s.theme, "polarity": s.polarities.first ?? "", "evidence": s.phrase, "optional": s.polarities.count > 1]
                },
            ]
        }

        var file: String
        var primary: [String]
        var visitType: [String]?
        var date: String?
        var judgement: String?
        var signals: [(theme: String, polarities: [String], phrase: String)]
        var numbers: [(measure: String, value: Double, code: String)]
    }

    /// - Parameters:
    ///   - labels: the labels file.
    ///   - root: folder that label paths are relative to (the repository).
    ///   - shared: folder that `shared/…` paths point into.
    package static func run(labels path: String, root: String, shared: String, only: String? = nil, registry: AuthorityRegistry) throws -> ExtractionEvaluation {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let rootObject = try Yams.load(yaml: text) as? [String: Any], let docs = rootObject["documents"] as? [[String: Any]] else {
            throw WFRiskError.usage("\(path): expected a mapping with a `documents` list")
        }
        var labels: [Label] = []
        var skipped: [String] = []
        for d in docs {
            guard let file = d["file"] as? String else { throw WFRiskError.usage("\(path): a document has no `file`") }
            if let only, !file.contains(only) { continue }
            let resolved = file.hasPrefix("shared/") ? (shared as NSString).appendingPathComponent(String(file.dropFirst(7)))
                                                      : (root as NSString).appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: resolved) else { skipped.append(file); continue }
            func str(_ k: String) -> String? {
                guard let v = d[k], !(v is NSNull) else { return nil }
                if let date = v as? Date { return Timestamp.day(date) }
                return "\(v)"
            }
            let signals = (d["signals"] as? [[Any]] ?? []).map { s in
                (theme: "\(s[0])", polarities: "\(s[1])".split(separator: "|").map(String.init), phrase: "\(s[2])")
            }
            let numbers = (d["numbers"] as? [[Any]] ?? []).map { n in
                (measure: "\(n[0])", value: DecimalNumber.parse("\(n[1])") ?? .nan, code: "\(n[2])")
            }
            labels.append(Label(file: resolved, primary: (d["primary"] as? [Any] ?? []).map { "\($0)" },
                                visitType: str("visit_type").map { $0.split(separator: "|").map(String.init) },
                                date: str("date"), judgement: str("judgement"), signals: signals, numbers: numbers))
        }
        let extractor = InspectionExtractor(lexicon: try InspectionLexicon.bundled(), registry: registry)
        var link = Task(name: "authority linking (primary)"), visit = Task(name: "visit type"), date = Task(name: "date"),
            judgement = Task(name: "judgement in force"), signal = Task(name: "signals (theme + sentence)"),
            polarity = Task(name: "signals (theme + sentence + polarity)"), number = Task(name: "stated figures (measure, value, scope)")
        var misses: [String] = []
        var predictions: [[String: Any]] = []
        for label in labels {
            let name = (label.file as NSString).lastPathComponent
            var document: InspectionDocument?
            if case .success(let source) = try InspectionSourceReader.read(path: label.file) {
                document = try extractor.extract(source)
            }
            // What `wfrisk extract --json` would print: documents with a primary authority only.
            if let d = document, !d.primary.isEmpty { predictions.append(try TextScore.object(InspectionJSON.value(d))) }
            let primary = Set(document?.primary.map(\.oldCode) ?? [])
            let expected = Set(label.primary)
            link.predicted += primary.count
            link.labelled += expected.count
            link.truePositives += primary.intersection(expected).count
            for p in primary.subtracting(expected) { misses.append("\(name): linked \(p) wrongly") }
            for p in expected.subtracting(primary) { misses.append("\(name): did not link \(p)") }
            guard !expected.isEmpty, let d = document else { continue }
            func fact(_ task: inout Task, _ got: String?, _ want: [String]?) {
                if got != nil { task.predicted += 1 }
                if want != nil { task.labelled += 1 }
                if let got, let want, want.contains(got) { task.truePositives += 1 }
                else if got != nil || want != nil { misses.append("\(name): \(task.name) \(got ?? "none"), labelled \(want?.joined(separator: "|") ?? "none")") }
            }
            fact(&visit, d.visitType?.rawValue, label.visitType)
            fact(&date, d.date, label.date.map { [$0] })
            fact(&judgement, d.judgement?.rawValue, label.judgement.map { [$0] })
            // Signals: a prediction matches a label with its theme whose phrase is in its sentence.
            var used = Set<Int>()
            signal.predicted += d.signals.count
            polarity.predicted += d.signals.count
            signal.labelled += label.signals.count
            polarity.labelled += label.signals.count
            for (li, l) in label.signals.enumerated() {
                if let i = d.signals.indices.first(where: { !used.contains($0) && d.signals[$0].theme.rawValue == l.theme && d.signals[$0].evidence.contains(l.phrase) }) {
                    used.insert(i)
                    signal.truePositives += 1
                    if l.polarities.contains(d.signals[i].polarity.rawValue) { polarity.truePositives += 1 }
                    else { misses.append("\(name): \(l.theme) '\(l.phrase)' is \(d.signals[i].polarity.rawValue), labelled \(l.polarities.joined(separator: "|"))") }
                } else {
                    misses.append("\(name): missed \(l.theme) \(l.polarities.joined(separator: "|")) '\(l.phrase)' (label \(li + 1))")
                }
            }
            for (i, s) in d.signals.enumerated() where !used.contains(i) {
                misses.append("\(name): extra \(s.theme.rawValue) \(s.polarity.rawValue) '\(s.evidence.prefix(70))'")
            }
            number.predicted += d.numbers.count
            number.labelled += label.numbers.count
            for n in label.numbers where d.numbers.contains(where: { $0.measure == n.measure && abs($0.value - n.value) < 1e-9 && ($0.laCode ?? "") == n.code }) {
                number.truePositives += 1
            }
        }
        let score = TextScore.score(labels: labels.map { $0.scorerLabel(registry: registry) }, predictions: predictions)
        return ExtractionEvaluation(tasks: [link, visit, date, judgement, signal, polarity, number], documents: labels.count,
                                    skippedLabels: skipped, misses: misses, score: score)
    }

    /// A labelled set in the development set's layout (`labels.json` beside a `texts/` folder),
    /// extracted as `wfrisk extract --json` would and scored with `TextScore`; or, with
    /// `predictions`, that JSON file scored instead (to check against score.py).
    package static func scoreLabelledSet(dir: String, predictions: String? = nil, registry: AuthorityRegistry) throws -> TextScore {
        let labels = try TextScore.readObjects((dir as NSString).appendingPathComponent("labels.json"))
        if let predictions { return TextScore.score(labels: labels, predictions: try TextScore.readObjects(predictions)) }
        let files = try InspectionIngest.expand([(dir as NSString).appendingPathComponent("texts")])
        let result = try InspectionIngest.read(files, registry: registry, threads: 1)
        return TextScore.score(labels: labels, predictions: try result.documents.map { try TextScore.object(InspectionJSON.value($0)) })
    }

    package func report() -> String {
        var out = "Project's own set, development set's scorer: \(score.summary)\n\n"
        out += "Inspection extraction against \(documents) labelled documents"
        if !skippedLabels.isEmpty { out += " (\(skippedLabels.count) not found and left out: \(skippedLabels.joined(separator: ", ")))" }
        out += "\n\n| task | precision | recall | correct | predicted | labelled |\n|---|---|---|---|---|---|\n"
        for t in tasks {
            out += "| \(t.name) | \(t.precision.map { Decimals.format($0, 2) } ?? "-") | \(t.recall.map { Decimals.format($0, 2) } ?? "-") | \(t.truePositives) | \(t.predicted) | \(t.labelled) |\n"
        }
        return out
    }
}
