/// Checks a name read from an input file (an authority or region name) before it can reach an
/// output: scores.csv, report.html and the workbook show names as given, so a name with control
/// bytes (NUL, C0 controls other than tab and line breaks, C1 controls) or of absurd length is a
/// corrupted cell, refused with the reason (exit 3) rather than written raw or failing the run later.
package enum NameText {
    /// Longest name accepted, in Unicode code points: the longest real name in DfE's 2017-2023
    /// workforce file is 46 (the bundled registry's longest, "Bournemouth, Christchurch and Poole",
    /// 35); 200 leaves room for any real name and refuses a cell of thousands of combining marks.
    package static let maxScalars = 200

    /// Why `name` cannot be used, or nil when it can.
    package static func problem(_ name: String) -> String? {
        var count = 0
        for scalar in name.unicodeScalars {
            count += 1
            let v = scalar.value
            // Tab and line breaks are kept: spreadsheet exports put line breaks inside quoted names.
            if (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || (0x7F...0x9F).contains(v) {
                return "contains the control character U+\(hex(v)) (\(v == 0 ? "NUL" : "a control byte")); a name is printable text"
            }
            if v == 0xFFFD {
                return "contains U+FFFD, the mark of bytes that are not UTF-8; save the file as UTF-8"
            }
            if (0x2028...0x2029).contains(v) || (0xFFF9...0xFFFB).contains(v) || (0xFFFE...0xFFFF).contains(v) {
                return "contains the non-text character U+\(hex(v))"
            }
        }
        if count > maxScalars {
            return "is \(count) code points long; names are at most \(maxScalars) (the longest real authority name is 46)"
        }
        return nil
    }

    /// A name (or a message quoting one) for a line of terminal output: the tab and line breaks a
    /// name may hold become spaces, so a name cannot split a printed table, and any other control
    /// character becomes U+FFFD, so nothing reaches the terminal as an escape sequence. Output
    /// files keep the name as read.
    package static func forTerminal(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { s in
            guard s.properties.generalCategory == .control else { return s }
            return s == "\t" || s == "\n" || s == "\r" ? " " : "\u{FFFD}"
        }))
    }

    private static func hex(_ v: UInt32) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - h.count)) + h
    }
}
