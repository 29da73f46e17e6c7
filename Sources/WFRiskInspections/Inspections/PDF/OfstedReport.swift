import Foundation
import WFRiskCore
import WFRiskOfsted

/// What Ofsted's own document on a council's children's services states, read from its
/// structure (title, date line, judgement table): an inspection report or a visit letter.
/// The unit a judgement history is built from (`OfstedReportReader.read(path:)` on a folder
/// of report PDFs).
public struct OfstedReportReading: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A graded (or older-framework) inspection report.
        case report = "ofsted_report"
        /// A monitoring or focused visit letter: no grades.
        case letter = "ofsted_letter"
    }

    /// The framework a report was made under.
    public enum Framework: String, Sendable, CaseIterable {
        /// The single inspection framework, November 2013 to 2018.
        case sif
        /// Inspection of local authority children's services, 2018 on (standard or short).
        case ilacs
        /// Before the SIF (inspections of looked after children or safeguarding, LSCB reviews):
        /// not graded on the SIF/ILACS scale.
        case older
    }

    /// The four sub-judgements of the extract contract: the record's areas (`OfstedArea`), one
    /// definition for the reader, the extract JSON and the judgements file.
    public typealias Area = OfstedArea

    /// A grade with the line it was read from ("The experiences and progress of children who need help and protection: Good").
    public struct Graded: Sendable, Equatable {
        public var grade: OfstedGrade
        public var evidence: String
    }

    public var kind: Kind
    /// Nil for a letter.
    public var framework: Framework?
    /// For ILACS: a short inspection (one week on site).
    public var short: Bool
    public var authority: Authority
    /// The title or sentence that names the authority.
    public var authorityEvidence: String
    /// First and last day on site (a letter: the visit's days).
    public var inspectionStart: DayStamp?
    public var inspectionEnd: DayStamp?
    /// The overall effectiveness; nil when the document gives none (letters, older frameworks,
    /// a layout without an overall grade).
    public var overall: Graded?
    public var subJudgements: [Area: Graded]

    /// The visit type of the extract contract.
    package var visitType: VisitType {
        switch (kind, framework) {
        case (.letter, _): letterVisit ?? .other
        case (_, .sif): .sif
        case (_, .ilacs): short ? .ilacsShort : .ilacsFull
        default: .other
        }
    }

    var letterVisit: VisitType?
}

/// Reads `OfstedReportReading`s with the phrases of `Resources/ofsted_reports.yml`.
public struct OfstedReportReader: Sendable {
    struct Phrases: Sendable {
        var titles: [(OfstedReportReading.Framework, [String])] = []
        var letters: [(VisitType, [String])] = []
        var letterCues: [String] = []
        var dateLabels: [String] = []
        var dateLabelEnds: [String] = []
        /// Areas by phrase, longest phrase first; nil area = overall, "other" kept as `.other`.
        var areas: [(AreaSlot, String)] = []
        var overallStatements: [String] = []
        /// Grade phrases, longest first.
        var grades: [(OfstedGrade, String)] = []
        var notGraded: [String] = []
        var shortInspectionDays = 7
    }

    enum AreaSlot: Hashable, Sendable {
        case area(OfstedReportReading.Area)
        case overall
        case other
    }

    let phrases: Phrases
    public let registry: AuthorityRegistry

    public init(registry: AuthorityRegistry) throws {
        try self.init(registry: registry, path: ReferenceFiles.path("ofsted_reports.yml"))
    }

    init(registry: AuthorityRegistry, path: String) throws {
        self.init(phrases: try Self.load(path: path), registry: registry)
    }

    init(phrases: Phrases, registry: AuthorityRegistry) {
        self.phrases = phrases
        self.registry = registry
    }

