// Fuzzes JSONValue(parsing:) (HooklineStore): event payloads and envelopes.
// Invariant: parse → serialize (compact and pretty) → parse gives the same value, and
// serializing is idempotent.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzText(data, size)
    guard let value = try? JSONValue(parsing: text) else { return 0 }
    let compact = value.serialized()
    for serialized in [compact, value.serialized(pretty: true)] {
        let again: JSONValue
        do { again = try JSONValue(parsing: serialized) } catch {
            fuzzCheck(false, "serialized JSON does not parse (\(error)): \(serialized)")
            return 0
        }
        fuzzCheck(again.serialized() == compact, "round trip changed the value: \(compact) → \(again.serialized())")
    }
    return 0
}
