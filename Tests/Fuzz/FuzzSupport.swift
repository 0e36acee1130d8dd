// Shared by every fuzz target (compiled into each one): how a target reports a broken invariant.
#if canImport(Glibc)
    import Glibc
#endif

/// Stops the run when an invariant does not hold, so libFuzzer saves the input as a crash.
///
/// `fatalError` would do too, but this prints the input-specific message first and aborts the
/// same way on every build mode.
func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String) {
    guard !condition else { return }
    let text = Array("invariant failed: \(message())\n".utf8)
    _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    abort()
}

/// The fuzz input as text: invalid UTF-8 becomes U+FFFD, as it would after `String(decoding:)`.
func fuzzText(_ data: UnsafePointer<UInt8>, _ size: Int) -> String {
    String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
}
