// Fuzzes FormData(urlEncoded:) (HooklineCGI): query strings and form bodies.
// Invariants: a decoded form re-encodes to text that decodes to the same pairs; no value holds NUL.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzText(data, size)
    guard let form = try? FormData(urlEncoded: text) else { return 0 }
    for (name, value) in form.pairs {
        fuzzCheck(!name.unicodeScalars.contains("\0") && !value.unicodeScalars.contains("\0"), "NUL in a field")
    }
    let encoded = form.urlEncoded
    fuzzCheck(encoded.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "encoded form is not plain ASCII: \(encoded)")
    let again: FormData
    do { again = try FormData(urlEncoded: encoded) } catch {
        fuzzCheck(false, "re-encoded form does not decode (\(error)): \(encoded)")
        return 0
    }
    fuzzCheck(again == form, "round trip changed the form: \(encoded)")
    if let first = form.pairs.first {
        fuzzCheck(form[first.name] == first.value, "subscript does not return the first value")
        fuzzCheck(form.count(first.name) == form.all(first.name).count, "count and all disagree")
    }
    return 0
}
