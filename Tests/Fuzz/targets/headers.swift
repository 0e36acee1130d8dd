// Fuzzes the received-headers file of `hookline verify` (HooklineSigning): HeaderFile.parse, then
// the signature check on what it parsed (scheme detection, timestamps, hex and base64 signature
// lists), with the text after the first empty line as the body.
// Invariants: every parsed header has a non-empty name without spaces, tabs, colons or line
// breaks, and no value holds a line break; base64 and hex that decode encode back to the same text.

/// The Standard Webhooks test secret, then secrets that are empty, unprefixed or not base64.
private let secrets = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_!!"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: input, as: UTF8.self)
    guard case .success(let headers) = HeaderFile.parse(text) else { return 0 }
    fuzzCheck(!headers.isEmpty, "success without headers")
    for (name, value) in headers {
        fuzzCheck(
            !name.isEmpty && !name.contains(where: { $0 == " " || $0 == "\t" || $0 == ":" || $0 == "\n" }),
            "bad header name \(name)")
        fuzzCheck(!value.contains("\n"), "line break in the value of \(name)")
    }
    let body = bodyAfterBlankLine(input)
    for secret in secrets {
        let result = SignatureVerifier(tolerance: 300).verify(secret: secret, headers: headers, body: body, now: 1_614_265_330)
        if case .invalid(let reason) = result { _ = reason.message }
    }
    // Far-off clocks: the distance to the signed timestamp must not overflow.
    for now in [Int.max, Int.min] {
        _ = SignatureVerifier(tolerance: 300).verify(secret: secrets[0], headers: headers, body: body, now: now)
    }
    // The signature encodings: what decodes encodes back to the same text (canonical forms only).
    for (_, value) in headers {
        for entry in value.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }) {
            let text = String(entry)
            if let bytes = Base64.decode(text) {
                fuzzCheck(Base64.encode(bytes) == text, "base64 \(text) is not canonical")
            }
            if let bytes = Hex.decode(text) {
                fuzzCheck(Hex.encode(bytes) == text.lowercased(), "hex \(text) does not round-trip")
            }
        }
    }
    return 0
}

/// The bytes after the first empty line (LF or CRLF), or none.
private func bodyAfterBlankLine(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    let newline = UInt8(ascii: "\n")
    var index = 0
    while let found = input[index...].firstIndex(of: newline) {
        var next = found + 1
        if next < input.count, input[next] == UInt8(ascii: "\r") { next += 1 }
        if next < input.count, input[next] == newline { return Array(input[(next + 1)...]) }
        index = found + 1
    }
    return []
}
