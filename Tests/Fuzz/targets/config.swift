// Fuzzes Configuration.parse(_:path:) (HooklineStore): the `key = value` config file.
// Invariants: an error names the file (and a line within the text); a parsed config's ranges
// print as CIDRs that parse back to themselves; timeouts and the grace period stay in range.
import HooklineCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzText(data, size)
    let path = "/etc/hookline/hookline.conf"
    do {
        let config = try Configuration.parse(text, path: path)
        fuzzCheck(config.sourcePath == path, "sourcePath not kept")
        for range in config.allowedPrivateTargets {
            fuzzCheck(IPRange(cidr: range.description) == range, "range \(range) does not round-trip")
        }
        fuzzCheck(config.timeout > 0 && config.timeout <= 300, "timeout \(config.timeout)")
        fuzzCheck(config.connectTimeout > 0 && config.connectTimeout <= 300, "connect_timeout \(config.connectTimeout)")
        fuzzCheck(config.secretGracePeriod >= 0 && config.secretGracePeriod <= 365 * 86400, "grace \(config.secretGracePeriod)")
        switch config.database {
        case .sqlite(let file): fuzzCheck(file.hasPrefix("/"), "database path not absolute: \(file)")
        case .postgresql(let uri, _):
            // What logs and pages show never holds the password: the credentials are what comes
            // before an `@` ahead of the first `/` after the scheme (as libpq reads them).
            let shown = config.database.description
            if let scheme = uri.firstRange(of: "://") {
                let rest = uri[scheme.upperBound...]
                let authority = rest[..<(rest.firstIndex(of: "/") ?? rest.endIndex)]
                if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                    let password = authority[authority.index(after: colon)..<at]
                    // A password that appears once in the URI must not appear in what is shown.
                    if password.utf8.count >= 4 && !password.contains("*")
                        && occurrences(of: Array(password.utf8), in: Array(uri.utf8)) == 1
                    {
                        fuzzCheck(!shown.contains(password), "password shown: \(shown)")
                    }
                }
            }
        }
        fuzzCheck(config.templatesDirectory.hasPrefix("/"), "templates path not absolute")
    } catch {
        fuzzCheck(error.path == path, "error names \(error.path)")
        if let line = error.line {
            fuzzCheck(line >= 1 && line <= text.utf8.count + 1, "error line \(line) outside the text")
        }
        _ = error.description
    }
    return 0
}

/// How many times `needle` occurs in `haystack` (overlaps counted).
private func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> Int {
    guard !needle.isEmpty, needle.count <= haystack.count else { return 0 }
    return (0...(haystack.count - needle.count)).filter { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }.count
}
