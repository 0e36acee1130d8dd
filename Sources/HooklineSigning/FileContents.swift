import Glibc

/// Reads whole files with plain `open`/`read` (FoundationEssentials has no FileHandle).
enum FileContents {
    /// Why a file could not be read, phrased for a command-line user.
    struct Failure: Error {
        let message: String
    }

    /// Returns the bytes of the file at `path`, exactly as stored.
    static func read(path: String) -> Result<[UInt8], Failure> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(failure(path: path, code: errno)) }
        defer { close(descriptor) }

        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                contents.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                return .success(contents)
            } else if errno != EINTR {
                return .failure(failure(path: path, code: errno))
            }
        }
    }

    private static func failure(path: String, code: Int32) -> Failure {
        let reason = code == ENOENT ? "no such file" : String(cString: strerror(code))
        return Failure(message: "cannot read \(path): \(reason)")
    }
}
