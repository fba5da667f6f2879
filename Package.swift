// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Lockmaster",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lockmaster", targets: ["lockmaster"]),
        .library(name: "LockmasterKit", targets: ["LockmasterKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // Process runner, diagnostics, atomic writes: depends only on the C shim below.
        .target(name: "Support", dependencies: ["CProcess"]),
        // Two GNU libc calls the process runner needs that Swift's Glibc module hides.
        .target(name: "CProcess"),
        // YAML documents → Kubernetes objects with locations; typed Flux views; scalar edits.
        .target(name: "Manifests", dependencies: ["Support", .product(name: "Yams", package: "Yams")]),
        // The repository model: environments, sources, Kustomization graph, lockmaster.yaml.
        .target(name: "Platform", dependencies: ["Manifests", "Support"]),
        // Reproducible packaging, semver as Flux resolves it, the OCI client and layout store, cosign signatures.
        .target(
            name: "Artifacts",
            dependencies: [
                "Support", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        // The system zlib, for the artifact's gzip stream.
        .systemLibrary(name: "CZlib"),
        // Every kubectl run: the Kubectl protocol (what clusters report about Flux objects) and the
        // confined `kubectl kustomize` builds.
        .target(name: "Cluster", dependencies: ["Support"]),
        // Every git run, through the GitClient protocol.
        .target(name: "GitKit", dependencies: ["Support"]),
        // Use cases that combine the libraries above.
        .target(
            name: "LockmasterKit",
            dependencies: [
                "Platform", "Manifests", "Artifacts", "GitKit", "Cluster", "Support",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The command line: ArgumentParser only, no domain logic.
        .executableTarget(
            name: "lockmaster",
            dependencies: [
                "LockmasterKit", "Platform", "Artifacts", "Support",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Temporary git repositories and fixture helpers for tests (not a product).
        .target(
            name: "TestSupport", dependencies: ["GitKit", "Support"], path: "Tests/TestSupport",
            exclude: [
                "token_service.py", "oras_peer.py", "kubectl_cluster.py", "fault_proxy.py", "json_schema_check.py",
                "json_samples.sh", "canary_server.py", "cosign_verify.py",
            ]),

        .testTarget(name: "SupportTests", dependencies: ["Support", "TestSupport"]),
        .testTarget(
            name: "ManifestsTests",
            dependencies: [
                "Manifests", "TestSupport", .product(name: "Yams", package: "Yams"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ], exclude: ["Fixtures"]),
        .testTarget(name: "PlatformTests", dependencies: ["Platform", "Manifests", "Support", "TestSupport"]),
        .testTarget(name: "GitKitTests", dependencies: ["GitKit", "TestSupport"]),
        .testTarget(
            name: "ArtifactsTests",
            dependencies: [
                "Artifacts", "Support", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        .testTarget(
            name: "LockmasterKitTests",
            dependencies: ["LockmasterKit", "Platform", "Manifests", "GitKit", "Cluster", "Support", "TestSupport"]),
        .testTarget(
            name: "lockmasterTests",
            dependencies: ["TestSupport", "Artifacts", "Platform", "Support", .product(name: "Yams", package: "Yams")]),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("MemberImportVisibility"),
        // The project's own targets build without a warning (a dependency's warnings are not ours).
        .treatAllWarnings(as: .error),
    ])
    target.swiftSettings = settings
}
