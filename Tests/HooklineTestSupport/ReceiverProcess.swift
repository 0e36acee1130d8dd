import Foundation

/// A real webhook receiver for the integration tests: `e2e/receivers.py serve` in a child
/// process, on 127.0.0.1 with an ephemeral port, logging every connection and request.
///
/// The kit is found through `HOOKLINE_RECEIVERS_PY`, or as `e2e/receivers.py` or
/// `Tests/e2e/receivers.py` in a directory above this file.
public final class ReceiverProcess {
    public struct Request {
        public let method: String
        public let path: String
        public let headers: [(name: String, value: String)]
        public let body: [UInt8]
        public let connection: Int
        /// The receiver's monotonic clock, in seconds, when the request had arrived in full
        /// (before any delayed answer); only differences between requests mean anything.
        public let receivedAt: Double

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        public func headerIndex(_ name: String) -> Int? {
            headers.firstIndex { $0.name.lowercased() == name.lowercased() }
        }
    }

    public enum LaunchError: Error, CustomStringConvertible {
        case kitNotFound
        case noReadyLine(String)

        public var description: String {
            switch self {
            case .kitNotFound:
                "receivers.py not found: set HOOKLINE_RECEIVERS_PY or keep e2e/receivers.py above the tests"
            case .noReadyLine(let output): "receiver did not start: \(output)"
            }
        }
    }

    public let port: Int
    public let baseURL: String
    /// The test CA that signed the receiver's certificate (TLS receivers only).
    public let caFile: String?
    private let process = Process()
    private let input = Pipe()
    private let logPath: String
    private var stopped = false

    /// Starts a receiver (HTTPS with a fresh test CA when `tls`) and waits until it listens.
    public init(tls: Bool = false) throws {
        guard let kit = ReceiverProcess.findKit() else { throw LaunchError.kitNotFound }
        logPath = NSTemporaryDirectory() + "hookline-receiver-\(UUID().uuidString).jsonl"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", kit, "serve", "--log", logPath] + (tls ? ["--tls"] : [])
        process.standardInput = input
        process.standardOutput = output
        do { try process.run() } catch {
            try? FileManager.default.removeItem(atPath: logPath)
            throw error
        }

        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let ready = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
            let port = ready["port"] as? Int, let url = ready["url"] as? String
        else {
            // deinit does not run for a failed init: clean up here so nothing is left behind.
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: logPath)
            throw LaunchError.noReadyLine(String(decoding: line, as: UTF8.self))
        }
        self.port = port
        self.baseURL = url
        self.caFile = ready["ca_file"] as? String
    }

    deinit { stop() }

    public func url(_ path: String) -> String { baseURL + path }

    /// Every event the receiver logged so far, oldest first.
    public func events() -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
    }

    /// TCP connections accepted so far (logged before any byte is read).
    public func connectionCount() -> Int {
        events().filter { $0["event"] as? String == "connection" }.count
    }

    /// Every request received so far, oldest first.
    public func requests() -> [Request] {
        events().filter { $0["event"] as? String == "request" }.map { event in
            let pairs = (event["headers"] as? [[String]] ?? []).map { (name: $0[0], value: $0[1]) }
            let body = Data(base64Encoded: event["body_base64"] as? String ?? "") ?? Data()
            return Request(
                method: event["method"] as? String ?? "",
                path: event["path"] as? String ?? "",
                headers: pairs,
                body: [UInt8](body),
                connection: event["connection"] as? Int ?? 0,
                receivedAt: event["received_at"] as? Double ?? 0
            )
        }
    }

    /// Stops the receiver (it removes its test CA) and deletes the log; safe to call twice.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: logPath)
    }

    private static func findKit() -> String? {
        if let path = ProcessInfo.processInfo.environment["HOOKLINE_RECEIVERS_PY"] { return path }
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            for candidate in ["e2e/receivers.py", "Tests/e2e/receivers.py"] {
                let path = directory.appendingPathComponent(candidate).path
                if FileManager.default.fileExists(atPath: path) { return path }
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }
}

/// A loopback TCP port with nothing listening (bound, then released).
public func closedLoopbackPort() -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            _ = bind(descriptor, generic, length)
            _ = getsockname(descriptor, generic, &length)
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
