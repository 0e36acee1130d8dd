import HooklineCore

/// Parses a saved list of HTTP headers, such as `curl -D` output or a receiver's request log.
///
/// One `Name: value` per line; LF or CRLF endings; leading status or request lines
/// (`HTTP/1.1 200 OK`, `POST /hook HTTP/1.1`) and blank lines before the first header are
/// skipped; a blank line after a header ends the block, so a whole saved request may be given;
/// a line starting with a space or tab continues the previous value.
enum HeaderFile {
    struct Failure: Error {
        let message: String
    }

    static func parse(_ text: String) -> Result<[(String, String)], Failure> {
        var headers: [(String, String)] = []
        var lineNumber = 0
        // Split on bytes: in Swift "\r\n" is one Character, so splitting on "\n" would miss CRLF.
        for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(String(decoding: rawLine, as: UTF8.self))
            if line.hasSuffix("\r") { line = line.dropLast() }

            if line.trimmingWhitespace.isEmpty {
                if headers.isEmpty { continue } else { break }
            }
            if headers.isEmpty && isStartLine(line) { continue }
            if line.first == " " || line.first == "\t", let last = headers.popLast() {
                headers.append((last.0, last.1 + " " + line.trimmingWhitespace))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                return .failure(Failure(message: "line \(lineNumber) is not a `Name: value` header"))
            }
            let name = line[..<colon]
            guard !name.isEmpty, !name.contains(" "), !name.contains("\t") else {
                return .failure(Failure(message: "line \(lineNumber) is not a `Name: value` header"))
            }
            headers.append((String(name), line[line.index(after: colon)...].trimmingWhitespace))
        }
        if headers.isEmpty {
            return .failure(Failure(message: "no headers found"))
        }
        return .success(headers)
    }

    /// True for `HTTP/1.1 200 OK` and `POST /path HTTP/1.1`.
    private static func isStartLine(_ line: Substring) -> Bool {
        line.hasPrefix("HTTP/") || line.split(separator: " ").last?.hasPrefix("HTTP/") == true
    }
}
