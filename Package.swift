// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "keel",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "keel", targets: ["keel"]),
        .library(name: "KeelServer", targets: ["KeelServer"]),
        .library(name: "KeelDomain", targets: ["KeelDomain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .target(name: "KeelDomain"),
        // zlib from the system (Debian zlib1g-dev): inventory agents send zlib/gzip bodies.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "KeelServer",
            dependencies: [
                "KeelDomain",
                "CZlib",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(name: "keel", dependencies: ["KeelServer"]),
        .testTarget(name: "KeelDomainTests", dependencies: ["KeelDomain"]),
        .testTarget(
            name: "KeelServerTests",
            dependencies: [
                "KeelServer",
                .product(name: "XCTVapor", package: "vapor"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
