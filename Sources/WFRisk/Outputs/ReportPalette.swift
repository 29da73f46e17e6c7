import Foundation

/// Every colour `report.html` uses, so each can be checked for WCAG 2.1 AA contrast in one
/// place (text 4.5:1, chart marks 3:1 against what they sit on). The stylesheet names these
/// through CSS variables and holds no colour of its own; the charts take them from here.
enum ReportPalette {
    /// A colour as 0xRRGGBB.
    struct Colour: Sendable, Equatable, Hashable {
        let rgb: UInt32
        /// `#RRGGBB`, made once: charts write a colour into nearly every element, and making the
        /// text at each use (a radix conversion, padding, two joins) was about a twelfth of the
        /// unit sections' model at 100x (`perf`, docs/performance.md "Issue 25, session 25").
        let hex: String
        init(_ rgb: UInt32) {
            self.rgb = rgb
            let digits = String(rgb, radix: 16, uppercase: true)
            hex = "#" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        }

        /// WCAG 2.1 relative luminance.
        var luminance: Double {
            func channel(_ shift: UInt32) -> Double {
                let c = Double((rgb >> shift) & 0xFF) / 255
                return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
            }
            return 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
        }

        /// WCAG 2.1 contrast ratio, 1 to 21.
        func contrast(with other: Colour) -> Double {
            let a = luminance, b = other.luminance
            return (max(a, b) + 0.05) / (min(a, b) + 0.05)
        }
    }

    /// How a band is drawn: the mark in charts, the badge in text, and a shape so bands differ
    /// by more than colour.
    struct BandStyle: Sendable {
        var mark: Colour
        var badgeBackground: Colour
        var badgeText: Colour
        var shape: ReportCharts.Shape
    }

    static let background = Colour(0xFFFFFF)
    /// Table stripes and panels.
    static let panel = Colour(0xF3F5F7)
    static let text = Colour(0x1B1F24)
    static let muted = Colour(0x4E5966)
    static let link = Colour(0x1D4F91)
    /// Borders and gridlines (decorative: not needed to read any value).
    static let rule = Colour(0xC9D1D9)
    /// Axis lines and ticks.
    static let axis = Colour(0x6B7580)
    /// Contributions that raise a score, and those that lower it.
    static let raises = Colour(0xB2182B)
    static let lowers = Colour(0x2166AC)
    /// Histogram bars.
    static let bars = Colour(0x3F6E8C)
    /// Series lines: the unit, its region, its statistical neighbours, England.
    static let seriesUnit = Colour(0x1B1F24)
    static let seriesRegion = Colour(0x2166AC)
    static let seriesNeighbours = Colour(0x8A3B00)
    static let seriesEngland = Colour(0x6B7580)
    /// Focus outline for keyboard users.
    static let focus = Colour(0xB35900)

    /// Bands of `scores.csv`; a band not listed here is drawn with `otherBand`.
    static let bands: [(name: String, style: BandStyle)] = [
        ("high", BandStyle(mark: Colour(0xB2182B), badgeBackground: Colour(0xFBE3E1), badgeText: Colour(0x7F0F1E), shape: .circle)),
        ("elevated", BandStyle(mark: Colour(0xD6604D), badgeBackground: Colour(0xFDEBDD), badgeText: Colour(0x8A2E10), shape: .diamond)),
        ("moderate", BandStyle(mark: Colour(0x4393C3), badgeBackground: Colour(0xE3EFF7), badgeText: Colour(0x14456B), shape: .square)),
        ("low", BandStyle(mark: Colour(0x2166AC), badgeBackground: Colour(0xDCE8F5), badgeText: Colour(0x123A66), shape: .triangle)),
    ]
    static let otherBand = BandStyle(mark: Colour(0x6B7580), badgeBackground: Colour(0xECEEF0), badgeText: Colour(0x2E3740), shape: .circle)

    static func band(_ name: String?) -> BandStyle {
        guard let name else { return otherBand }
        return bands.first { $0.name == name }?.style ?? otherBand
    }

    /// The CSS custom properties the stylesheet is written against.
    static var cssVariables: String {
        var vars: [(String, Colour)] = [
            ("bg", background), ("panel", panel), ("text", text), ("muted", muted), ("link", link), ("rule", rule),
            ("axis", axis), ("raises", raises), ("lowers", lowers), ("focus", focus),
        ]
        for (name, style) in bands + [("other", otherBand)] {
            vars += [("band-\(name)", style.mark), ("band-\(name)-bg", style.badgeBackground), ("band-\(name)-text", style.badgeText)]
        }
        return ":root{" + vars.map { "--\($0.0):\($0.1.hex);" }.joined() + "}\n"
    }
}
