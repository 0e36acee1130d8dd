import HooklineCore

/// Turns the bytes of one template file into a ``Template`` token tree.
///
/// `{{` always opens a tag and the first `}}` after it closes it; a single `{` or `}` is text.
struct TemplateParser {
    private enum BlockKind: String {
        case `if`, unless, each

        /// The keyword spelled by `bytes`, if any.
        init?(_ bytes: ArraySlice<UInt8>) {
            if bytes.elementsEqual("if".utf8) {
                self = .if
            } else if bytes.elementsEqual("unless".utf8) {
                self = .unless
            } else if bytes.elementsEqual("each".utf8) {
                self = .each
            } else {
                return nil
            }
        }
    }

    /// A block whose closing tag has not been seen yet.
    private struct OpenBlock {
        let kind: BlockKind
        let path: TemplatePath
        let location: SourceLocation
        var body: [TemplateNode] = []
        var otherwise: [TemplateNode]? = nil

        var tagText: String { "{{#\(kind.rawValue) \(path.source)}}" }
    }

    private let fileName: String
    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private var column = 1
    private var root: [TemplateNode] = []
    private var openBlocks: [OpenBlock] = []

    init(fileName: String, bytes: [UInt8]) {
        self.fileName = fileName
        self.bytes = bytes
    }

    /// Checks that a template or partial name stays inside the library directory:
    /// `/`-separated segments of ASCII letters, digits, `_`, `-` and `.`, none of them `.` or `..`.
    static func isValidTemplateName(_ name: String) -> Bool {
        let segments = name.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        return segments.allSatisfy { segment in
            let text = String(Substring(segment))
            return !segment.isEmpty && text != "." && text != ".."
                && segment.allSatisfy { byte in
                    switch byte {
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"),
                        UInt8(ascii: "."):
                        true
                    default:
                        false
                    }
                }
        }
    }

    mutating func parse() throws(TemplateError) -> Template {
        var textStart = 0
        while let open = nextPair(UInt8(ascii: "{"), from: position) {
            appendText(from: textStart, to: open)
            advance(to: open)
            let location = SourceLocation(line: line, column: column)
            let contentStart = open + 2
            guard let close = nextPair(UInt8(ascii: "}"), from: contentStart),
                !containsPair(UInt8(ascii: "{"), in: bytes[contentStart..<close])
            else {
                throw error(at: location, "unclosed tag: '{{' without a matching '}}'")
            }
            advance(to: close + 2)
            let content = bytes[contentStart..<close]
            if try !handleCommonTag(content, at: location) {
                try handleTag(String(decoding: content, as: UTF8.self), at: location)
            }
            textStart = position
        }
        appendText(from: textStart, to: bytes.count)
        if let block = openBlocks.last {
            throw error(at: block.location, "unclosed \(block.tagText)")
        }
        return Template(fileName: fileName, nodes: root, sourceByteCount: bytes.count)
    }

    // MARK: Tags

    private mutating func handleTag(_ rawContent: String, at location: SourceLocation) throws(TemplateError) {
        let content = rawContent.trimmingWhitespace
        guard let first = content.utf8.first else {
            throw error(at: location, "empty tag {{}}")
        }
        switch first {
        case UInt8(ascii: "!"):
            return
        case UInt8(ascii: "{"):
            throw error(
                at: location,
                "'{{{' is not a tag: write {{ raw name }} for unescaped output, "
                    + "or put a space between a literal '{' and a tag")
        case UInt8(ascii: "#"):
            try openBlock(words(content.dropFirst()), at: location)
        case UInt8(ascii: "/"):
            try closeBlock(words(content.dropFirst()), at: location)
        case UInt8(ascii: ">"):
            let name = content.dropFirst().trimmingWhitespace
            guard Self.isValidTemplateName(name) else {
                throw error(at: location, "invalid partial name '\(name)' in {{\(content)}}")
            }
            append(.partial(name, location))
        default:
            let parts = words(Substring(content))
            if parts == ["else"] {
                try handleElse(at: location)
            } else if parts.first == "raw" {
                guard parts.count == 2 else {
                    throw error(at: location, "{{\(content)}}: 'raw' needs exactly one name, as in {{ raw name }}")
                }
                append(.value(try path(parts[1], in: content, at: location), escaped: false, location))
            } else if parts.count == 1 {
                append(.value(try path(parts[0], in: content, at: location), escaped: true, location))
            } else {
                throw error(
                    at: location,
                    "invalid tag {{\(content)}}: expected a name, 'raw name', "
                        + "'#if', '#unless', '#each', 'else', '/…', '>' or '!'")
            }
        }
    }

    private mutating func openBlock(_ parts: [String], at location: SourceLocation) throws(TemplateError) {
        let keyword = parts.first ?? ""
        guard let kind = BlockKind(rawValue: keyword) else {
            throw error(at: location, "unknown block keyword '#\(keyword)' (expected #if, #unless or #each)")
        }
        guard parts.count == 2 else {
            throw error(at: location, "{{#\(keyword)}} needs exactly one name, as in {{#\(keyword) name}}")
        }
        let tag = "#\(keyword) \(parts[1])"
        openBlocks.append(OpenBlock(kind: kind, path: try path(parts[1], in: tag, at: location), location: location))
    }

