/// A value a template can print, test or loop over.
///
/// Values are explicit (no reflection): a template that names a key the page did not supply
/// fails with an error instead of printing nothing. Literals work directly:
/// `["name": "Orders", "active": true, "events": 3, "agents": ["Ada", "Bob"]]`.
public enum TemplateValue: Sendable, Equatable {
    /// Plain text; HTML-escaped when printed with `{{ name }}`.
    case text(String)
    /// Printed as `true` or `false`.
    case bool(Bool)
    /// Printed in decimal.
    case int(Int)
    /// Looped over with `{{#each name}}`; printing a list is an error.
    case list([TemplateValue])
    /// Reached with dotted paths (`{{ a.b }}`); printing a dictionary is an error.
    case dict(TemplateDictionary)
    /// Markup that is already safe, printed as is by `{{ raw name }}`; `{{ name }}` refuses it
    /// (a render error), so every unescaped output in a template is spelled `{{ raw`.
    ///
    /// Only markup produced by rendering a template belongs here (for example a page body
    /// inserted into the layout); get it from ``TemplateLibrary/renderHTML(_:_:)``.
    /// Never wrap user input in this case.
    case html(String)
}

extension TemplateValue {
    /// Whether `{{#if}}` takes its first branch: `true`, non-empty text or markup, a non-zero
    /// number, a non-empty list, any dictionary.
    var isTruthy: Bool {
        switch self {
        case .bool(let value): value
        case .text(let value), .html(let value): !value.isEmpty
        case .int(let value): value != 0
        case .list(let items): !items.isEmpty
        case .dict: true
        }
    }

    /// The case name, for error messages.
    var kindName: String {
        switch self {
        case .text: "text"
        case .bool: "a bool"
        case .int: "an int"
        case .list: "a list"
        case .dict: "a dictionary"
        case .html: "markup"
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    public init(stringLiteral value: String) {
        self = .text(value)
    }
}

extension TemplateValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

extension TemplateValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) {
        self = .int(value)
    }
}

extension TemplateValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: TemplateValue...) {
        self = .list(elements)
    }
}

extension TemplateValue: ExpressibleByDictionaryLiteral {
    /// Builds a `.dict`; when a key repeats, the last value wins.
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self = .dict(TemplateDictionary(elements))
    }
}
