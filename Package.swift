// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "L4Spec",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "l4spec", targets: ["l4spec"]),
        .library(name: "Spec", targets: ["Spec"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
    ],
    targets: [
        // Pure state machine: no Foundation, no I/O (DESIGN §1).
        .target(name: "Spec"),
        // Independent kernel-like implementation behind the register/UTCB ABI (DESIGN §8). Imports nothing of ours.
        .target(name: "KernelImpl"),
        // Generic explicit-state search; knows nothing about kernels (DESIGN §5).
        // Cross-module optimisation lets clients specialise the generic search
        // loop for their system; without it the hot loop spends a quarter of its
        // time in generic-metadata lookups (docs/performance.md).
        .target(name: "CacheHints"),
        // libz3 through a C module map; only SMT imports it (DESIGN §7).
        .systemLibrary(name: "CZ3", path: "Sources/CZ3", pkgConfig: "z3",
                       providers: [.apt(["libz3-dev"]), .brew(["z3"])]),
        .target(name: "SMT", dependencies: ["CZ3"]),
        // The spec as Z3 terms (DESIGN §7); checked against Spec by differential tests.
        .target(name: "Symbolic", dependencies: ["SMT", "Spec"]),
        .target(name: "StateExplorer", dependencies: ["CacheHints", .product(name: "Atomics", package: "swift-atomics")],
                swiftSettings: [.unsafeFlags(["-cross-module-optimization", "-enforce-exclusivity=unchecked"])]),
        .target(
            name: "Scenarios",
            dependencies: ["Spec", .product(name: "Yams", package: "Yams")],
            resources: [.copy("BuiltIn")]
        ),
        // The property catalogue (DESIGN §6): requirement texts and concrete checks.
        .target(name: "Properties", dependencies: ["Spec", "Scenarios", "Symbolic", "SMT"], path: "Properties"),
        .target(name: "Verifier", dependencies: ["Spec", "Scenarios", "StateExplorer", "Properties", "Symbolic", "SMT"]),
        // Refinement harness (DESIGN §8): the only module that imports both Spec and KernelImpl.
        .target(name: "Refinement", dependencies: ["Spec", "KernelImpl", "Scenarios", "Verifier"]),
        // `l4spec verify`, the main job (issue 7): conformance, check, prove and refine in one report.
        .target(name: "Verification", dependencies: ["Verifier", "Refinement", "Scenarios", "Properties", "StateExplorer", "SMT"]),
        // The certification bundle (issue 7): above Verifier and Refinement, whose reports it gathers.
        .target(name: "Evidence", dependencies: ["Verification", "Verifier", "Refinement", "Scenarios", "Spec", "Properties", "StateExplorer", "SMT"]),
        // Counts heap allocations for `l4spec bench` (interposes malloc in the executable only).
        .target(name: "AllocCounter"),
        .executableTarget(
            name: "l4spec",
            dependencies: ["Verifier", "Refinement", "Verification", "Evidence", "Scenarios", "Spec", "SMT", "AllocCounter", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "SMTTests", dependencies: ["SMT"]),
        .testTarget(name: "KernelImplTests", dependencies: ["KernelImpl"]),
        // Runs the built l4spec binary for the command-line tests of several test targets.
        .target(name: "CLITestSupport", dependencies: ["Evidence"], path: "Tests/CLITestSupport"),
        .testTarget(name: "RefinementTests", dependencies: ["CLITestSupport", "Refinement", "Spec", "KernelImpl", "Scenarios", "Verifier"]),
        .testTarget(name: "EvidenceTests", dependencies: ["Evidence", "Verifier", "Scenarios", "Spec"]),
        .testTarget(name: "SymbolicTests", dependencies: ["Symbolic", "SMT", "Spec", "Scenarios", "Verifier", "Properties"]),
        .testTarget(name: "StateExplorerTests", dependencies: ["StateExplorer"]),
        .testTarget(name: "PropertiesTests", dependencies: ["Properties", "Spec", "Scenarios"]),
        .testTarget(
            name: "SpecTests",
            dependencies: ["Spec", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "ScenariosTests",
            dependencies: ["Scenarios", "Spec", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "VerifierTests", dependencies: ["CLITestSupport", "Verifier", "Verification", "Refinement", "Scenarios", "Spec", .product(name: "PropertyBased", package: "swift-property-based")]),
    ],
    swiftLanguageModes: [.v6]
)
