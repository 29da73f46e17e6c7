import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest

@Suite struct TidyFileTests {
    let header = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name,inpost_fte,leavers_fte,turnover_rate_fte"

    func read(_ text: String, name: String = "wf.csv") throws -> TidyFile {
        let path = Fixtures.temporaryDirectory() + "/" + name
        try Fixtures.write(text, to: path)
        return try Fixtures.reader().read(path: path, wanted: Measure.workforce, kind: "workforce")
    }

    @Test func suppressionSymbolsAreMissingWithTheirReasonNeverZero() throws {
        let f = try read(header + "\n2023,Reporting year,Local authority,E92000001,England,E12000009,South West,420,E06000053,Isles of Scilly,0,c,z\n")
        let r = f.records[0]
        #expect(r.values[.inpostFTE] == .value(0))
        #expect(r.values[.leaversFTE] == .missing("c"))
        #expect(r.values[.turnoverRateFTE] == .missing("z"))
    }

    @Test func unknownTextNamesFileLineAndField() throws {
        #expect {
            _ = try read(header + "\n2023,Reporting year,Local authority,E92000001,England,,,841,E06000005,Darlington,12,n/a,1\n", name: "bad.csv")
        } throws: { error in
            guard case WFRiskError.inputs(let ps) = error, let p = ps.first else { return false }
            return p.file.hasSuffix("bad.csv") && p.line == 2 && p.field == "leavers_fte" && p.message.contains("n/a")
        }
    }

    @Test func missingColumnsAreListedWithTheColumnsTheFileHas() throws {
        #expect {
            _ = try read("year_of_report,authority_code,fte\n2023,841,12\n")
        } throws: { error in
            guard case WFRiskError.input(let p) = error else { return false }
            return p.message.contains("time_period") && p.message.contains("The file has: year_of_report, authority_code, fte")
        }
    }

    @Test func olderReleaseColumnNamesAndOrderMap() throws {
        let older = "la_name,old_la_code,time_period,geographic_level,social_worker_fte,leaver_fte,turnover_rate_fte_%,agency_worker_rate_fte_%\n\"Kingston upon Hull, City of\",810,2023,Local authority,299.5,28.8,9.6,16.5\n"
        let f = try read(older)
        #expect(f.records[0].values[.inpostFTE] == .value(299.5))
        #expect(f.records[0].values[.leaversFTE] == .value(28.8))
        #expect(f.records[0].values[.agencyRateFTE] == .value(16.5))
        #expect(f.records[0].unit == ReportingUnit("810"))
    }

    @Test func combinedReportingUnitsKeepAllMembers() throws {
        let f = try read(header + "\n2023,Reporting year,Local authority,E92000001,England,E13000002,Outer London,314 / 318,E09000021 / E09000027,Kingston upon Thames / Richmond upon Thames,137.4,16.3,11.9\n")
        #expect(f.records[0].unit == ReportingUnit(memberCodes: ["314", "318"]))
    }

    @Test func formerCodesAndNamesResolveThroughTheRegistry() throws {
        let reader = try Fixtures.reader()
        #expect(try reader.resolveUnit(old: "", new: "E10000002", name: "", year: 2019).get() == ReportingUnit("825"))
        #expect(try reader.resolveUnit(old: "", new: "", name: "Dorset", year: 2017).get() == ReportingUnit("835"))
        #expect(try reader.resolveUnit(old: "", new: "", name: "Dorset", year: 2020).get() == ReportingUnit("838"))
        #expect(try reader.resolveUnit(old: "", new: "", name: "Bristol, City of", year: 2023).get() == ReportingUnit("801"))
    }

    @Test func duplicateRowsMergeButConflictsNameBothPlaces() throws {
        let row = "2023,Reporting year,Local authority,E92000001,England,,,841,E06000005,Darlington,12,2,16.7\n"
        let a = try read(header + "\n" + row, name: "a.csv")
        let b = try read(header + "\n" + row, name: "b.csv")
        #expect(try TidyDataset.merge([a, b]).records.count == 1)
        let c = try read(header + "\n" + row.replacingOccurrences(of: ",12,2,16.7", with: ",12,3,25.0"), name: "c.csv")
        #expect {
            _ = try TidyDataset.merge([a, c])
        } throws: { error in
            guard case WFRiskError.inputs(let ps) = error, let p = ps.first else { return false }
            return p.description.contains("a.csv:2") && p.description.contains("c.csv") && p.field == "leavers_fte"
        }
    }

    /// One geography and year in two files with different columns: the merged row has every
    /// measure of both, whichever order the files are given in, and the year's index holds it.
    @Test func measuresSplitAcrossFilesMergeIntoOneRow() throws {
        let a = try read("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name,inpost_fte,leavers_fte\n"
            + "2023,Reporting year,Local authority,E92000001,England,,,841,E06000005,Darlington,12,2\n", name: "a.csv")
        let b = try read("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name,inpost_fte,turnover_rate_fte\n"
            + "2023,Reporting year,Local authority,E92000001,England,,,841,E06000005,Darlington,12,16.7\n", name: "b.csv")
        for files in [[a, b], [b, a]] {
            let d = try TidyDataset.merge(files)
            let r = try #require(d.localAuthorities(in: 2023)[ReportingUnit("841")])
            #expect(r.values[.inpostFTE] == .value(12) && r.values[.leaversFTE] == .value(2) && r.values[.turnoverRateFTE] == .value(16.7), "\(r.values)")
            #expect(d.records.count == 1 && d.records.values.first == r)
        }
    }

    /// Two files that each disagree with the first merged (files merge in path order) on one
    /// row: both problems name the first file's line, the row as it stood before either.
    @Test func everyConflictNamesTheRowAsFirstMerged() throws {
        let row = "2023,Reporting year,Local authority,E92000001,England,,,841,E06000005,Darlington,12,2,16.7\n"
        let a = try read(header + "\n" + row, name: "a.csv")
        let b = try read(header + "\n" + row.replacingOccurrences(of: ",12,2,16.7", with: ",12,3,25.0"), name: "b.csv")
        let c = try read(header + "\n" + row.replacingOccurrences(of: ",12,2,16.7", with: ",12,4,33.3"), name: "c.csv")
        let first = [a, b, c].map(\.path).min()!
        #expect {
            _ = try TidyDataset.merge([a, b, c])
        } throws: { error in
            guard case WFRiskError.inputs(let ps) = error else { return false }
            return ps.count == 2 && ps.allSatisfy { $0.description.contains(first + ":2") }
        }
    }

    @Test func yearsSplitAcrossFilesMerge() throws {
        let a = try read(header + "\n2022,Reporting year,Local authority,E92000001,England,,,841,E06000005,Darlington,12,2,16.7\n", name: "a.csv")
        let b = try read(header + "\n2023,Reporting year,Local authority,E92000001,England,,,841,E06000005,Darlington,13,1,7.7\n", name: "b.csv")
        let d = try TidyDataset.merge([b, a])
        #expect(d.years == [2022, 2023])
        #expect(d.latestYear == 2023)
    }

    /// The merged dataset keeps each file's facts but not its records twice; a dataset without
    /// its records (what a run keeps after the join) still gives the files, rows, years and
    /// warnings, and with its year indexes the same local authorities.
    @Test func mergedFilesAndADatasetWithoutRecordsKeepWhatARunReads() throws {
        let a = try read(header + "\n2022,Reporting year,Local authority,E92000001,England,,,841,E06000005,Darlington,12,2,16.7\n", name: "a.csv")
        let b = try read(header + "\n2023,Reporting year,Local authority,E92000001,England,,,841,E06000005,Darlington,13,1,7.7\n"
            + "2023,Reporting year,National,E92000001,England,,,,,,13,1,7.7\n", name: "b.csv")
        let d = try TidyDataset.merge([b, a])
        #expect(d.files.map(\.path) == [a.path, b.path])
        #expect(d.files.map(\.rowCount) == [a.rowCount, b.rowCount])
        #expect(d.files.allSatisfy { $0.records.isEmpty })
        #expect(d.records.count == 3)
        for kept in [d.withoutRecords(), d.withoutRecords(keepingYearIndexes: true)] {
            #expect(kept.records.isEmpty)
            #expect(kept.files.map(\.path) == d.files.map(\.path))
            #expect(kept.rowCount == d.rowCount)
            #expect(kept.warnings == d.warnings)
            #expect(kept.years == d.years)
        }
        let indexed = d.withoutRecords(keepingYearIndexes: true)
        #expect(indexed.latestYear == 2023)
        for year in d.years {
            #expect(indexed.localAuthorities(in: year) == d.localAuthorities(in: year))
            #expect(indexed.national(year: year) == d.national(year: year))
        }
        // Identities only: the same units, each row as it was but for its values.
        let identities = d.withoutRecords(localAuthorities: d.years.reduce(into: [:]) { $0[$1] = d.localAuthorities(in: $1).mapValues(\.identity) })
        #expect(identities.latestYear == 2023 && identities.years == d.years)
        for year in d.years {
            let full = d.localAuthorities(in: year), kept = identities.localAuthorities(in: year)
            #expect(Set(kept.keys) == Set(full.keys))
            for (unit, r) in full {
                let k = try #require(kept[unit])
                #expect(k.year == r.year && k.level == r.level && k.unit == r.unit && k.regionCode == r.regionCode && k.regionName == r.regionName
                        && k.publishedOldCode == r.publishedOldCode && k.publishedNewCode == r.publishedNewCode && k.publishedName == r.publishedName
                        && k.source == r.source && k.notes == r.notes)
                #expect(Measure.allCases.allSatisfy { k.values[$0] == nil } && Measure.allCases.contains { r.values[$0] != nil })
            }
            #expect(identities.national(year: year) == d.national(year: year))
        }
        #expect(indexed.national(year: 2023) != nil)
        #expect(d.withoutRecords().localAuthorities(in: 2023).isEmpty)
    }

    @Test(arguments: [("2023", 2023), ("202223", 2023), ("2022-23", 2023), ("2022/23", 2023)])
    func parsesYears(text: String, year: Int) {
        #expect(TidyFileReader.parseYear(text) == year)
    }
}

