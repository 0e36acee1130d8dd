// Fuzzes the target-URL, IP address and CIDR parsers (HooklineCore).
// Invariants: TargetURL accepts nothing with spaces, control or non-ASCII characters, only
// https (or http where allowed), a non-empty host and a port in 1…65535, and whatever it accepts
// without allow_http it accepts the same with it; IPAddress and IPRange print text that parses
// back to the same value, and an address is accepted only when written with hex digits, dots,
// colons (and optional brackets); the first 4 or 16 bytes, as an address, round-trip through text.
import HooklineCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzText(data, size)

    let strict = TargetURL.parse(text, allowHTTP: false)
    let lenient = TargetURL.parse(text, allowHTTP: true)
    if case .success(let url) = lenient {
        fuzzCheck(
            !text.unicodeScalars.contains { $0.value <= 0x20 || $0.value >= 0x7F }, "accepted a URL with bad characters")
        fuzzCheck(url.scheme == "https" || url.scheme == "http", "scheme \(url.scheme)")
        fuzzCheck(!url.host.isEmpty, "empty host")
        fuzzCheck(url.port.map { (1...65535).contains($0) } ?? true, "port \(String(describing: url.port))")
        fuzzCheck(text.utf8.count <= TargetURL.maximumLength, "too long")
        fuzzCheck(!text.contains("#"), "fragment accepted")
        let afterScheme = text.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        fuzzCheck(afterScheme.count == 3 && afterScheme[1].isEmpty, "no // after the scheme")
        let authority = afterScheme[2].prefix { $0 != "/" && $0 != "?" && $0 != "\\" }
        fuzzCheck(!authority.contains("@"), "credentials accepted in \(authority)")
    }
    if case .success(let url) = strict {
        fuzzCheck(url.scheme == "https", "http accepted without allow_http")
        fuzzCheck(lenient == .success(url), "allow_http changed an https result")
    } else if case .failure(let problem) = strict {
        _ = problem.message
    }

    if let address = IPAddress(text) {
        let allowed = text.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || ".:[]".unicodeScalars.contains($0) }
        fuzzCheck(allowed, "IPAddress accepted \(text.debugDescription)")
        fuzzCheck(IPAddress(address.description) == address, "address \(address) does not round-trip")
    }
    if let range = IPRange(cidr: text) {
        fuzzCheck(IPRange(cidr: range.description) == range, "range \(range) does not round-trip")
        fuzzCheck(range.contains(range.network), "range \(range) does not contain its network")
    }

    let input = Array(UnsafeBufferPointer(start: data, count: size))
    for length in [4, 16] where input.count >= length {
        let address = IPAddress(bytes: Array(input.prefix(length)))!
        fuzzCheck(IPAddress(address.description) == address, "bytes \(address.bytes) print as \(address)")
        let range = IPRange(network: address, prefixLength: Int(input[0]) % 130)
        fuzzCheck(IPRange(cidr: range.description) == range, "range \(range) does not round-trip")
    }
    return 0
}
