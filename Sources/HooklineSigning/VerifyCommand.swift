import Glibc
import HooklineCore

/// `hookline verify`: checks a received request's signature from saved headers and body.
///
/// For receivers wiring up their endpoint and for debugging deliveries. The executable passes
/// its arguments (without the program and subcommand names), writes `output` to stdout and exits
/// with `exitCode`: 0 valid, 1 invalid, 2 usage or input error (bad option, unreadable file).
/// The secret is never echoed, not even in error messages about the arguments.
public enum VerifyCommand {
    /// The help text printed for `--help` and after usage errors.
    public static let usage = """
        usage: hookline verify (--secret whsec_… | --secret-file PATH) --headers PATH --body PATH|-
                               [--tolerance SECONDS] [--now UNIX_SECONDS]

        Checks the signature of a received webhook (scheme hookline or standard-webhooks,
        detected from the headers).

          --secret SECRET       the subscription's signing secret (visible in `ps`; prefer --secret-file)
          --secret-file PATH    file holding the secret; surrounding whitespace is ignored
          --headers PATH        the request headers, one `Name: value` per line (e.g. `curl -D` output);
                                a leading status line and CRLF line endings are fine
          --body PATH           the raw request body, byte for byte; `-` reads standard input
          --tolerance SECONDS   accepted clock difference (default 300)
          --now UNIX_SECONDS    check as if it were this time (default: now)

        Exit status: 0 valid, 1 invalid, 2 usage or input error.

        """

    /// Runs the command.
    ///
    /// - Parameters:
    ///   - arguments: the words after `hookline verify`; `--name value` and `--name=value` both work.
    ///   - readStdin: returns all of standard input; called only for `--body -` or `--headers -`.
    /// - Returns: the exit status and the complete text to print (ends with a newline).
    public static func run(arguments: [String], readStdin: () -> [UInt8]) -> (exitCode: Int32, output: String) {
        let options: Options
        switch Options.parse(arguments) {
        case .help: return (0, usage)
        case .failure(let message): return (2, "error: \(message)\n\n\(usage)")
        case .success(let parsed): options = parsed
        }

        func load(_ path: String) -> Result<[UInt8], FileContents.Failure> {
            path == "-" ? .success(readStdin()) : FileContents.read(path: path)
        }

        let secret: String
        switch options.secret {
        case .literal(let value):
            secret = value
        case .file(let path):
            switch FileContents.read(path: path) {
            case .failure(let failure): return (2, "error: secret file: \(failure.message)\n")
            case .success(let bytes): secret = String(decoding: bytes, as: UTF8.self).trimmingWhitespace
            }
        }

        let headers: [(String, String)]
        switch load(options.headersPath) {
        case .failure(let failure):
            return (2, "error: headers file: \(failure.message)\n")
        case .success(let bytes):
            switch HeaderFile.parse(String(decoding: bytes, as: UTF8.self)) {
            case .failure(let failure): return (2, "error: headers file \(options.headersPath): \(failure.message)\n")
            case .success(let parsed): headers = parsed
            }
        }

        let body: [UInt8]
        switch load(options.bodyPath) {
        case .failure(let failure): return (2, "error: body file: \(failure.message)\n")
        case .success(let bytes): body = bytes
        }

        let now = options.now ?? Int(time(nil))
        let result = SignatureVerifier(tolerance: options.tolerance)
            .verify(secret: secret, headers: headers, body: body, now: now)
        switch result {
        case .valid(let scheme):
            var line = "valid: \(scheme.rawValue) signature matches"
            let received = ReceivedHeaders(headers)
            if let value = received.first(SignatureVerifier.timestampHeaderName(for: scheme)),
                let timestamp = SignatureVerifier.parseTimestamp(value)
            {
                let age = now - timestamp
                line += age >= 0 ? " (timestamp \(age) s old)" : " (timestamp \(-age) s in the future)"
            }
            return (0, line + "\n")
        case .invalid(let reason):
            var line = "invalid: \(reason.message)"
            if case .timestampOutsideTolerance = reason {
                line += " (tolerance \(options.tolerance) s; raise --tolerance to check an old capture)"
            }
            return (1, line + "\n")
        }
    }
}
