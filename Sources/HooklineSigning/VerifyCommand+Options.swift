extension VerifyCommand {
    /// The parsed command line.
    struct Options {
        enum SecretSource {
            case literal(String)
            case file(String)
        }

        enum Parsed {
            case success(Options)
            case help
            case failure(String)
        }

        var secret: SecretSource
        var headersPath: String
        var bodyPath: String
        var tolerance: Int
        var now: Int?

        static func parse(_ arguments: [String]) -> Parsed {
            var values: [String: String] = [:]
            let valued = ["--secret", "--secret-file", "--headers", "--body", "--tolerance", "--now"]
            var index = 0
            while index < arguments.count {
                let argument = arguments[index]
                index += 1
                if argument == "--help" || argument == "-h" { return .help }
                // Error messages name options only, never values: a value may be the secret.
                var name = argument
                var value: String?
                if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                    name = String(argument[..<equals])
                    value = String(argument[argument.index(after: equals)...])
                }
                guard valued.contains(name) else {
                    return .failure(
                        argument.hasPrefix("-") && argument != "-"
                            ? "unknown option \(name)" : "unexpected argument at position \(index)")
                }
                if value == nil {
                    guard index < arguments.count else { return .failure("\(name) needs a value") }
                    value = arguments[index]
                    index += 1
                }
                guard values[name] == nil else { return .failure("\(name) given twice") }
                values[name] = value
            }

            let secret: SecretSource
            switch (values["--secret"], values["--secret-file"]) {
            case (let literal?, nil): secret = .literal(literal)
            case (nil, let path?): secret = .file(path)
            case (nil, nil): return .failure("give the secret with --secret or --secret-file")
            default: return .failure("give either --secret or --secret-file, not both")
            }
            guard let headersPath = values["--headers"] else { return .failure("--headers is required") }
            guard let bodyPath = values["--body"] else {
                return .failure("--body is required (use - for standard input)")
            }
            if headersPath == "-" && bodyPath == "-" {
                return .failure("--headers and --body cannot both read standard input")
            }

            var tolerance = 300
            if let text = values["--tolerance"] {
                guard let seconds = Int(text), seconds >= 0 else {
                    return .failure("--tolerance needs a whole number of seconds, 0 or more")
                }
                tolerance = seconds
            }
            var now: Int?
            if let text = values["--now"] {
                guard let seconds = Int(text), seconds >= 0 else {
                    return .failure("--now needs Unix seconds")
                }
                now = seconds
            }
            return .success(
                Options(secret: secret, headersPath: headersPath, bodyPath: bodyPath, tolerance: tolerance, now: now))
        }
    }
}
