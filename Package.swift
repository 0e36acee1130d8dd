// swift-tools-version: 6.0
// Hookline: a self-hosted webhook console. No package dependencies: only the toolchain,
// the SQLite3 C library and libcurl.
import PackageDescription

let package = Package(
    name: "Hookline",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hookline-console", targets: ["hookline-console"]),
        .executable(name: "hookline-send", targets: ["hookline-send"]),
        .executable(name: "hookline", targets: ["hookline"]),
    ],
    targets: [
        // C libraries, wrapped in small targets named after what they wrap.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .target(name: "CCurl", path: "Sources/CCurl", linkerSettings: [.linkedLibrary("curl")]),

        // Leaf modules: no dependencies on each other.
        .target(name: "HooklineCGI"),
        .target(name: "HooklineTemplates"),
        .target(name: "HooklineSigning"),

        // Persistence and configuration.
        .target(name: "HooklineStore", dependencies: ["CSQLite", "HooklineSigning"]),

        // The only module that imports libcurl.
        .target(name: "HooklineDelivery", dependencies: ["CCurl"]),

        // Builds, signs, sends and records deliveries: shared by test sends and the worker.
        .target(name: "HooklineDispatch", dependencies: ["HooklineStore", "HooklineSigning", "HooklineDelivery"]),

        // The console pages (no libcurl) and the pages that send (test send, resend).
        .target(name: "HooklineConsole", dependencies: ["HooklineCGI", "HooklineTemplates", "HooklineStore", "HooklineSigning"]),
        .target(name: "HooklineSendPages", dependencies: ["HooklineConsole", "HooklineDispatch"]),

        // Thin executables.
        .executableTarget(name: "hookline-console", dependencies: ["HooklineConsole"]),
        .executableTarget(name: "hookline-send", dependencies: ["HooklineSendPages"]),
        .executableTarget(name: "hookline", dependencies: ["HooklineCGI", "HooklineStore", "HooklineSigning", "HooklineDispatch"]),

        // What every test target shares: temporary directories, store fixtures, the local receiver.
        .target(
            name: "HooklineTestSupport", dependencies: ["HooklineStore", "HooklineSigning"], path: "Tests/HooklineTestSupport"),

        .testTarget(name: "HooklineCGITests", dependencies: ["HooklineCGI", "HooklineTestSupport"]),
        .testTarget(name: "HooklineTemplatesTests", dependencies: ["HooklineTemplates", "HooklineTestSupport"]),
        .testTarget(name: "HooklineSigningTests", dependencies: ["HooklineSigning", "HooklineTestSupport"]),
        .testTarget(name: "HooklineStoreTests", dependencies: ["HooklineStore", "HooklineTestSupport"]),
        .testTarget(name: "HooklineDeliveryTests", dependencies: ["HooklineDelivery", "HooklineTestSupport"]),
        .testTarget(name: "HooklineDispatchTests", dependencies: ["HooklineDispatch", "HooklineTestSupport"]),
        .testTarget(name: "HooklineConsoleTests", dependencies: ["HooklineConsole", "HooklineTestSupport"]),
        // Runs the built `hookline` binary (found next to the test bundle).
        .testTarget(name: "HooklineCLITests", dependencies: ["HooklineStore", "HooklineTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