    static func load(path: String) throws -> Phrases {
        let root = try ConfigNode.parse(file: path, text: try String(contentsOfFile: path, encoding: .utf8))
        var p = Phrases()
        func keys(_ list: [String]) -> [String] { list.map(Self.key) }
        for (key, value) in try root.mapping(allowed: ["titles", "letters", "letter_cues", "date_labels", "date_label_ends", "areas",
                                                        "overall_statements", "grades", "not_graded", "short_inspection_days"]) {
            switch key {
            case "titles":
                for (k, v) in try value.mapping(allowed: OfstedReportReading.Framework.allCases.map(\.rawValue)) {
                    p.titles.append((OfstedReportReading.Framework(rawValue: k)!, keys(try v.strings())))
                }
            case "letters":
                for (k, v) in try value.mapping(allowed: [VisitType.monitoringVisit.rawValue, VisitType.focusedVisit.rawValue]) {
                    p.letters.append((VisitType(rawValue: k)!, keys(try v.strings())))
                }
            case "letter_cues": p.letterCues = keys(try value.strings())
            case "date_labels": p.dateLabels = keys(try value.strings())
            case "date_label_ends": p.dateLabelEnds = keys(try value.strings())
            case "areas":
                for (k, v) in try value.mapping(allowed: OfstedReportReading.Area.allCases.map(\.rawValue) + ["overall", "other"]) {
                    let slot: AreaSlot = k == "overall" ? .overall : k == "other" ? .other : .area(OfstedReportReading.Area(rawValue: k)!)
                    p.areas += keys(try v.strings()).map { (slot, $0) }
                }
            case "overall_statements": p.overallStatements = keys(try value.strings())
            case "grades":
                for (k, v) in try value.mapping(allowed: OfstedGrade.allCases.map(\.rawValue)) {
                    p.grades += keys(try v.strings()).map { (OfstedGrade(rawValue: k)!, $0) }
                }
            case "not_graded": p.notGraded = keys(try value.strings())
            case "short_inspection_days": p.shortInspectionDays = try value.int()
            default: break
            }
        }
        p.areas.sort { $0.1.count > $1.1.count }
        p.grades.sort { $0.1.count > $1.1.count }
        guard !p.titles.isEmpty, !p.grades.isEmpty, !p.dateLabels.isEmpty else {
            throw root.error("needs titles, grades and date_labels")
        }
        return p
    }

    /// Reads a PDF: its reading, nil when it is not an Ofsted report or letter on one
    /// authority, or why the PDF cannot be read.
    public func read(path: String) -> Result<OfstedReportReading?, PDFUnreadableReason> {
        switch PDFText.read(path: path) {
        case .failure(let why): return .failure(PDFUnreadableReason(why))
        case .success(let pdf): return .success(read(lines: PDFProse.pages(pdf).flatMap { $0 }))
        }
    }

