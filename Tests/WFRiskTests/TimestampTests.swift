import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore

/// `Timestamp`'s formats, printed from the C library's calendar fields, against Foundation's
/// formatters (`Timestamp.Formatters`, the plain path) on random dates from 1583 to 2200, whole
/// seconds, milliseconds at their edges, leap days and year ends, and dates the fields leave to
/// the formatters (before the Gregorian calendar, year 0 and before, after 9999).
@Suite struct TimestampTests {
    @Test func formatsAreWhatFoundationsFormattersPrint() {
        var rng = SeededRandom(seed: 53)
        var dates: [Date] = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
                             Date(timeIntervalSince1970: -12_219_292_800), Date(timeIntervalSince1970: -12_219_292_800.001),
                             Date(timeIntervalSince1970: -12_300_000_000), Date.distantPast, Date.distantFuture,
                             Date(timeIntervalSince1970: -62_198_755_200), Date(timeIntervalSince1970: 253_402_300_799.999),
                             Date(timeIntervalSince1970: 1_798_761_599.999), Date(timeIntervalSince1970: 1_798_761_600),
                             Date(timeIntervalSince1970: 1_798_761_599.9995), Date(timeIntervalSince1970: 1_700_000_000.0005),
                             Date(timeIntervalSince1970: 1_700_000_000.0004999)]
        for _ in 0..<3_000 {
            // From 1583 to 2200.
            let seconds = Double(rng.next() % 19_446_000_000) - 12_187_000_000
            switch rng.next() % 4 {
            case 0: dates.append(Date(timeIntervalSince1970: seconds))
            case 1: dates.append(Date(timeIntervalSince1970: seconds + Double(rng.next() % 1_000) / 1_000))
            case 2: dates.append(Date(timeIntervalSince1970: seconds + 0.999_9 + rng.unit() * 0.000_1))
            default: dates.append(Date(timeIntervalSince1970: seconds + rng.unit()))
            }
        }
        for d in dates {
            #expect(Timestamp.iso8601(d) == Timestamp.Formatters.iso8601(d), "\(d.timeIntervalSince1970)")
            #expect(Timestamp.iso8601Seconds(d) == Timestamp.Formatters.iso8601Seconds(d), "\(d.timeIntervalSince1970)")
            #expect(Timestamp.compact(d) == Timestamp.Formatters.compact(d), "\(d.timeIntervalSince1970)")
            #expect(Timestamp.day(d) == Timestamp.Formatters.day(d), "\(d.timeIntervalSince1970)")
        }
    }
}
