/// Renders a token tree against a scope stack into one output string.
struct TemplateRenderer {
    /// One level of the scope stack: the root context, or the current item of an `{{#each}}`.
    private struct Scope {
        let value: TemplateValue
        /// Position and size of the loop that produced this scope; nil for the root context.
        let loop: (index: Int, count: Int)?
    }

    /// How deep `{{> partial}}` may nest before it is treated as runaway recursion.
    static let maximumPartialDepth = 20

    private let library: TemplateLibrary
    private var scopes: [Scope]
    private var partialDepth = 0
    /// The rendered UTF-8, one buffer for the whole template.
    private(set) var output: [UInt8] = []

    /// A page rendered where the layout prints `{{ raw name }}` (``TemplateLibrary/renderPage``).
    struct Slot {
        let name: String
        let template: Template
        let context: TemplateDictionary
    }

    /// The page to render into this (layout) template, if any.
    var slot: Slot?

    init(library: TemplateLibrary, context: TemplateDictionary) {
        self.library = library
        scopes = [Scope(value: .dict(context), loop: nil)]
    }

    /// Room reserved for the output at least: a list page is tens of kilobytes, and memory
    /// reserved but not written costs nothing, while each regrowth copies and touches fresh pages.
    static let minimumCapacity = 96 * 1024

    mutating func render(_ template: Template, reserving capacity: Int? = nil) throws(TemplateError) {
        output.reserveCapacity(max(Self.minimumCapacity, capacity ?? template.sourceByteCount * 2))
        try render(template.nodes, in: template.fileName)
    }

    /// Whether `path` names the slot: a single key equal to the slot's name.
    private func isSlot(_ path: TemplatePath) -> Bool {
        guard let slot, case .keys(let keys) = path.kind else { return false }
        return keys.count == 1 && keys[0] == slot.name
    }

    /// Renders the slot's page here, in its own scopes, as if it were one `.html` value.
    private mutating func renderSlot(escaped: Bool, path: TemplatePath, file: String, at location: SourceLocation)
        throws(TemplateError)
    {
        guard let page = slot else { return }
        guard !escaped else {
            throw TemplateError(
                file: file, at: location,
                "'\(path.source)' is markup: print it with {{ raw \(path.source) }} so unescaped output stays grep-able")
        }
        let outerScopes = scopes
        let outerDepth = partialDepth
        slot = nil
        scopes = [Scope(value: .dict(page.context), loop: nil)]
        partialDepth = 0
        defer {
            slot = page
            scopes = outerScopes
            partialDepth = outerDepth
        }
        try render(page.template.nodes, in: page.template.fileName)
    }

    private mutating func render(_ nodes: [TemplateNode], in file: String) throws(TemplateError) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                output.append(contentsOf: bytes)

            case .value(let path, let escaped, let location):
                if slot != nil && isSlot(path) {
                    try renderSlot(escaped: escaped, path: path, file: file, at: location)
                    continue
                }
                guard let value = lookUp(path) else {
                    throw TemplateError(file: file, at: location, describeMissing(path))
                }
                try print(value, escaped: escaped, path: path, file: file, at: location)

            case .conditional(let path, let negated, let then, let otherwise, _):
                let truthy = lookUp(path)?.isTruthy ?? false
                try render(truthy != negated ? then : otherwise, in: file)

            case .loop(let path, let body, let empty, let location):
                guard let value = lookUp(path) else {
                    throw TemplateError(file: file, at: location, "{{#each \(path.source)}}: " + describeMissing(path))
                }
                guard case .list(let items) = value else {
                    throw TemplateError(
                        file: file, at: location,
                        "{{#each \(path.source)}} needs a list, but '\(path.source)' is \(value.kindName)")
                }
                if items.isEmpty {
                    try render(empty, in: file)
                }
                for (index, item) in items.enumerated() {
                    scopes.append(Scope(value: item, loop: (index, items.count)))
                    try render(body, in: file)
                    scopes.removeLast()
                }

            case .partial(let name, let location):
                guard partialDepth < Self.maximumPartialDepth else {
                    throw TemplateError(
                        file: file, at: location,
                        "partials nested more than \(Self.maximumPartialDepth) deep at {{> \(name)}}; "
                            + "does a partial include itself?")
                }
                let partial = try library.template(named: name, includedFrom: file, at: location)
                partialDepth += 1
                try render(partial.nodes, in: partial.fileName)
                partialDepth -= 1
            }
        }
    }

    private mutating func print(
        _ value: TemplateValue, escaped: Bool, path: TemplatePath, file: String, at location: SourceLocation
    ) throws(TemplateError) {
        switch value {
        case .text(let text):
            if escaped {
                HTMLEscaping.append(text, to: &output)
            } else {
                output.append(contentsOf: text.utf8)
            }
        case .html(let markup):
            // Markup, too, is printed unescaped only where the template says so.
            guard !escaped else {
                throw TemplateError(
                    file: file, at: location,
                    "'\(path.source)' is markup: print it with {{ raw \(path.source) }} so unescaped output stays grep-able")
            }
            output.append(contentsOf: markup.utf8)
        case .int(let number):
            output.append(contentsOf: String(number).utf8)
        case .bool(let flag):
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .list, .dict:
            let hint = if case .list = value { "; loop over it with {{#each \(path.source)}}" } else { "" }
            throw TemplateError(
                file: file, at: location, "cannot print '\(path.source)': it is \(value.kindName)\(hint)")
        }
    }

    // MARK: Lookup

    /// Finds the value a path names, or nil when any step is missing.
    private func lookUp(_ path: TemplatePath) -> TemplateValue? {
        switch path.kind {
        case .current:
            return scopes[scopes.count - 1].value
        case .loopVariable(let variable):
            guard let loop = scopes[scopes.count - 1].loop else { return nil }
            switch variable {
            case .index: return .int(loop.index)
            case .number: return .int(loop.index + 1)
            case .first: return .bool(loop.index == 0)
            case .last: return .bool(loop.index == loop.count - 1)
            }
        case .keys(let keys):
            guard var value = lookUpInScopes(keys[0]) else { return nil }
            for key in keys.dropFirst() {
                guard case .dict(let dictionary) = value, let next = dictionary[key] else { return nil }
                value = next
            }
            return value
        }
    }

    /// The innermost scope that is a dictionary holding `key` wins.
    private func lookUpInScopes(_ key: String) -> TemplateValue? {
        for scope in scopes.reversed() {
            if case .dict(let dictionary) = scope.value, let value = dictionary[key] {
                return value
            }
        }
        return nil
    }

    /// Explains which step of a path failed; only called on the error path.
    private func describeMissing(_ path: TemplatePath) -> String {
        switch path.kind {
        case .current:
            return "'.' has no value"
        case .loopVariable(let variable):
            return "\(variable.rawValue) used outside {{#each}}"
        case .keys(let keys):
            guard var value = lookUpInScopes(keys[0]) else {
                return "no value named '\(keys[0])'"
            }
            var walked = keys[0]
            for key in keys.dropFirst() {
                guard case .dict(let dictionary) = value else {
                    return "'\(walked)' is \(value.kindName), not a dictionary, so '\(path.source)' has no value"
                }
                guard let next = dictionary[key] else {
                    return "'\(walked)' has no key '\(key)'"
                }
                value = next
                walked += "." + key
            }
            return "no value named '\(path.source)'"
        }
    }
}