    /// Normalised for matching: lower case, apostrophes dropped, other punctuation and space
    /// runs as one space.
    ///
    /// Why not only `plainKey` (below; `PDFReportTests.furnitureKeysAreThePlainOnes` compares
    /// the two): it asks Unicode's tables about every character and lower-cases each through a
    /// new string, and the reader keys up to 70 lines of every text (whole paragraphs in the
    /// news texts): a third of the inspection extraction's samples on the national run (`perf`,
    /// docs/performance.md). An ASCII line, nearly every one, is keyed byte by byte here.
    static func key(_ s: String) -> String {
        guard s.utf8.allSatisfy({ $0 < 0x80 }) else { return plainKey(s) }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var space = true
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "'"): continue
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.append(b)
                space = false
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                out.append(b + 32)
                space = false
            default:
                if !space { out.append(UInt8(ascii: " ")); space = true }
            }
        }
        if out.last == UInt8(ascii: " ") { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    /// The plain path of `key`, scalar by scalar through Unicode's properties.
    static func plainKey(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var space = true
        for c in s.unicodeScalars {
            if c == "'" || c == "\u{2019}" || c == "\u{2018}" { continue }
            if c.properties.isAlphabetic || (c.isASCII && c.properties.numericType != nil) {
                out.append(contentsOf: c.properties.lowercaseMapping.unicodeScalars)
                space = false
            } else if !space {
                out.append(" ")
                space = true
            }
        }
        if out.last == " " { out.removeLast() }
        return String(out)
    }

    /// Reads a document's lines (a PDF's, furniture removed, or a text's): nil when it is not
    /// an Ofsted report or letter, or names no authority in the registry.
    public func read(lines all: [String]) -> OfstedReportReading? {
        // The first page or two: the title block and the judgement table.
        var lines: [String] = []
        for l in all where !l.isEmpty {
            lines.append(l)
            if lines.count == 70 { break }
        }
        let keys = lines.map(Self.key)
        var kind = OfstedReportReading.Kind.report
        var framework: OfstedReportReading.Framework?
        var letterVisit: VisitType?
        var titleLine: Int?
        title: for (i, k) in keys.prefix(15).enumerated() {
            for (f, cues) in phrases.titles where cues.contains(where: { k.hasPrefix($0) }) {
                framework = f
                titleLine = i
                break title
            }
        }
        if framework == nil {
            let head = keys.prefix(25)
            guard head.contains(where: { k in phrases.letterCues.contains { k.hasPrefix($0) || k.contains(" " + $0) } }) else { return nil }
            for (type, cues) in phrases.letters where head.contains(where: { k in cues.contains { Self.containsWords(k, $0) } }) {
                letterVisit = type
                break
            }
            guard letterVisit != nil else { return nil }
            kind = .letter
        }

        // Dates: the labelled line (and what follows it up to the next label), or for a letter
        // the first line that gives one.
        var dateText = ""
        var tableStart = titleLine ?? 0
        if let at = keys.prefix(30).firstIndex(where: { k in phrases.dateLabels.contains { k.hasPrefix($0) } }) {
            tableStart = at + 1
            let label = phrases.dateLabels.filter { keys[at].hasPrefix($0) }.max { $0.count < $1.count }!
            var rest = keys[at].dropFirst(label.count)
            if rest.hasPrefix("s ") { rest = rest.dropFirst(2) }
            dateText = String(rest)
            for k in keys[(at + 1)..<min(keys.count, at + 4)] {
                if phrases.dateLabelEnds.contains(where: { k.hasPrefix($0) }) || !DateRange.hasDate(k) { break }
                dateText += " " + k
                tableStart += 1
            }
        } else if kind == .letter {
            for (i, k) in keys.prefix(30).enumerated() where !DateRange.atoms(k).filter({ $0.year != nil }).isEmpty {
                dateText = k + (i + 1 < keys.count ? " " + keys[i + 1] : "")
                break
            }
        }
        let range = DateRange.read(dateText)

        // The authority: named in the title block (above the date line), else in a sentence of the first page.
        let titleEnd = keys.prefix(30).firstIndex { k in phrases.dateLabels.contains { k.hasPrefix($0) } } ?? min(keys.count, kind == .letter ? 25 : 8)
        let year = range.map { $0.start.year }
        var found: (Authority, String)?
        for i in 0..<titleEnd {
            if let a = authority(in: keys[i], year: year) { found = (a, lines[i]); break }
            // A name broken over two lines ("The Royal Borough of Windsor and" / "Maidenhead").
            if i + 1 < titleEnd, let a = authority(in: keys[i] + " " + keys[i + 1], year: year) { found = (a, lines[i] + " " + lines[i + 1]); break }
        }
        if found == nil {
            for (i, k) in keys.enumerated() {
                if let a = authority(in: k, year: year) { found = (a, lines[i]); break }
            }
        }
        guard let (authority, evidence) = found else { return nil }

        var reading = OfstedReportReading(kind: kind, framework: framework, short: false, authority: authority, authorityEvidence: evidence,
                                          inspectionStart: range?.start, inspectionEnd: range?.end, overall: nil, subJudgements: [:],
                                          letterVisit: letterVisit)
        if framework == .ilacs, let r = range { reading.short = r.start.days(to: r.firstEnd) <= phrases.shortInspectionDays }
        // Older frameworks graded on another scale ("adequate"): no grade on this one.
        guard kind == .report, framework != .older else { return reading }
        let table = judgementTable(lines: lines, keys: keys, from: tableStart)
        reading.subJudgements = table.areas
        reading.overall = table.overall ?? overallStatement(lines: lines, keys: keys)
        return reading
    }

    /// The judgement table (below the title block and date line): each grade line goes to the oldest heading still waiting for one,
    /// so a table read row by row (heading, grade, heading, grade) and one read column by
    /// column (every heading, then every grade) pair the same way.
    func judgementTable(lines: [String], keys: [String], from: Int) -> (areas: [OfstedReportReading.Area: OfstedReportReading.Graded], overall: OfstedReportReading.Graded?) {
        var areas: [OfstedReportReading.Area: OfstedReportReading.Graded] = [:]
        var overall: OfstedReportReading.Graded?
        var pending: [Int] = [] // heading lines since the last grade
        var waiting: [(AreaSlot, String)] = []
        var previousWords = 0
        var i = from
        while i < keys.count {
            let k = keys[i]
            if k == "contents" { break }
            let words = k.split(separator: " ").count
            defer { previousWords = words }
            if let (grade, used) = gradeLine(keys, at: i) ?? (phrases.notGraded.contains(k) ? (nil, 1) : nil) {
                waiting += headings(pending, lines: lines, keys: keys)
                let gradeText = lines[i..<(i + used)].joined(separator: " ")
                if !waiting.isEmpty {
                    let (slot, heading) = waiting.removeFirst()
                    guard let grade else { pending = []; i += used; continue } // "Not judged"
                    let graded = OfstedReportReading.Graded(grade: grade, evidence: "\(heading): \(gradeText)")
                    switch slot {
                    case .area(let a): if areas[a] == nil { areas[a] = graded }
                    case .overall: if overall == nil { overall = graded }
                    case .other: break
                    }
                }
                pending = []
                i += used
                continue
            }
            // Prose is not a heading: a long line, or a sentence's end after a long line or long
            // itself (a heading may end in a full stop: "… with children and families.").
            if words >= 16 || (PDFProse.endsSentence(lines[i][...]) && (words >= 8 || previousWords >= 12)) {
                // Short lines before prose (and before the long line that starts it) were
                // headings whose grades come later, as a column read after the page's text.
                var run = Array(pending.prefix { keys[$0].split(separator: " ").count <= 12 })
                // …but not a paragraph's first line, which the next line continues in lower case
                // ("Leadership, management and governance require improvement when any" / "widespread …").
                while let last = run.last, last + 1 < lines.count, pending.contains(last + 1) || last + 1 == i,
                      lines[last + 1].unicodeScalars.first?.properties.isLowercase == true {
                    run.removeLast()
                }
                waiting += headings(run, lines: lines, keys: keys)
                pending = []
            } else {
                pending.append(i)
            }
            i += 1
        }
        return (areas, overall)
    }

    /// The table headings of a run of lines, in order, each with its evidence: the heading's
    /// own lines (a line that starts in lower case continues the one before). A heading names
    /// its area once ("the Local Safeguarding Children Board (LSCB)").
    func headings(_ run: [Int], lines: [String], keys: [String]) -> [(AreaSlot, String)] {
        var group: [Int] = [] // each run line's heading group
        for (n, i) in run.enumerated() {
            let continues = n > 0 && lines[i].unicodeScalars.first.map { $0.properties.isLowercase } == true
            group.append(continues ? group[n - 1] : n)
        }
        // Where each line starts in the joined keys.
        var starts: [Int] = []
        var offset = 0
        for i in run {
            starts.append(offset)
            offset += keys[i].utf8.count + 1
        }
        var out: [(AreaSlot, String)] = []
        for (slot, at) in slots(in: run.map { keys[$0] }.joined(separator: " ")) where out.last?.0 != slot {
            let line = max(0, (starts.lastIndex { $0 <= at }) ?? 0)
            let text = run.indices.filter { group[$0] == group[line] }.map { lines[run[$0]] }.joined(separator: " ")
            out.append((slot, text))
        }
        return out
    }

    /// The grade a line is (perhaps broken over up to three lines: "Requires" / "improvement"),
    /// and how many lines it takes.
    func gradeLine(_ keys: [String], at i: Int) -> (OfstedGrade?, Int)? {
        var joined = ""
        var best: (OfstedGrade?, Int)?
        for n in 1...3 where i + n - 1 < keys.count {
            joined += (n > 1 ? " " : "") + keys[i + n - 1]
            // A leading item number ("1 requires improvement") is not part of a grade line.
            if let g = phrases.grades.first(where: { $0.1 == joined }) { best = (g.0, n) }
            if !phrases.grades.contains(where: { $0.1.hasPrefix(joined) }) { break }
        }
        return best
    }

    /// The table headings a text holds, in text order, with where each starts; the longest
    /// phrase wins where they overlap.
    func slots(in text: String) -> [(AreaSlot, Int)] {
        var found: [(Int, Int, AreaSlot)] = [] // start, end (UTF-8 offsets in " " + text + " "), slot
        let padded = " " + text + " "
        let bytes = Array(padded.utf8)
        for (slot, phrase) in phrases.areas {
            let needle = Array((" " + phrase + " ").utf8)
            guard needle.count <= bytes.count else { continue }
            var s = 0
            while s + needle.count <= bytes.count {
                if bytes[s] == needle[0], Array(bytes[s..<(s + needle.count)]) == needle {
                    let e = s + needle.count
                    if !found.contains(where: { $0.0 < e - 1 && s + 1 < $0.1 }) { found.append((s, e, slot)) }
                    s = e - 1
                } else {
                    s += 1
                }
            }
        }
        return found.sorted { $0.0 < $1.0 }.map { ($0.2, $0.0) } // the phrase's first byte in `text`
    }

    /// "Children's services in Norfolk require improvement to be good": a first-page sentence
    /// stating the overall grade.
    func overallStatement(lines: [String], keys: [String]) -> OfstedReportReading.Graded? {
        for (i, k) in keys.enumerated() {
            guard phrases.overallStatements.contains(where: { k.hasPrefix($0) }) else { continue }
            let text = i + 1 < keys.count && !PDFProse.endsSentence(lines[i][...]) ? k + " " + keys[i + 1] : k
            let words = text.split(separator: " ").map(String.init)
            for start in 0..<min(words.count, 14) {
                for (grade, phrase) in phrases.grades {
                    let p = phrase.split(separator: " ").map(String.init)
                    if start + p.count <= words.count && Array(words[start..<(start + p.count)]) == p {
                        return OfstedReportReading.Graded(grade: grade, evidence: lines[i])
                    }
                }
            }
        }
        return nil
    }

    /// The longest registry name in a normalised line (the first where several start).
    func authority(in key: String, year: Int?) -> Authority? {
        let words = key.split(separator: " ").map(String.init)
        guard !words.isEmpty else { return nil }
        for s in words.indices {
            for e in stride(from: min(words.count, s + 6), to: s, by: -1) {
                let name = words[s..<e].joined(separator: " ")
                if !registry.oldCodes(named: name).isEmpty, let a = registry.authority(named: name, year: year) {
                    return a
                }
            }
        }
        return nil
    }

    static func containsWords(_ text: String, _ phrase: String) -> Bool {
        (" " + text + " ").contains(" " + phrase + " ")
    }
}

