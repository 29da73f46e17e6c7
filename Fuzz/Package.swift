// swift-tools-version:6.1
// libFuzzer target for wfrisk's CSV ingest, inspection text reader, neighbours file and diff inputs (`Fuzz/run`).
// A package of its own, so the main build and `swift test` never see the sanitizer flags.
import PackageDescription

let package = Package(
    name: "wfrisk-fuzz",
    dependencies: [.package(name: "wfrisk", path: "..")],
    targets: [
        .executableTarget(
            name: "wfrisk-fuzz",
            dependencies: [.product(name: "WFRisk", package: "wfrisk")],
            path: "Sources/wfrisk-fuzz",
            // The entry point is `wfrisk_fuzz_main` below, which hands control to libFuzzer.
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