@Suite struct RegistryTests {
    @Test func boundaryChangesLinkPredecessorsAndSuccessors() throws {
        let r = try Fixtures.registry()
        #expect(r.currentSuccessors(of: "909") == ["942", "943"])
        #expect(r.predecessors(of: ReportingUnit(memberCodes: ["940", "941"])).map(\.oldCode) == ["928"])
        #expect(r.predecessors(of: ReportingUnit("839")).map(\.oldCode) == ["835", "836", "837"])
        #expect(r.authority(newCode: "E10000023")?.oldCode == "815")
        #expect(r.jointReturns[ReportingUnit(memberCodes: ["314", "318"])] != nil)
    }

    @Test func everyCurrentAuthorityHasBothCodesAndARegion() throws {
        let current = try Fixtures.registry().all.filter { $0.validTo == nil }
        #expect(current.count == 153)
        for a in current {
            #expect(a.oldCode.count == 3 && a.newCode.count == 9 && !a.regionCode.isEmpty, "\(a.name)")
        }
    }

    @Test func neighboursOfAJointUnitAreTheUnionOfItsMembers() {
        let sn = StatisticalNeighbours(neighbours: ["940": ["855", "941"], "941": ["937", "855"]])
        let units = ["940": ReportingUnit(memberCodes: ["940", "941"]), "941": ReportingUnit(memberCodes: ["940", "941"]),
                     "855": ReportingUnit("855"), "937": ReportingUnit("937")]
        #expect(sn.neighbours(of: ReportingUnit(memberCodes: ["940", "941"]), among: units) == [ReportingUnit("855"), ReportingUnit("937")])
    }
}

/// A name printed to the terminal (the run's top ten, its exclusions): one line whatever it holds.
@Suite struct NameForTerminalTests {
    @Test(arguments: ["Synthetic Authority 50,\nBorough of Testing", "Tab\there", "Carriage\r\nreturn", "Esc \u{1B}[31mred", "C1 \u{85}x", "plain name"])
    func aNameIsOneLineWithoutControls(name: String) {
        let shown = NameText.forTerminal(name)
        #expect(!shown.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(shown.debugDescription)")
        #expect(shown.unicodeScalars.count == name.unicodeScalars.count)
        // Printable characters are kept as they are, in order.
        #expect(zip(shown.unicodeScalars, name.unicodeScalars).allSatisfy { a, b in b.properties.generalCategory == .control || a == b })
    }
}
