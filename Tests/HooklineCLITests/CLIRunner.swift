import Foundation
import HooklineTestSupport

/// Runs the built `hookline` binary with a config in a temporary directory, as an operator would.
final class CLIRunner {
    struct Result {
        let status: Int32
        let output: String
        let errors: String
    }

    let directory = TemporaryDirectory(prefix: "hookline-cli")
    var configPath: String { directory.file("hookline.conf") }
    /// The test database (SQLite next to the config, or PostgreSQL; see ``TestDatabase``).
    let database: TestDatabase

    /// A dev config: the test database, plain http and loopback targets allowed. `sqlite` keeps
    /// SQLite even when the tests run on PostgreSQL (for `migrate`).
    init(extraConfig: String = "allow_http = yes\nallowed_private_targets = 127.0.0.0/8\n", sqlite: Bool = false) throws {
        database = try sqlite ? TestDatabase(sqliteIn: directory) : TestDatabase(in: directory)
        directory.write("hookline.conf", "database = \(database.configValue)\n" + extraConfig)
    }

    /// `hookline` in the build directory that holds the running test bundle.
    static func binary() throws -> String {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var candidates = [executable.deletingLastPathComponent().appendingPathComponent("hookline").path]
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            candidates.append(directory.appendingPathComponent(".build/debug/hookline").path)
            directory.deleteLastPathComponent()
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw CLIError(
                "the hookline binary was not found (looked in \(candidates.prefix(2).joined(separator: ", "))); run `swift build` first")
        }
        return found
    }

    /// Runs `hookline --config <config> arguments…` (no `--config` when `withConfig` is false).
    func run(_ arguments: [String], withConfig: Bool = true, stdin: String = "") throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = (withConfig ? ["--config", configPath] : []) + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOOKLINE_CONFIG"] = nil
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, output: String(decoding: out, as: UTF8.self), errors: String(decoding: err, as: UTF8.self))
    }

    func run(_ arguments: String...) throws -> Result { try run(arguments) }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
