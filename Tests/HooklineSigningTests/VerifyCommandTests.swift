import HooklineSigning
import HooklineTestSupport
import Testing

@Suite("hookline verify")
struct VerifyCommandTests {
    private let body: [UInt8] = Array(#"{"event_id":"e1","data":{"text":"caf\#u{e9} ☕"}}"#.utf8) + [0x0a]
    private let timestamp = 1_776_000_000

    /// A `curl -D`-style dump: status line, CRLF endings, unrelated headers around the webhook ones.
    private func headerDump(_ scheme: SignatureScheme, secrets: [String]) -> String {
        let webhookHeaders = WebhookHeaders.build(
            scheme: scheme, secrets: secrets, eventID: "e1", eventType: "conversation.ended", timestamp: timestamp,
            body: body)
        var lines = ["POST /hooks/in HTTP/1.1", "Host: example.com", "Content-Type: application/json"]
        lines += webhookHeaders.map { "\($0.name): \($0.value)" }
        lines.append("User-Agent: Hookline/1.0")
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    private func run(_ arguments: [String], stdin: [UInt8] = []) -> (exitCode: Int32, output: String) {
        VerifyCommand.run(arguments: arguments, readStdin: { stdin })
    }

    @Test("Valid request from files", arguments: SignatureScheme.allCases)
    func validFromFiles(scheme: SignatureScheme) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let secret = try SigningSecret.generate()
        let headers = directory.write("headers.txt", headerDump(scheme, secrets: [secret]))
        let bodyFile = directory.write("body.json", body)
        let result = run([
            "--secret", secret, "--headers", headers, "--body", bodyFile, "--now", String(timestamp + 12),
        ])
        #expect(result.exitCode == 0)
        #expect(result.output == "valid: \(scheme.rawValue) signature matches (timestamp 12 s old)\n")
    }

    @Test("Secret file, body on stdin, old secret during rotation, --name=value form")
    func secretFileAndStdin() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let newSecret = try SigningSecret.generate()
        let oldSecret = try SigningSecret.generate()
        let headers = directory.write("headers.txt", headerDump(.hookline, secrets: [newSecret, oldSecret]))
        let secretFile = directory.write("secret", oldSecret + "\n")
        let result = run(
            ["--secret-file", secretFile, "--headers=\(headers)", "--body", "-", "--now=\(timestamp)"], stdin: body)
        #expect(result == (0, "valid: hookline signature matches (timestamp 0 s old)\n"))
    }

