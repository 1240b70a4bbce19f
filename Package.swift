// swift-tools-version:6.1
import PackageDescription

#if canImport(Glibc)
    import Glibc
#endif

/// How `cc-tap` is linked on Linux, for a smaller file and fewer pages touched at start (issue 25):
/// - export nothing: SwiftPM exports every symbol (--export-dynamic, for testing executables), 3.4 MB
///   of dynamic symbol tables that nothing reads;
/// - relative relocations packed (DT_RELR, with the toolchain's lld): the loader reads 18 KB instead
///   of 2.1 MB of them at every start. Only when the build machine's C library can load such a binary
///   (glibc 2.36 or later); scripts/package.py tags the wheel with the glibc its binaries need, so a
///   build on an older glibc (the release workflow's) goes without and installs on more systems;
/// - the functions a server runs placed side by side (lld's symbol ordering), 5 MiB less resident.
var executableLinkerFlags: [String] {
    var flags = ["-Xlinker", "--no-export-dynamic"]
    #if canImport(Glibc)
        var text = [CChar](repeating: 0, count: 64)  // "glibc 2.36"
        _ = confstr(Int32(_CS_GNU_LIBC_VERSION), &text, text.count)
        let version = String(cString: text).split(separator: " ").last?.split(separator: ".").compactMap { Int($0) } ?? []
        if version.count >= 2, (version[0], version[1]) >= (2, 36) {
            flags = ["-use-ld=lld"] + flags + ["-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"]
            // The functions a server runs, side by side (with scripts/static-build.sh's function
            // sections): the pages it touches are few (bench/hot_functions.py writes the list).
            flags += ["-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/cc-tap/hot-functions.order",
                      "-Xlinker", "--no-warn-symbol-ordering"]
        }
    #endif
    return flags
}

let package = Package(
    name: "cc-tap",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CCTapCore", targets: ["CCTapCore"]),
        .library(name: "CCTapEmulator", targets: ["CCTapEmulator"]),
        // libcctap.so: the C ABI. Release builds for distribution: scripts/build-dist.sh.
        .library(name: "cctap", type: .dynamic, targets: ["cctap"]),
        .executable(name: "cc-tap", targets: ["cc-tap"]),
        .executable(name: "cc-tap-emulator", targets: ["cc-tap-emulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        // No default traits: "FullFoundation" would link full Foundation (and ICU) for form-date decoding we never use.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // What needs no network and no package: JSON values, ids, cursors, errors, limits, result types,
        // event reading (SSE parser, turn tracker, transcript), the stream policy and credential parsing.
        // Shared by the core, the emulator and the fuzz targets (scripts/fuzz.sh compiles this folder).
        .target(name: "CCTapModel"),
        // The client of the remote session API. Knows nothing of MCP, C or printing. Re-exports the model.
        .target(
            name: "CCTapCore",
            dependencies: [
                "CCTapModel",
                // Only for CCTAP_VERSION: the header defines the version once (Version.swift).
                "CCTapABI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // An emulator of the remote API, written from the protocol reference. It shares only the
        // model's JSON value type; none of the client's logic, and not the HTTP client.
        .target(
            name: "CCTapEmulator",
            dependencies: [
                "CCTapModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Results as text for people and for models: what the CLI prints and what MCP tool results
        // carry beside their structured content. Knows nothing of MCP or of the command line.
        .target(name: "CCTapRendering", dependencies: ["CCTapCore"]),
        // The MCP server: tools and resources over the core, and a stdio transport of our own.
        .target(
            name: "CCTapMCP",
            dependencies: [
                "CCTapCore",
                "CCTapRendering",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                // HTTPRequestPart, the type of the channel handler that notices a client going away
                // (already built for Hummingbird).
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
        // The public C header as a module, so the exports use the header's own types and constants.
        .systemLibrary(name: "CCTapABI", path: "include"),
        // The C exports (`@c`) over the core: argument checks and the blocking bridge, nothing more.
        .target(
            name: "cctap",
            dependencies: [
                "CCTapABI",
                "CCTapCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["cctap.map"],
            // GNU linker flags (ld.bfd, gold, lld in GNU mode): Linux only, so the package still builds on macOS.
            linkerSettings: [
                .unsafeFlags([
                    "-Xlinker", "-soname=libcctap.so.0",
                    // Swift and NIO threads outlive a dlclose(): the library must stay mapped.
                    "-Xlinker", "-znodelete",
                    // Export only cctap_* (everything else, Swift's and the packages', stays local).
                    "-Xlinker", "--version-script=\(Context.packageDirectory)/Sources/cctap/cctap.map",
                ], .when(platforms: [.linux]))
            ]
        ),
        .executableTarget(
            name: "cc-tap",
            dependencies: [
                "CCTapCore",
                "CCTapMCP",
                "CCTapRendering",
                "CCTapEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["hot-functions.order"],
            linkerSettings: [.unsafeFlags(executableLinkerFlags, .when(platforms: [.linux]))]
        ),
        // Benchmark baseline for the C ABI (scripts/bench-cabi.sh); with the rest of the benchmarks in bench/.
        .executableTarget(name: "cctap-bench", dependencies: ["CCTapCore"], path: "bench/list_sessions_swift"),
        // Soak: send-and-wait cycles under random faults, with memory and message accounting (scripts/soak.sh).
        .executableTarget(
            name: "cctap-soak",
            dependencies: [
                "CCTapCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(
            name: "cc-tap-emulator",
            dependencies: [
                "CCTapEmulator",
                "CCTapModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What the Swift suites share: the one emulator launcher, and home folders with credential
        // files (Foundation only, for the model's suites too). The Python tests share Tests/e2e/harness.py.
        .target(name: "CCTapTestSupport", dependencies: ["CCTapEmulator"], path: "Tests/CCTapTestSupport"),
        .target(name: "CCTapTestFiles", path: "Tests/CCTapTestFiles"),
        // The model alone: pure decisions tested transition by transition, no emulator, seconds to run.
        .testTarget(name: "CCTapModelTests", dependencies: ["CCTapModel", "CCTapTestFiles"]),
        .testTarget(name: "CCTapRenderingTests", dependencies: ["CCTapRendering", "CCTapCore"]),
        .testTarget(
            name: "CCTapCoreTests",
            dependencies: [
                "CCTapCore", "CCTapEmulator", "CCTapTestSupport", "CCTapTestFiles", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "CCTapMCPTests",
            dependencies: ["CCTapMCP", "CCTapCore", "CCTapEmulator"],
            // Read from the source tree (#filePath), so UPDATE_SNAPSHOTS=1 can rewrite them in place.
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "CCTapEmulatorTests",
            dependencies: [
                "CCTapEmulator", "CCTapCore", "CCTapTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ]
)
