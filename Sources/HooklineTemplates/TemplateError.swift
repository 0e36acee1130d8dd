/// A template that cannot be parsed or rendered, with the place to fix it.
///
/// `description` reads `inventory.html:12:5: unclosed {{#each rows}}`. Lines and columns are
/// 1-based; columns count Unicode scalars. `line` and `column` are 0 when the error concerns
/// the whole file (a template that does not exist), and `description` then omits them.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template file name relative to the library directory, e.g. `inventory.html`.
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    init(file: String, at location: SourceLocation, _ message: String) {
        self.init(file: file, line: location.line, column: location.column, message: message)
    }

    public var description: String {
        line == 0 ? "\(file): \(message)" : "\(file):\(line):\(column): \(message)"
    }
}