    @Test("A changed body byte is invalid with an actionable message, and never prints the secret")
    func mismatch() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let secret = try SigningSecret.generate()
        let headers = directory.write("headers.txt", headerDump(.hookline, secrets: [secret]))
        var tampered = body
        tampered[3] ^= 0x20
        let bodyFile = directory.write("body.json", tampered)
        let result = run(["--secret", secret, "--headers", headers, "--body", bodyFile, "--now", String(timestamp)])
        #expect(result.exitCode == 1)
        #expect(
            result.output
                == "invalid: signature does not match the body — check you are hashing the raw request body"
                + " and using the current secret\n")
        #expect(!result.output.contains(secret))
    }

    @Test("A stale capture is outside the tolerance unless --tolerance allows it")
    func staleTimestamp() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let secret = try SigningSecret.generate()
        let headers = directory.write("headers.txt", headerDump(.standardWebhooks, secrets: [secret]))
        let bodyFile = directory.write("body.json", body)
        let base = ["--secret", secret, "--headers", headers, "--body", bodyFile, "--now", String(timestamp + 3600)]
        let stale = run(base)
        #expect(stale.exitCode == 1)
        #expect(stale.output.hasPrefix("invalid: the signature matches, but the timestamp is 3600 s old"))
        #expect(stale.output.contains("--tolerance"))
        #expect(run(base + ["--tolerance", "7200"]).exitCode == 0)
    }

    @Test("An unsigned request names the missing header")
    func unsigned() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let headers = directory.write("headers.txt", headerDump(.hookline, secrets: []))
        let bodyFile = directory.write("body.json", body)
        let result = run([
            "--secret", try SigningSecret.generate(), "--headers", headers, "--body", bodyFile, "--now",
            String(timestamp),
        ])
        #expect(result.exitCode == 1)
        #expect(result.output.hasPrefix("invalid: the request has no X-Webhook-Signature header"))
    }

    @Test("Header files: LF endings, no start line, folded values and a trailing body are fine")
    func headerFileVariants() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let secret = try SigningSecret.generate()
        let built = WebhookHeaders.build(
            scheme: .hookline, secrets: [secret], eventID: "e1", eventType: "t", timestamp: timestamp, body: body)
        var text = "HTTP/1.1 100 Continue\n\n"
        for header in built {
            text +=
                header.name == "X-Webhook-Signature"
                ? "x-webhook-signature:\n  \(header.value)\n" : "\(header.name):\(header.value)\n"
        }
        text += "\nthis is the body, not a header\n"
        let headers = directory.write("headers.txt", text)
        let bodyFile = directory.write("body.json", body)
        let result = run(["--secret", secret, "--headers", headers, "--body", bodyFile, "--now", String(timestamp)])
        #expect(result.exitCode == 0)
    }

    @Test("Missing files and bad header files get clear errors, exit 2")
    func fileErrors() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let secret = try SigningSecret.generate()
        let bodyFile = directory.write("body.json", body)
        let missing = run(["--secret", secret, "--headers", directory.path + "/nope.txt", "--body", bodyFile])
        #expect(missing.exitCode == 2)
        #expect(missing.output == "error: headers file: cannot read \(directory.path)/nope.txt: no such file\n")

        let garbage = directory.write("garbage.txt", "X-Webhook-Id: e1\nthis line is no header\n")
        let bad = run(["--secret", secret, "--headers", garbage, "--body", bodyFile])
        #expect(bad.exitCode == 2)
        #expect(bad.output.contains("line 2 is not a `Name: value` header"))

        let noSecretFile = run(["--secret-file", directory.path + "/secret", "--headers", garbage, "--body", bodyFile])
        #expect(noSecretFile.exitCode == 2)
        #expect(noSecretFile.output.hasPrefix("error: secret file: cannot read"))
    }

    @Test(
        "Usage errors exit 2 with the usage text",
        arguments: [
            [],
            ["--headers", "h", "--body", "b"],
            ["--secret", "whsec_x", "--secret-file", "f", "--headers", "h", "--body", "b"],
            ["--secret", "whsec_x", "--body", "b"],
            ["--secret", "whsec_x", "--headers", "h"],
            ["--secret", "whsec_x", "--headers", "-", "--body", "-"],
            ["--secret", "whsec_x", "--headers", "h", "--body", "b", "--tolerance", "soon"],
            ["--secret", "whsec_x", "--headers", "h", "--body", "b", "--frobnicate"],
            ["--secret", "whsec_x", "--headers", "h", "--body", "b", "stray"],
            ["--secret", "whsec_x", "--headers", "h", "--body"],
        ])
    func usageErrors(arguments: [String]) {
        let result = run(arguments)
        #expect(result.exitCode == 2)
        #expect(result.output.hasPrefix("error: "))
        #expect(result.output.contains("usage: hookline verify"))
    }

    @Test("Argument errors never echo a value that could be the secret")
    func noSecretInUsageErrors() {
        let typo = run(["--secrte", "whsec_SECRETVALUE", "--headers", "h", "--body", "b"])
        #expect(typo.exitCode == 2)
        #expect(typo.output.contains("--secrte"))
        #expect(!typo.output.contains("SECRETVALUE"))
        let inline = run(["--secrte=whsec_SECRETVALUE"])
        #expect(!inline.output.contains("SECRETVALUE"))
    }

    @Test("--help prints the usage and succeeds")
    func help() {
        let result = run(["--help"])
        #expect(result.exitCode == 0)
        #expect(result.output.hasPrefix("usage: hookline verify"))
    }
}