/// `PDFUnreadable` as the public API shows it: its reason.
public struct PDFUnreadableReason: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ why: PDFUnreadable) { description = why.description }
}

/// An inspection's days from a date line: "13 November 2017 to 24 November 2017",
/// "8 – 12 July 2013", "25 September to 19 October 2017", "12/09/2016 to 06/10/2016",
/// "19 November-11 December 2013 and 28 – 30 January 2014" (first day to last).
struct DateRange: Equatable {
    var start: DayStamp
    var end: DayStamp
    /// The end of the first on-site period (the whole range when there is one).
    var firstEnd: DayStamp

    struct Atom: Equatable {
        var day: Int
        var month: Int?
        var year: Int?
        /// Joined to the next atom by "and" (a second on-site period follows).
        var periodEnds = false
    }

    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
    /// Short forms ("18 Feb 2014"), by month number.
    static let shortMonths: [String: Int] = ["jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12]

    static func month(_ word: String) -> Int? {
        months.firstIndex(of: word).map { $0 + 1 } ?? shortMonths[word]
    }

    /// Whether a line holds a date or part of one (a day, a month, a year): a date line's continuation.
    static func hasDate(_ key: String) -> Bool {
        key.split(separator: " ").contains { w in
            month(String(w)) != nil || (Int(w).map { (1...31).contains($0) || (1990...2100).contains($0) } ?? false)
        }
    }

    /// The dates of a normalised text, in order (day, then month and year where written).
    static func atoms(_ key: String) -> [Atom] {
        var out: [Atom] = []
        let words = key.split(separator: " ").map(String.init)
        var i = 0
        while i < words.count {
            let w = words[i]
            if w == "and", !out.isEmpty, out[out.count - 1].month != nil { out[out.count - 1].periodEnds = true }
            guard let d = Int(w), (1...31).contains(d), w.count <= 2 else {
                // A month after a day-less position ("September 2019") is not a date of its own here.
                i += 1
                continue
            }
            var atom = Atom(day: d)
            // dd mm yyyy (a slash date, its slashes read as spaces).
            if i + 2 < words.count, let m = Int(words[i + 1]), (1...12).contains(m), let y = Int(words[i + 2]), words[i + 2].count == 4 {
                atom.month = m
                atom.year = y
                out.append(atom)
                i += 3
                continue
            }
            if i + 1 < words.count, let m = month(words[i + 1]) {
                atom.month = m
                if i + 2 < words.count, let y = Int(words[i + 2]), words[i + 2].count == 4, (1990...2100).contains(y) {
                    atom.year = y
                    i += 1
                }
                i += 1
            }
            out.append(atom)
            i += 1
        }
        return out
    }

    /// The range, when the text has at least one full date.
    static func read(_ key: String) -> DateRange? {
        var atoms = atoms(key)
        guard atoms.contains(where: { $0.month != nil && $0.year != nil }) else { return nil }
        // A missing month or year comes from the next date that has it ("8 – 12 July 2013").
        for k in atoms.indices.reversed() {
            if atoms[k].month == nil || atoms[k].year == nil, k + 1 < atoms.count {
                if atoms[k].month == nil { atoms[k].month = atoms[k + 1].month }
                if atoms[k].year == nil { atoms[k].year = atoms[k + 1].year }
            }
        }
        let full = atoms.filter { $0.month != nil && $0.year != nil }
        func stamp(_ a: Atom) -> DayStamp? {
            guard let m = a.month, let y = a.year else { return nil }
            return DayStamp(iso: String(format: "%04d-%02d-%02d", y, m, a.day)) // nil for 31 June
        }
        guard let first = full.first, var start = stamp(first), let end = stamp(full.last!) else { return nil }
        // "30 December to 10 January 2014": the start is in the year before.
        if end < start { start = DayStamp(year: start.year - 1, month: start.month, day: start.day) }
        var firstEnd = end
        if let k = full.firstIndex(where: \.periodEnds), let e = stamp(full[k]) { firstEnd = e }
        return DateRange(start: start, end: end, firstEnd: firstEnd)
    }
}

extension DayStamp {
    /// Days from `self` to `later`.
    func days(to later: DayStamp) -> Int {
        func julian(_ d: DayStamp) -> Int {
            let a = (14 - d.month) / 12, y = d.year + 4800 - a, m = d.month + 12 * a - 3
            return d.day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
        }
        return julian(later) - julian(self)
    }
}
