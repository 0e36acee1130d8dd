import Glibc

/// Random bytes from the operating system's CSPRNG.
///
/// Uses glibc's `getentropy(3)`, a thin wrapper around the `getrandom(2)` system call: Swift's
/// Glibc module does not import `<sys/random.h>`, and `syscall(2)` is variadic, so `getrandom`
/// itself cannot be called without a C target. Like `getrandom` without flags, it blocks only
/// until the kernel's pool is first initialised and never reads a file, so it works in a
/// chroot or without `/dev`.
public enum SecureRandom {
    /// The OS refused to produce random bytes.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The `errno` value reported by the C library.
        public let code: Int32

        public var description: String {
            "the operating system's random number generator failed: \(String(cString: strerror(code)))"
        }
    }

    /// Returns `count` bytes from the kernel CSPRNG.
    ///
    /// Requests are made in chunks of at most 256 bytes (the `getentropy` limit); a call
    /// interrupted by a signal (`EINTR`) is retried.
    public static func bytes(_ count: Int) throws(Failure) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let chunk = min(256, count - filled)
            let result = bytes.withUnsafeMutableBytes { buffer in
                getentropy(buffer.baseAddress! + filled, chunk)
            }
            if result == 0 {
                filled += chunk
            } else if errno != EINTR {
                throw Failure(code: errno)
            }
        }
        return bytes
    }
}
