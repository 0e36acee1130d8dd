// swift-tools-version: 6.0
// Hookline: a self-hosted webhook console. No package dependencies: only the toolchain,
// the SQLite3 C library and libcurl.
import PackageDescription

let package = Package(
    name: "Hookline",
    products: [
        .executable(name: "hookline-console", targets: ["hookline-console"]),
        .executable(name: "hookline-send", targets: ["hookline-send"]),
        .executable(name: "hookline", targets: ["hookline"]),
    ],
    targets: [
        // C libraries, wrapped in small targets named after what they wrap.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .target(name: "CCurl", path: "Sources/CCurl", linkerSettings: [.linkedLibrary("curl")]),

        // What every module shares: the version, trimming, IP addresses and ranges, target URL rules.
        .target(name: "HooklineCore"),

        // Leaf modules: no dependencies on each other.
        .target(name: "HooklineCGI", dependencies: ["HooklineCore"]),
        .target(name: "HooklineTemplates", dependencies: ["HooklineCore"]),
        .target(name: "HooklineSigning", dependencies: ["HooklineCore"]),

        // Persistence and configuration.
        .target(name: "HooklineStore", dependencies: ["CSQLite", "HooklineCore", "HooklineSigning"]),

        // The only module that imports libcurl.
        .target(name: "HooklineDelivery", dependencies: ["CCurl", "HooklineCore"]),

        // Builds, signs, sends and records deliveries: shared by test sends and the worker.
        .target(name: "HooklineDispatch", dependencies: ["HooklineCore", "HooklineStore", "HooklineSigning", "HooklineDelivery"]),

        // The HTTP API below <mount>/api/v1/ (no libcurl): the console hands it those requests.
        .target(name: "HooklineAPI", dependencies: ["HooklineCore", "HooklineCGI", "HooklineStore", "HooklineSigning"]),

        // The console pages (no libcurl), and the sender hookline-send gives them for test sends and resends.
        .target(
            name: "HooklineConsole",
            dependencies: ["HooklineCore", "HooklineCGI", "HooklineTemplates", "HooklineStore", "HooklineSigning", "HooklineAPI"]),
        .target(name: "HooklineSender", dependencies: ["HooklineConsole", "HooklineAPI", "HooklineDispatch"]),

        // Thin executables.
        .executableTarget(name: "hookline-console", dependencies: ["HooklineConsole"]),
        .executableTarget(name: "hookline-send", dependencies: ["HooklineSender"]),
        .executableTarget(
            name: "hookline", dependencies: ["HooklineCore", "HooklineCGI", "HooklineStore", "HooklineSigning", "HooklineDispatch"]),

        // What every test target shares: temporary directories, store fixtures, the local receiver.
        .target(
            name: "HooklineTestSupport", dependencies: ["HooklineCGI", "HooklineConsole", "HooklineStore", "HooklineSigning"],
            path: "Tests/HooklineTestSupport"),

        .testTarget(name: "HooklineCoreTests", dependencies: ["HooklineCore", "HooklineTestSupport"]),
        .testTarget(name: "HooklineCGITests", dependencies: ["HooklineCGI", "HooklineTestSupport"]),
        .testTarget(name: "HooklineTemplatesTests", dependencies: ["HooklineTemplates", "HooklineTestSupport"]),
        .testTarget(name: "HooklineSigningTests", dependencies: ["HooklineSigning", "HooklineTestSupport"]),
        .testTarget(name: "HooklineStoreTests", dependencies: ["HooklineStore", "HooklineTestSupport"]),
        .testTarget(name: "HooklineDeliveryTests", dependencies: ["HooklineDelivery", "HooklineTestSupport"]),
        .testTarget(name: "HooklineDispatchTests", dependencies: ["HooklineDispatch", "HooklineCore", "HooklineTestSupport"]),
        .testTarget(name: "HooklineSenderTests", dependencies: ["HooklineSender", "HooklineConsole", "HooklineTestSupport"]),
        .testTarget(name: "HooklineConsoleTests", dependencies: ["HooklineConsole", "HooklineCore", "HooklineTestSupport"]),
        .testTarget(name: "HooklineAPITests", dependencies: ["HooklineAPI", "HooklineStore", "HooklineTestSupport"]),
        // Runs the built `hookline` binary (found next to the test bundle).
        .testTarget(name: "HooklineCLITests", dependencies: ["HooklineCore", "HooklineStore", "HooklineTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
