// swift-tools-version:6.0
import PackageDescription

/// rvc-nano: RVC voice conversion in Swift over LibTorch.
///
/// System C libraries enter through `.systemLibrary` targets found with pkg-config; LibTorch's
/// `libtorch.pc` is written by `Scripts/bootstrap`. No `unsafeFlags`, so the package can be used as a
/// versioned dependency.
let package = Package(
    name: "rvc-nano",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "RVCCore", targets: ["RVCCore"]),
        .library(name: "RVCAudio", targets: ["RVCAudio"]),
        .library(name: "RVCStorage", targets: ["RVCStorage"]),
        .library(name: "RVCWorker", targets: ["RVCWorker"]),
        .library(name: "RVCBench", targets: ["RVCBench"]),
        .executable(name: "rvc", targets: ["rvc-cli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
    ],
    targets: [
        // MARK: System libraries (pkg-config)
        .systemLibrary(name: "CLibTorch", pkgConfig: "libtorch"),
        .systemLibrary(
            name: "CSndFile", pkgConfig: "sndfile",
            providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(
            name: "CSampleRate", pkgConfig: "samplerate",
            providers: [.apt(["libsamplerate0-dev"])]),
        .systemLibrary(
            name: "COpus", pkgConfig: "opusfile",
            providers: [.apt(["libopus-dev", "libopusfile-dev", "libopusenc-dev"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),

        // MARK: The C shim over LibTorch
        .target(
            name: "CTorch",
            dependencies: ["CLibTorch"],
            cxxSettings: [.define("NDEBUG", .when(configuration: .release))]),

        // MARK: Libraries
        .target(name: "RVCBasics"),
        .target(
            name: "RVCCore",
            dependencies: [
                "CTorch", "RVCBasics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "RVCAudio",
            dependencies: ["CSndFile", "CSampleRate", "COpus"]),
        .target(
            name: "RVCStorage",
            dependencies: [
                "CCurl", "RVCBasics",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "RVCWorker",
            dependencies: [
                "RVCCore", "RVCAudio", "RVCStorage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        // Benchmarks and checks: random-weight model writers, synthetic singing, the runner and its
        // report. Apps that only convert voices need not link it.
        .target(
            name: "RVCBench",
            dependencies: ["RVCCore", "RVCAudio"]),
        .executableTarget(
            name: "rvc-cli",
            dependencies: [
                "RVCCore", "RVCAudio", "RVCStorage", "RVCWorker", "RVCBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: Tests (mirror Sources/)
        // Helpers shared by the test targets (fixtures, temporary folders, loopback servers); no
        // product exports it.
        .target(name: "RVCTestSupport", dependencies: ["RVCStorage", "RVCBench"], path: "Tests/RVCTestSupport"),
        .testTarget(name: "RVCBasicsTests", dependencies: ["RVCBasics"]),
        .testTarget(name: "RVCCoreTests", dependencies: ["RVCCore", "CTorch", "RVCBench", "RVCTestSupport"]),
        .testTarget(name: "RVCBenchTests", dependencies: ["RVCBench", "RVCCore", "RVCTestSupport"]),
        .testTarget(name: "RVCAudioTests", dependencies: ["RVCAudio", "RVCTestSupport"]),
        .testTarget(name: "RVCStorageTests", dependencies: ["RVCStorage", "RVCTestSupport"]),
        .testTarget(
            name: "RVCWorkerTests",
            dependencies: ["RVCWorker", "RVCTestSupport", .product(name: "Hummingbird", package: "hummingbird")]),
        .testTarget(name: "CLITests", dependencies: ["rvc-cli", "RVCBench", "RVCTestSupport"]),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
