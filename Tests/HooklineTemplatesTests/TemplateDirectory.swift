#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HooklineTemplates

/// A temporary directory of template files (`name` → `name.html`), removed when released.
final class TemplateDirectory {
    let path: String
    private var files: Set<String> = []
    private var subdirectories: [String] = []

    init(_ templates: [String: String]) {
        var pattern = Array("/tmp/hookline-templates-XXXXXX".utf8CString)
        guard mkdtemp(&pattern) != nil else { fatalError("mkdtemp failed: errno \(errno)") }
        path = String(decoding: pattern.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        for (name, contents) in templates {
            add(name, contents)
        }
    }

    func add(_ name: String, _ contents: String) {
        if let slash = name.lastIndex(of: "/") {
            let subdirectory = path + "/" + name[..<slash]
            if mkdir(subdirectory, 0o755) == 0 { subdirectories.append(subdirectory) }
        }
        let file = path + "/" + name + ".html"
        let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { fatalError("cannot create \(file): errno \(errno)") }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        precondition(written == bytes.count)
        close(descriptor)
        files.insert(file)
    }

    func remove(_ name: String) {
        let file = path + "/" + name + ".html"
        unlink(file)
        files.remove(file)
    }

    func library() -> TemplateLibrary {
        TemplateLibrary(directory: path)
    }

    deinit {
        for file in files { unlink(file) }
        for subdirectory in subdirectories.reversed() { rmdir(subdirectory) }
        rmdir(path)
    }
}

/// Renders `name` from a fresh directory holding `templates`.
func render(
    _ templates: [String: String], _ name: String = "page", _ context: [String: TemplateValue] = [:]
) throws -> String {
    let directory = TemplateDirectory(templates)
    return try directory.library().render(name, context)
}

/// The error description rendering produces, or nil when it succeeds.
func renderError(
    _ templates: [String: String], _ name: String = "page", _ context: [String: TemplateValue] = [:]
) -> String? {
    let directory = TemplateDirectory(templates)
    return renderError(directory, name, context)
}

func renderError(_ directory: TemplateDirectory, _ name: String = "page", _ context: [String: TemplateValue] = [:]) -> String? {
    do {
        _ = try directory.library().render(name, context)
        return nil
    } catch {
        return error.description
    }
}
