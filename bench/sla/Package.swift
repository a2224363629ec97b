// swift-tools-version:6.0
// SLA engine micro-benchmark. Sources/KeelDomain is a symlink to the app's ../../Sources/KeelDomain,
// so this builds Keel's real domain code standalone (no Vapor). Build it release, outside the
// main checkout's .build:  swift build -c release --package-path bench/sla --scratch-path /tmp/keel-sla-bench
import PackageDescription

let package = Package(
    name: "keel-sla-bench",
    platforms: [.macOS(.v13)],
    targets: [
        .target(name: "KeelDomain", path: "Sources/KeelDomain"),
        .executableTarget(name: "sla-bench", dependencies: ["KeelDomain"], path: "Sources/sla-bench"),
    ],
    swiftLanguageModes: [.v6]
)
