#if canImport(Glibc)
    import Glibc
#endif

/// The process side of CGI: reads the environment and stdin, writes stdout once.
public enum CGIProcess {
    /// Variables a page may look at. Reading a fixed list (not `environ`) keeps the process's
    /// view of its environment explicit.
    public static let variables = [
        "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_LENGTH", "CONTENT_TYPE",
        "HTTP_COOKIE", "HTTP_HOST", "HTTP_ORIGIN", "HTTP_SEC_FETCH_SITE", "HTTP_REFERER", "HTTPS",
        "REQUEST_SCHEME", "SERVER_NAME", "SERVER_PORT", "REMOTE_USER", "REMOTE_ADDR", "HOOKLINE_CONFIG",
        // Passed by the web server in the API location only (Bearer tokens); blanked elsewhere.
        "HTTP_AUTHORIZATION",
    ]

    public static func environment() -> [String: String] {
        var env: [String: String] = [:]
        for name in variables {
            if let value = getenv(name) { env[name] = String(cString: value) }
        }
        return env
    }

    /// Reads up to `count` bytes from stdin, retrying short reads; never reads past `count`.
    public static func readStdin(_ count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = buffer.withUnsafeMutableBytes { raw in
                read(0, raw.baseAddress! + filled, count - filled)
            }
            if n > 0 {
                filled += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        return Array(buffer[0..<filled])
    }

    /// Writes all bytes to a file descriptor (1 = stdout, 2 = stderr).
    public static func write(_ bytes: [UInt8], to fd: Int32 = 1) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, bytes.count - offset)
            }
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    /// Whether this process is serving a request through ``serve(errorPage:beforeBody:handler:)``.
    nonisolated(unsafe) private static var isServing = false
    nonisolated(unsafe) private static var keptUntilExit: [Any] = []

    /// Keeps `value` alive until the process exits, when this process is a CGI serving one
    /// request: the operating system takes back its memory, descriptors and locks at exit,
    /// so freeing a page's values one by one (and closing its database) is work nobody
    /// waits for. Anywhere else (tests answering many requests in one process) this does nothing.
    public static func keepUntilExit(_ value: Any) {
        if isServing { keptUntilExit.append(value) }
    }

    /// Decodes the request, asks `handler` for the response, writes it once.
    /// A request that cannot be decoded gets `errorPage(scriptName, pathInfo, status, message)`.
    /// `beforeBody(environment)` runs before any byte of the body is read: a page served by
    /// another program hands the request over there (``replaceProcess(with:)``), and a response
    /// it returns is written instead of calling `handler`.
    public static func serve(
        errorPage: (String, String, HTTPStatus, String) -> Response,
        beforeBody: ([String: String]) -> Response? = { _ in nil },
        handler: (Request) -> Response
    ) {
        isServing = true
        let env = environment()
        if let early = beforeBody(env) {
            write(early.serialized(includeBody: HTTPMethod(env["REQUEST_METHOD"] ?? "GET") != .head))
            return
        }
        let response: Response
        var isHead = false
        do {
            let request = try Request(environment: env, readBody: readStdin)
            isHead = request.method == .head
            response = handler(request)
        } catch {
            if case .bodyTooLarge(let size, _) = error { discardStdin(size) }
            var scriptName = env["SCRIPT_NAME"] ?? ""
            while scriptName.hasSuffix("/") { scriptName.removeLast() }
            response = errorPage(scriptName, env["PATH_INFO"] ?? "", error.status, error.message)
        }
        // Head and body in two writes: joining them would copy a page-sized body once more.
        write(response.head)
        if !isHead { write(response.body) }
    }

    /// Runs the program `name` that sits next to this executable in this process's place, with
    /// the same arguments, environment and unread stdin, so it answers the request. Returns only
    /// when that fails, with a message naming the program and the reason.
    public static func replaceProcess(with name: String) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return "cannot find this program's own path (/proc/self/exe): errno \(errno)" }
        let own = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let directory = own.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let path = directory + "/" + name
        var arguments: [UnsafeMutablePointer<CChar>?] = [strdup(path)]
        arguments += CommandLine.arguments.dropFirst().map { strdup($0) }
        arguments.append(nil)
        execv(path, arguments)
        for argument in arguments { free(argument) }
        return "cannot run \(path): \(String(cString: strerror(errno))). Install \(name) next to \(own) (make install does)"
    }

    /// Reads and drops up to `count` bytes of a refused body, so the web server can deliver the
    /// answer instead of failing on a half-read request. Bounded: web servers cap bodies anyway.
    static func discardStdin(_ count: Int) {
        var remaining = min(count, 16 * 1024 * 1024)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while remaining > 0 {
            let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, min(65536, remaining)) }
            if n > 0 {
                remaining -= n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