    private mutating func closeBlock(_ parts: [String], at location: SourceLocation) throws(TemplateError) {
        let keyword = parts.first ?? ""
        guard let kind = BlockKind(rawValue: keyword) else {
            throw error(at: location, "unknown block keyword '/\(keyword)' (expected /if, /unless or /each)")
        }
        guard parts.count == 1 else {
            throw error(at: location, "{{/\(keyword)}} takes no name")
        }
        guard let block = openBlocks.popLast() else {
            throw error(at: location, "{{/\(keyword)}} without an open {{#\(keyword)}}")
        }
        guard block.kind == kind else {
            let opened = "\(block.location.line):\(block.location.column)"
            throw error(at: location, "{{/\(keyword)}} does not match \(block.tagText) opened at \(opened)")
        }
        switch kind {
        case .if, .unless:
            append(
                .conditional(
                    block.path, negated: kind == .unless, then: block.body, otherwise: block.otherwise ?? [],
                    block.location))
        case .each:
            append(.loop(block.path, body: block.body, empty: block.otherwise ?? [], block.location))
        }
    }

    private mutating func handleElse(at location: SourceLocation) throws(TemplateError) {
        guard let index = openBlocks.indices.last else {
            throw error(at: location, "{{else}} outside {{#if}}, {{#unless}} or {{#each}}")
        }
        guard openBlocks[index].otherwise == nil else {
            throw error(at: location, "second {{else}} in \(openBlocks[index].tagText)")
        }
        openBlocks[index].otherwise = []
    }

    private func path(
        _ text: String, in tag: String, at location: SourceLocation
    ) throws(TemplateError) -> TemplatePath {
        guard let path = TemplatePath(text) else {
            let hint = text.hasPrefix("@") ? " (loop variables: @index, @number, @first, @last)" : ""
            throw error(at: location, "invalid name '\(text)' in {{\(tag)}}\(hint)")
        }
        return path
    }

    // MARK: Tree building

    private mutating func append(_ node: TemplateNode) {
        guard let index = openBlocks.indices.last else {
            root.append(node)
            return
        }
        if openBlocks[index].otherwise != nil {
            openBlocks[index].otherwise!.append(node)
        } else {
            openBlocks[index].body.append(node)
        }
    }

    private mutating func appendText(from start: Int, to end: Int) {
        if start < end {
            // Repaired to valid UTF-8 once here, so rendered output needs no check.
            append(.text(Array(String(decoding: bytes[start..<end], as: UTF8.self).utf8)))
        }
    }

    // MARK: Scanning

    /// The position of the next `byte byte` at or after `start`.
    private func nextPair(_ byte: UInt8, from start: Int) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            var index = start
            while index + 1 < buffer.count {
                if buffer[index + 1] == byte {
                    if buffer[index] == byte { return index }
                    index += 1
                } else {
                    index += 2
                }
            }
            return nil
        }
    }

    private func containsPair(_ byte: UInt8, in slice: ArraySlice<UInt8>) -> Bool {
        var previous: UInt8 = 0
        for current in slice {
            if current == byte && previous == byte { return true }
            previous = current
        }
        return false
    }

    /// Moves to `target`, keeping line and column (in Unicode scalars) current.
    private mutating func advance(to target: Int) {
        var (line, column) = (self.line, self.column)
        bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer[position..<target] {
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
        }
        (self.line, self.column, position) = (line, column, target)
    }

    /// Reads the tags pages are made of — `{{ name }}`, `{{ a.b }}`, `{{#if name}}`,
    /// `{{#unless name}}`, `{{#each name}}`, `{{/if}}` (…) and `{{else}}` — from the bytes, without
    /// building strings to inspect them. Returns false for any other tag and for every malformed
    /// one, which ``handleTag(_:at:)`` reads and explains.
    private mutating func handleCommonTag(_ content: ArraySlice<UInt8>, at location: SourceLocation) throws(TemplateError) -> Bool {
        let words = content.split(whereSeparator: Self.isSpace)
        switch words.count {
        case 1:
            let word = words[0]
            if word.elementsEqual("else".utf8) {
                try handleElse(at: location)
                return true
            }
            if word.first == UInt8(ascii: "/") {
                guard let kind = BlockKind(word.dropFirst()) else { return false }
                try closeBlock([kind.rawValue], at: location)
                return true
            }
            guard !word.elementsEqual("raw".utf8), let path = TemplatePath(keyPath: word) else { return false }
            append(.value(path, escaped: true, location))
            return true
        case 2:
            guard words[0].first == UInt8(ascii: "#"), let kind = BlockKind(words[0].dropFirst()),
                let path = TemplatePath(keyPath: words[1])
            else { return false }
            openBlocks.append(OpenBlock(kind: kind, path: path, location: location))
            return true
        default:
            return false
        }
    }

    private func error(at location: SourceLocation, _ message: String) -> TemplateError {
        TemplateError(file: fileName, at: location, message)
    }

    private func words(_ text: Substring) -> [String] {
        text.utf8.split(whereSeparator: Self.isSpace).map { String(Substring($0)) }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }
}
