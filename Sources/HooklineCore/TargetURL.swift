/// A subscription's target URL, checked by the rules of DESIGN §1: the console's forms and the
/// delivery module both use this one parser, so what the form accepts is what the sender sends
/// to, and what it refuses the sender refuses with the same words.
///
/// It checks shape only. Which address the host resolves to is checked at connect time, on
/// the address actually used (`AddressSafety` in the delivery module).
public struct TargetURL: Sendable, Equatable {
    /// The longest URL accepted, in bytes.
    public static let maximumLength = 2048

    /// `https` or (where allowed) `http`, lower-cased.
    public let scheme: String
    /// A host name, an IPv4 address, or an IPv6 address without brackets.
    public let host: String
    public let port: Int?

    public init(scheme: String, host: String, port: Int?) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// Scheme, host and port with the scheme's default filled in (`https://hooks.example.com:443`):
    /// what one receiver's requests have in common.
    public var origin: String {
        "\(scheme)://\(host):\(port ?? (scheme == "https" ? 443 : 80))"
    }

    /// Why a URL cannot be a target, each with the sentence shown next to the form field and in
    /// the delivery log.
    public enum Problem: Error, Sendable, Equatable {
        case empty
        case tooLong(Int)
        case badCharacters
        case notAbsolute
        /// A scheme other than https (http where the config does not allow it).
        case unsupportedScheme(String)
        case fragment
        case credentials
        case badHost(String)
        case badPort

        public var message: String {
            switch self {
            case .empty: "Enter the HTTPS address that should receive deliveries."
            case .tooLong(let length): "The URL is \(length) characters; use at most \(TargetURL.maximumLength)."
            case .badCharacters: "The URL contains spaces or characters that must be percent-encoded."
            case .notAbsolute: "Enter an absolute URL starting with https://, for example https://example.com/webhooks."
            case .unsupportedScheme("http"):
                "Use an https:// URL. Plain http:// is only allowed where the configuration enables it (allow_http)."
            case .unsupportedScheme(let scheme): "Use an https:// URL; Hookline does not deliver to \(scheme):// addresses."
            case .fragment: "Remove the #fragment: it is never sent to the receiver."
            case .credentials: "Remove the user:password@ part. Credentials do not belong in the URL; use a signing secret."
            case .badHost(let why): why
            case .badPort: "The port must be a number from 1 to 65535."
            }
        }
    }

    /// Parses `url`, or says what is wrong with it. `allowHTTP` admits `http://` (development).
    public static func parse(_ url: String, allowHTTP: Bool) -> Result<TargetURL, Problem> {
        if url.isEmpty { return .failure(.empty) }
        if url.utf8.count > maximumLength { return .failure(.tooLong(url.utf8.count)) }
        if url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0.value > 0x7E }) {
            return .failure(.badCharacters)
        }
        guard let colon = url.firstIndex(of: ":"), let scheme = Self.scheme(url[..<colon]) else {
            return .failure(.notAbsolute)
        }
        guard scheme == "https" || (scheme == "http" && allowHTTP) else { return .failure(.unsupportedScheme(scheme)) }
        let afterScheme = url[url.index(after: colon)...]
        guard afterScheme.hasPrefix("//") else { return .failure(.notAbsolute) }
        let rest = afterScheme.dropFirst(2)
        if url.contains("#") { return .failure(.fragment) }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "\\" }
        if authority.contains("@") { return .failure(.credentials) }

        var host = Substring(authority)
        var portText: Substring? = nil
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                return .failure(.badHost("The IPv6 address in the URL is missing its closing ]."))
            }
            let after = host[host.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return .failure(.badHost("The URL's host is not valid.")) }
                portText = after.dropFirst()
            }
            host = host[host.index(after: host.startIndex)..<close]
            guard IPAddress(String(host)).map({ !$0.isIPv4 }) == true else {
                return .failure(.badHost("The IPv6 address in the URL is not valid."))
            }
        } else {
            if let portColon = host.lastIndex(of: ":") {
                portText = host[host.index(after: portColon)...]
                host = host[..<portColon]
            }
            if host.isEmpty { return .failure(.badHost("The URL has no host name.")) }
            let valid = host.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }
            if !valid || host.hasPrefix(".") || host.hasPrefix("-") || host.contains("..") {
                return .failure(.badHost("“\(host)” is not a valid host name."))
            }
        }
        var port: Int? = nil
        if let portText {
            guard portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(portText), number >= 1,
                number <= 65535
            else {
                return .failure(.badPort)
            }
            port = number
        }
        return .success(TargetURL(scheme: scheme, host: String(host), port: port))
    }

    /// Nil when `url` is an acceptable target, else the message for the admin.
    public static func problem(with url: String, allowHTTP: Bool) -> String? {
        if case .failure(let problem) = parse(url, allowHTTP: allowHTTP) { return problem.message }
        return nil
    }

    /// The lower-cased scheme when `text` is one (RFC 3986: a letter, then letters, digits, `+-.`).
    private static func scheme(_ text: Substring) -> String? {
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII,
            text.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0))
            })
        else { return nil }
        return text.lowercased()
    }
}
