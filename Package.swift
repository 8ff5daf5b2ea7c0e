// swift-tools-version: 6.0
import PackageDescription

// Release builds skip the run-time exclusivity checks (debug builds and `swift test` keep them, and the compiler's
// static checks stay on in both). Callgrind: 15 checked accesses a request on the HTTP path, ~60 instructions each
// (a thread-local access set), 6 % of `/health`'s instructions; the standard library is built the same way.
let releaseSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "Duradora",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "duradora", targets: ["duradora"]),
        .library(name: "DuradoraHTTP", targets: ["DuradoraHTTP"]),
        .library(name: "DuradoraApp", targets: ["DuradoraApp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // C libraries, through system-library targets (see each module.modulemap / shim.h).
        .systemLibrary(name: "CEpoll"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLame", providers: [.apt(["libmp3lame-dev"])]),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),
        .systemLibrary(name: "CVips", providers: [.apt(["libvips-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // The HTTP/1.1 server: POSIX sockets + Dispatch. Knows nothing about music.
        .target(name: "DuradoraHTTP", dependencies: ["CEpoll", "COpenSSL"], swiftSettings: releaseSettings),

        // The music server: configuration, storage, audio, auth, controllers.
        .target(
            name: "DuradoraApp",
            dependencies: [
                "DuradoraHTTP", "CSQLite", "CLame", "CSndFile", "CSodium", "CZlib", "CSoxr", "COpus", "CVips", "COpenSSL",
                "CLibPQ", .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            // The web player (HTML, CSS, JS modules; no build step), shipped as the resource bundle beside the binary.
            resources: [.copy("Web")],
            swiftSettings: releaseSettings
        ),

        .executableTarget(
            name: "duradora",
            dependencies: [
                "DuradoraApp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // `make bench`: the HTTP core alone, serving /health and a file, measured beside nginx.
        .executableTarget(name: "duradora-bench-server", dependencies: ["DuradoraHTTP"], path: "Benchmarks/HTTPBenchServer"),

        // Test helpers shared by both test targets: a real server on port 0 and a raw-socket client.
        .target(name: "DuradoraTestSupport", dependencies: ["DuradoraHTTP", "DuradoraApp", "CLibPQ"], path: "Tests/Support"),
        .testTarget(name: "DuradoraHTTPTests", dependencies: ["DuradoraHTTP", "DuradoraTestSupport", "CEpoll"]),
        .testTarget(name: "DuradoraAppTests", dependencies: ["DuradoraApp", "DuradoraTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
