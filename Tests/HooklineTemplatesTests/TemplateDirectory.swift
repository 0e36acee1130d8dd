import Foundation
import HooklineTemplates
import HooklineTestSupport

/// A temporary directory of template files (`name` → `name.html`), removed when released.
final class TemplateDirectory {
    private let directory = TemporaryDirectory(prefix: "hookline-templates")
    var path: String { directory.path }

    init(_ templates: [String: String]) {
        for (name, contents) in templates {
            add(name, contents)
        }
    }

    func add(_ name: String, _ contents: String) {
        directory.write(name + ".html", contents)
    }

    func remove(_ name: String) {
        try? FileManager.default.removeItem(atPath: directory.file(name + ".html"))
    }

    func library() -> TemplateLibrary {
        TemplateLibrary(directory: path)
    }
}

/// Renders `name` from a fresh directory holding `templates`.
func render(
    _ templates: [String: String], _ name: String = "page", _ context: TemplateDictionary = [:]
) throws -> String {
    let directory = TemplateDirectory(templates)
    return try directory.library().render(name, context)
}

/// The error description rendering produces, or nil when it succeeds.
func renderError(
    _ templates: [String: String], _ name: String = "page", _ context: TemplateDictionary = [:]
) -> String? {
    let directory = TemplateDirectory(templates)
    return renderError(directory, name, context)
}

func renderError(_ directory: TemplateDirectory, _ name: String = "page", _ context: TemplateDictionary = [:]) -> String? {
    do {
        _ = try directory.library().render(name, context)
        return nil
    } catch {
        return error.description
    }
}
