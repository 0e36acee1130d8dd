// Fuzzes Request(environment:readBody:) (HooklineCGI): the CGI environment and body.
//
// Input format: `NAME=value` lines up to the first empty line become the environment (a line
// without `=` is skipped); the bytes after the empty line are what stdin holds.
// Invariants: the body is read at most once, never more than CONTENT_LENGTH nor the cap; the
// decoded request's accessors do not trap.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    var environment: [String: String] = [:]
    var position = 0
    while position < input.count {
        let end = input[position...].firstIndex(of: UInt8(ascii: "\n")) ?? input.count
        let line = input[position..<end]
        position = end + 1
        if line.isEmpty { break }
        guard let eq = line.firstIndex(of: UInt8(ascii: "=")) else { continue }
        let name = String(decoding: line[..<eq], as: UTF8.self)
        let value = String(decoding: line[(eq + 1)...], as: UTF8.self)
        environment[name] = value
    }
    let stdin = position < input.count ? Array(input[position...]) : []

    var reads = 0
    let request = try? Request(environment: environment) { count in
        reads += 1
        fuzzCheck(count > 0 && count <= Request.maximumBodySize, "body read of \(count) bytes")
        fuzzCheck(environment["CONTENT_LENGTH"].flatMap { Int($0) } == count, "read \(count) bytes, CONTENT_LENGTH differs")
        return Array(stdin.prefix(count))
    }
    fuzzCheck(reads <= 1, "body read \(reads) times")
    guard let request else { return 0 }
    fuzzCheck(!request.pathInfo.isEmpty, "empty pathInfo")
    fuzzCheck(!request.scriptName.hasSuffix("/"), "scriptName ends with /")
    _ = request.pathSegments
    _ = request.origin
    _ = request.isHTTPS
    _ = request.header("Sec-Fetch-Site")
    _ = request.method.servedAs.name
    return 0
}
