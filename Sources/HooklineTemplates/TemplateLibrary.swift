/// Loads and renders the HTML templates of one directory.
///
/// Templates are read and parsed only when first used, then cached for the life of the
/// instance (a CGI process renders one to three templates once, so nothing else is touched).
/// Not thread-safe: use one instance per request or per thread.
///
/// ## Template syntax
///
/// Templates are HTML files in the library directory; `render("inventory", …)` reads
/// `inventory.html`. `{{` always opens a tag and the first `}}` closes it; single `{` and `}`
/// (CSS, JSON, JavaScript) are plain text. A literal `{{` cannot appear in a template, and
/// `{{{` is an error (mustache-style raw output is spelled `{{ raw name }}` here).
///
///     {{ name }}            value, HTML-escaped (& < > " ' → &amp; &lt; &gt; &quot; &#39;):
///                           safe in element text and in quoted attributes.
///                           text: escaped · int: decimal · bool: `true`/`false`
///                           html: inserted as is · list/dict: render error
///     {{ a.b.c }}           dotted path through dictionaries
///     {{ raw name }}        unescaped output — the only opt-in; grep for `{{ raw` to audit
///     {{#if name}} … {{else}} … {{/if}}
///     {{#unless name}} … {{else}} … {{/unless}}
///                           truthy: true, non-empty text/html, non-zero int, non-empty list,
///                           any dict. A missing key is false (optional error fields).
///     {{#each name}} … {{else}} … {{/each}}
///                           loop over a list; `else` renders when it is empty. Inside, the
///                           item's keys shadow outer keys (outer keys stay visible);
///                           {{ . }} is the item itself; {{ @index }} (0-based),
///                           {{ @number }} (1-based), {{ @first }}, {{ @last }}.
///     {{> row }}            include `row.html` with the current scope (partials may include
///                           partials, up to 20 deep; `a/b` names a subdirectory).
///     {{! comment }}        dropped from the output
///
/// Text and whitespace around tags are kept exactly as written.
///
/// Errors name `file:line:column` (columns in Unicode scalars). Parse errors: unclosed tag or
/// block, unknown block keyword, mismatched `{{/…}}`, stray or second `{{else}}`, invalid name.
/// Render errors: `{{ name }}`, `{{ raw name }}` or `{{#each name}}` whose key is missing in every
/// scope (typos never print as empty), `#each` over a non-list, printing a list or dictionary,
/// `@index` outside a loop, a missing partial file (reported at the `{{> …}}` tag), partials
/// nested more than 20 deep.
public final class TemplateLibrary {
    /// The directory holding the `.html` template files.
    public let directory: String
    private var cache: [String: Template] = [:]

    /// Creates a library for `directory`; no file is read until a template is rendered.
    public init(directory: String) {
        self.directory = directory
    }

    /// Renders the template `name` (the file `directory/name.html`) with `context` as the
    /// outermost scope.
    ///
    /// - Throws: ``TemplateError`` naming the file, line and column of the faulty tag; for a
    ///   template file that does not exist, line and column are 0.
    public func render(_ name: String, _ context: TemplateDictionary) throws(TemplateError) -> String {
        String(decoding: try renderBytes(name, context), as: UTF8.self)
    }

    /// Renders the template `name` as UTF-8 bytes, ready to send: what ``render(_:_:)`` returns,
    /// without turning it into a `String` (text from the template files is repaired to valid
    /// UTF-8 when parsed, and values are Swift strings, so the bytes are valid as they are).
    public func renderBytes(_ name: String, _ context: TemplateDictionary) throws(TemplateError) -> [UInt8] {
        let template = try template(named: name, includedFrom: nil, at: nil)
        var renderer = TemplateRenderer(library: self, context: context)
        try renderer.render(template)
        return renderer.output
    }

    /// Renders the page template `name` inside the template `layout`, into one buffer: where the
    /// layout prints `{{ raw <slot> }}`, the page is rendered with `context` as its outermost
    /// scope (the layout's values are not visible to it). The slot can only be printed raw, and
    /// only by the layout; `{{#if <slot>}}` sees whatever `layoutContext` holds under that name.
    ///
    /// The result is the same as rendering the page, then the layout with the page as
    /// `.html` under `slot`, without building the page's markup as a separate string.
    public func renderPage(
        _ name: String, _ context: TemplateDictionary, layout: String, _ layoutContext: TemplateDictionary,
        slot: String = "content"
    ) throws(TemplateError) -> [UInt8] {
        let page = try template(named: name, includedFrom: nil, at: nil)
        let outer = try template(named: layout, includedFrom: nil, at: nil)
        var renderer = TemplateRenderer(library: self, context: layoutContext)
        renderer.slot = TemplateRenderer.Slot(name: slot, template: page, context: context)
        try renderer.render(outer, reserving: (outer.sourceByteCount + page.sourceByteCount) * 4)
        return renderer.output
    }

    /// Renders the template `name` as already-safe markup, ready to insert into another template
    /// (the layout pattern: render the page body, then the layout with `"body": body`).
    public func renderHTML(_ name: String, _ context: TemplateDictionary) throws(TemplateError) -> TemplateValue {
        .html(try render(name, context))
    }

    /// Returns the parsed template `name`, reading and parsing it on first use.
    ///
    /// A missing file is reported at the including `{{> …}}` tag when there is one.
    func template(
        named name: String, includedFrom includingFile: String?, at location: SourceLocation?
    ) throws(TemplateError) -> Template {
        if let cached = cache[name] {
            return cached
        }
        let fileName = name + ".html"
        func failure(_ message: String) -> TemplateError {
            if let includingFile, let location {
                return TemplateError(file: includingFile, at: location, "partial '\(name)': \(message)")
            }
            return TemplateError(file: fileName, line: 0, column: 0, message: message)
        }
        guard TemplateParser.isValidTemplateName(name) else {
            throw failure("invalid template name")
        }
        let path = directory + "/" + fileName
        let bytes: [UInt8]
        do {
            bytes = try TemplateFileReader.contents(ofFile: path)
        } catch {
            switch error {
            case .notFound: throw failure("template file not found: \(path)")
            case .unreadable(let reason): throw failure("cannot read template file \(path): \(reason)")
            }
        }
        var parser = TemplateParser(fileName: fileName, bytes: bytes)
        let template = try parser.parse()
        cache[name] = template
        return template
    }
}
