import Glibc

/// Reads whole files with plain `open`/`read` (FoundationEssentials has no FileHandle).
/// The one file reader of the project outside the dependency-free template module.
public enum FileContents {
    /// Why a file could not be read, phrased for a command-line user.
    public struct Failure: Error, Sendable {
        public let message: String
    }

    /// Returns the bytes of the file at `path`, exactly as stored.
    public static func read(path: String) -> Result<[UInt8], Failure> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(failure(path: path, code: errno)) }
        defer { close(descriptor) }
        return readAll(descriptor: descriptor, name: path)
    }

    /// Reads an open descriptor (e.g. 0, stdin) to its end.
    public static func readAll(descriptor: Int32, name: String = "standard input") -> Result<[UInt8], Failure> {
        var contents: [UInt8] = []
        // The chunk lives on the stack: a zeroed heap buffer would cost a page request (which
        // reads the config this way) fresh pages it never needs.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16_384) { chunk in
            while true {
                let count = Glibc.read(descriptor, chunk.baseAddress, chunk.count)
                if count > 0 {
                    contents.append(contentsOf: chunk[0..<count])
                } else if count == 0 {
                    return .success(contents)
                } else if errno != EINTR {
                    return .failure(failure(path: name, code: errno))
                }
            }
        }
    }

    private static func failure(path: String, code: Int32) -> Failure {
        let reason = code == ENOENT ? "no such file" : String(cString: strerror(code))
        return Failure(message: "cannot read \(path): \(reason)")
    }
}
