/// One piece of a parsed template. The tree is immutable once parsed.
indirect enum TemplateNode: Sendable {
    /// Literal text (UTF-8), copied as is.
    case text([UInt8])
    /// `{{ path }}` (escaped) or `{{ raw path }}`.
    case value(TemplatePath, escaped: Bool, SourceLocation)
    /// `{{#if}}` (or `{{#unless}}` when `negated`) with its two branches.
    case conditional(TemplatePath, negated: Bool, then: [TemplateNode], otherwise: [TemplateNode], SourceLocation)
    /// `{{#each path}}` with the body per item and the branch for an empty list.
    case loop(TemplatePath, body: [TemplateNode], empty: [TemplateNode], SourceLocation)
    /// `{{> name}}`: the template `name.html`, loaded when first rendered.
    case partial(String, SourceLocation)
}
