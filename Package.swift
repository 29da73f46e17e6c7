// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "wfrisk",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "wfrisk", targets: ["wfrisk"]),
        .library(name: "WFRisk", targets: ["WFRisk", "WFRiskScoring", "WFRiskInspections", "WFRiskOfsted", "WFRiskIngest", "WFRiskCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // SHA-256 of every input on every run: BoringSSL's is several times faster than portable code.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // report.html is rendered from Mustache templates kept as data (Resources/report).
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // libcsv (Debian libcsv-dev: csv.h, -lcsv, no pkg-config file).
        .systemLibrary(
            name: "CLibCSV",
            path: "Sources/CLibCSV",
            providers: [.apt(["libcsv-dev"])]
        ),
        // libxlsxwriter (Debian libxlsxwriter-dev: xlsxwriter.h, -lxlsxwriter) for scores.xlsx.
        .systemLibrary(
            name: "CXLSXWriter",
            path: "Sources/CXLSXWriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // zlib (Debian zlib1g-dev: zlib.h, -lz; libxlsxwriter's own dependency) for the large
        // workbook's sheets, deflated in parallel (Outputs/Zlib.swift owns its streams).
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // poppler's GLib C API (Debian libpoppler-glib-dev, pkg-config poppler-glib) for
        // inspection reports as PDF; one Swift file owns its pointers (Inspections/PDF/PDFText.swift).
        .systemLibrary(
            name: "CPoppler",
            path: "Sources/CPoppler",
            pkgConfig: "poppler-glib",
            providers: [.apt(["libpoppler-glib-dev"])]
        ),
        // The library, one target per layer along the data flow; a target imports only those
        // above it here, so the compiler keeps the direction (docs/architecture.md).
        // Units, authorities, problems and shared support; no file formats.
        .target(
            name: "WFRiskCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // CSV through libcsv, tidy workforce and demand files, reference tables.
        .target(
            name: "WFRiskIngest",
            dependencies: ["WFRiskCore", "CLibCSV"],
            resources: [.copy("Resources")]
        ),
        // Ofsted's record, one home: grades and visit kinds, the readers of every source (the
        // judgements file, the scraper's CSV, report PDFs through a reader the text steps give),
        // the merged history, the judgement in force and the record at a text's date.
        .target(
            name: "WFRiskOfsted",
            dependencies: ["WFRiskCore", "WFRiskIngest"]
        ),
        // Inspection texts to documents: decoding, HTML, authority links, signals, figures.
        .target(
            name: "WFRiskInspections",
            dependencies: ["WFRiskCore", "WFRiskOfsted", "CPoppler", .product(name: "Yams", package: "Yams")],
            resources: [.copy("Resources")]
        ),
        // Pure scoring of merged inputs: indicators, demand, inspection join, ranks. No file I/O.
        .target(
            name: "WFRiskScoring",
            dependencies: ["WFRiskCore", "WFRiskIngest", "WFRiskOfsted", "WFRiskInspections"]
        ),
        // The pipeline (stages, run folders, manifest), outputs, backtest and sample generator.
        .target(
            name: "WFRisk",
            dependencies: [
                "WFRiskCore",
                "WFRiskIngest",
                "WFRiskOfsted",
                "WFRiskInspections",
                "WFRiskScoring",
                "CXLSXWriter",
                "CZlib",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "wfrisk",
            dependencies: [
                "WFRisk",
                "WFRiskScoring",
                "WFRiskInspections",
                "WFRiskOfsted",
                "WFRiskIngest",
                "WFRiskCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Benchmark harness (docs/performance.md): `Benchmarks/run`.
        .executableTarget(
            name: "wfrisk-bench",
            dependencies: ["WFRisk", "WFRiskScoring", "WFRiskInspections", "WFRiskOfsted", "WFRiskIngest", "WFRiskCore", "CLibCSV"],
            path: "Benchmarks/WFRiskBench"
        ),
        // Tests by layer (`swift test` runs them all). Fixtures shared by every test target.
        .target(
            name: "WFRiskTestSupport",
            dependencies: ["WFRisk", "WFRiskScoring", "WFRiskOfsted", "WFRiskIngest", "WFRiskCore"],
            path: "Tests/WFRiskTestSupport"
        ),
        .testTarget(
            name: "WFRiskIngestTests",
            dependencies: ["WFRiskTestSupport", "WFRiskIngest", "WFRiskOfsted", "WFRiskInspections", "WFRiskCore"]
        ),
        .testTarget(
            name: "WFRiskOfstedTests",
            dependencies: ["WFRiskTestSupport", "WFRiskOfsted", "WFRiskIngest", "WFRiskCore"]
        ),
        .testTarget(
            name: "WFRiskInspectionsTests",
            dependencies: ["WFRiskTestSupport", "WFRiskInspections", "WFRiskOfsted", "WFRiskCore"]
        ),
        .testTarget(
            name: "WFRiskScoringTests",
            dependencies: ["WFRiskTestSupport", "WFRisk", "WFRiskScoring", "WFRiskOfsted", "WFRiskIngest", "WFRiskCore"]
        ),
        // The pipeline, outputs, backtest and sample generator, called as a library.
        .testTarget(
            name: "WFRiskTests",
            dependencies: ["WFRiskTestSupport", "WFRisk", "WFRiskScoring", "WFRiskInspections", "WFRiskOfsted", "WFRiskIngest", "WFRiskCore",
                           .product(name: "Mustache", package: "swift-mustache")]
        ),
        // End to end: runs the `wfrisk` executable (a dependency, so `swift test` builds it).
        .testTarget(
            name: "WFRiskCLITests",
            dependencies: ["WFRiskTestSupport", "WFRisk", "WFRiskScoring", "WFRiskInspections", "WFRiskOfsted", "WFRiskIngest", "WFRiskCore", "wfrisk"]
        ),
    ]
)
