/// A parsed template file: its name for error messages and its token tree.
struct Template: Sendable {
    /// The file name relative to the library directory, e.g. `inventory.html`.
    let fileName: String
    let nodes: [TemplateNode]
    /// Size of the source, used to reserve output capacity.
    let sourceByteCount: Int
}
