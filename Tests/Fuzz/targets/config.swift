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
        fuzzCheck(config.databasePath.hasPrefix("/"), "database path not absolute: \(config.databasePath)")
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
