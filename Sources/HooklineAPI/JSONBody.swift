import HooklineCGI
import HooklineStore

/// Reading a JSON request body, with a problem for every way it can be wrong: not JSON
/// (415 for another media type, 400 for text that does not parse or is not UTF-8), or not the
/// expected shape (422 naming the field).
struct JSONBody {
    let members: [(String, JSONValue)]
    var errors: [String: [String]] = [:]

    /// The body as a JSON value.
    static func value(of request: Request) throws(Problem) -> JSONValue {
        let type = (request.environment["CONTENT_TYPE"] ?? "").lowercased()
        let mediaType = type.split(separator: ";").first.map { String($0).trimmingWhitespace } ?? ""
        guard mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json")) else {
            throw Problem(
                .unsupportedMediaType, "unsupported-media-type", "Unsupported media type",
                "Send the body as application/json, not \(mediaType.isEmpty ? "without a Content-Type" : mediaType).")
        }
        guard !request.body.isEmpty else { throw Problem.badRequest("The request needs a JSON body.") }
        guard let text = String(validating: request.body, as: UTF8.self) else {
            throw Problem.badRequest("The body is not valid UTF-8.")
        }
        do { return try JSONValue(parsing: text) } catch { throw Problem.badRequest("The body is not valid JSON: \(error.description).") }
    }

    /// The body as a JSON object whose members are all in `allowed`; repeats are refused.
    init(_ request: Request, allowed: Set<String>) throws(Problem) {
        guard case .object(let members) = try Self.value(of: request) else {
            throw Problem.invalid("body", "The body must be a JSON object.")
        }
        self.members = members
        var seen: [String: Int] = [:]
        for (key, _) in members {
            seen[key, default: 0] += 1
            if !allowed.contains(key) { errors[key, default: []].append("Unknown field.") }
        }
        for (key, count) in seen where count > 1 { errors[key, default: []].append("This field appears \(count) times; send it once.") }
    }

    func has(_ key: String) -> Bool { members.contains { $0.0 == key } }
    func value(_ key: String) -> JSONValue? { members.first { $0.0 == key }?.1 }

    mutating func fail(_ key: String, _ message: String) { errors[key, default: []].append(message) }

    mutating func string(_ key: String) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else {
            fail(key, "Must be a string.")
            return nil
        }
        return text
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else {
            fail(key, "Must be true or false.")
            return nil
        }
        return flag
    }

    mutating func int(_ key: String) -> Int? {
        guard let value = value(key) else { return nil }
        guard case .number(let text) = value, let number = Int(text) else {
            fail(key, "Must be an integer.")
            return nil
        }
        return number
    }

    mutating func strings(_ key: String) -> [String]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value else {
            fail(key, "Must be an array of strings.")
            return nil
        }
        var out: [String] = []
        for item in items {
            guard case .string(let text) = item else {
                fail(key, "Must be an array of strings.")
                return nil
            }
            out.append(text)
        }
        return out
    }
}
