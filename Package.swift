// swift-tools-version:6.1
// Shenguan (审管): signed, offline-first replicas for the 审管互动 process.
// Layering (DESIGN.md): ShenguanCore is pure (no I/O); only ShenguanCrypto
// imports libsodium (CSodium); only ShenguanStore imports GRDB; only Sync/
// imports the HTTP libraries; Tools/ stays thin.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Shenguan",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "shenguan", targets: ["shenguan"]),
        .executable(name: "shenguan-verify", targets: ["shenguan-verify"]),
        .library(name: "ShenguanCore", targets: ["ShenguanCore"]),
        .library(name: "ShenguanReplica", targets: ["ShenguanReplica"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CSodium",
            path: "Sources/CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]),
        .target(name: "ShenguanCrypto", dependencies: ["CSodium"],
                path: "Sources/Crypto", swiftSettings: strict),
        .target(name: "ShenguanCalendar", path: "Sources/ShenguanCalendar", swiftSettings: strict),
        .target(name: "ShenguanCore", dependencies: ["ShenguanCrypto", "ShenguanCalendar"],
                path: "Sources/ShenguanCore", swiftSettings: strict),
        .target(name: "ShenguanStore",
                dependencies: ["ShenguanCore", "ShenguanCrypto", "ShenguanCalendar", .product(name: "GRDB", package: "GRDB.swift"),
                               .product(name: "GRDBSQLite", package: "GRDB.swift")],
                path: "Sources/ShenguanStore", swiftSettings: strict),
        // The application layer (issue 15): every command's rules, typed
        // requests and results, one error type; the CLI and the web
        // interface only parse, call and present.
        .target(name: "ShenguanReplica",
                dependencies: ["ShenguanCore", "ShenguanStore", "ShenguanCrypto", "ShenguanCalendar"],
                path: "Sources/ShenguanReplica", swiftSettings: strict),
        .target(name: "ShenguanSync",
                dependencies: ["ShenguanCore", "ShenguanStore", "ShenguanCrypto",
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "HummingbirdCore", package: "hummingbird"),
                               .product(name: "HummingbirdTLS", package: "hummingbird"),
                               .product(name: "NIOSSL", package: "swift-nio-ssl"),
                               .product(name: "AsyncHTTPClient", package: "async-http-client"),
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                               .product(name: "HTTPTypes", package: "swift-http-types"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOHTTP1", package: "swift-nio"),
                               .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                               .product(name: "Prometheus", package: "swift-prometheus")],
                path: "Sync/ShenguanSync", swiftSettings: strict),
        // 审管工作台 (issue 16): the clerks' web interface, served by the
        // replica; pages and forms over the application layer.
        .target(name: "ShenguanWeb",
                dependencies: ["ShenguanReplica", "ShenguanSync", "ShenguanCore", "ShenguanStore", "ShenguanCrypto", "ShenguanCalendar",
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "NIOSSL", package: "swift-nio-ssl"),
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "HTTPTypes", package: "swift-http-types"),
                               .product(name: "NIOCore", package: "swift-nio")],
                path: "Sync/ShenguanWeb",
                // Swift 6.3.1's optimizer crashes (signal 11, "while splitting
                // coroutine" of a route closure) compiling this module in
                // release; pages need no optimisation, so it is built -Onone.
                swiftSettings: strict + [.unsafeFlags(["-Onone"], .when(configuration: .release))]),
        .executableTarget(
            name: "shenguan",
            dependencies: ["ShenguanCore", "ShenguanStore", "ShenguanCrypto", "ShenguanCalendar", "ShenguanSync", "ShenguanReplica", "ShenguanWeb",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/shenguan", swiftSettings: strict),
        // The standalone verifier: core and crypto only, no store, no network (issue #6).
        .executableTarget(
            name: "shenguan-verify",
            dependencies: ["ShenguanCore", "ShenguanCrypto"],
            path: "Tools/shenguan-verify", swiftSettings: strict),
        .executableTarget(
            name: "shenguan-bench",
            dependencies: ["ShenguanCore", "ShenguanStore", "ShenguanCrypto", "ShenguanCalendar", "ShenguanSync", "ShenguanReplica", "ShenguanWeb"],
            path: "Tools/bench", swiftSettings: strict),
        .target(name: "ShenguanTestSupport", dependencies: ["ShenguanCore", "ShenguanCrypto", "ShenguanCalendar"],
                path: "Tests/ShenguanTestSupport", swiftSettings: strict),
        .testTarget(name: "ShenguanCoreTests", dependencies: ["ShenguanCore", "ShenguanCrypto", "ShenguanTestSupport"],
                    path: "Tests/ShenguanCoreTests", swiftSettings: strict),
        .testTarget(name: "ShenguanCalendarTests", dependencies: ["ShenguanCalendar"],
                    path: "Tests/ShenguanCalendarTests", swiftSettings: strict),
        .testTarget(name: "ShenguanStoreTests", dependencies: ["ShenguanStore", "ShenguanCore", "ShenguanCrypto", "ShenguanTestSupport"],
                    path: "Tests/ShenguanStoreTests", swiftSettings: strict),
        .testTarget(name: "ShenguanReplicaTests",
                    dependencies: ["ShenguanReplica", "ShenguanSync", "ShenguanStore", "ShenguanCore", "ShenguanCrypto", "ShenguanCalendar", "ShenguanTestSupport",
                                   .product(name: "GRDB", package: "GRDB.swift")],
                    path: "Tests/ShenguanReplicaTests", swiftSettings: strict),
        .testTarget(name: "ShenguanWebTests",
                    dependencies: ["ShenguanWeb", "ShenguanReplica", "ShenguanStore", "ShenguanCore", "ShenguanCrypto", "ShenguanCalendar", "ShenguanTestSupport",
                                   .product(name: "Hummingbird", package: "hummingbird"),
                                   .product(name: "HummingbirdTesting", package: "hummingbird"),
                                   .product(name: "Logging", package: "swift-log"),
                                   .product(name: "HTTPTypes", package: "swift-http-types"),
                                   .product(name: "NIOCore", package: "swift-nio")],
                    path: "Tests/ShenguanWebTests", swiftSettings: strict),
        .testTarget(name: "ShenguanSyncTests",
                    dependencies: ["ShenguanSync", "ShenguanStore", "ShenguanCore", "ShenguanCrypto", "ShenguanTestSupport",
                                   .product(name: "Hummingbird", package: "hummingbird"),
                                   .product(name: "HummingbirdTesting", package: "hummingbird"),
                                   .product(name: "Logging", package: "swift-log"),
                                   .product(name: "HTTPTypes", package: "swift-http-types"),
                                   .product(name: "NIOCore", package: "swift-nio")],
                    path: "Tests/ShenguanSyncTests", swiftSettings: strict),
        .testTarget(name: "ShenguanCLITests", dependencies: ["shenguan", "shenguan-verify", "ShenguanCore", "ShenguanCrypto", "ShenguanTestSupport"],
                    path: "Tests/ShenguanCLITests", exclude: ["Fixtures"], swiftSettings: strict),
    ]
)
