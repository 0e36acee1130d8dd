// Fuzzes the template parser and renderer (HooklineTemplates).
//
// The input is a template. It is parsed, and when it parses it is rendered with a small fixed
// context against a directory holding two partials (`row`, and `loop`, which includes itself).
// Invariant: `{{ x }}` always escapes — a marker value with markup never reaches the output
// unescaped unless the template says `raw` (or spells the marker itself).
#if canImport(Glibc)
    import Glibc
#endif

private let marker = "<x-fuzz-marker a='1'>&"

private let context: TemplateDictionary = [
    "title": .text(marker),
    "count": 3,
    "zero": 0,
    "on": true,
    "off": false,
    "empty": "",
    "markup": .html("<b>" + marker + "</b>"),
    "rows": [["name": .text(marker), "id": 1], ["name": "Ada", "id": 2]],
    "names": ["Ada", .text(marker)],
    "none": [],
    "user": ["name": .text(marker), "address": ["city": "Zürich"]],
]

/// A fresh directory with the partials, made once per process.
private let partialsDirectory = makePartialsDirectory()

private func makePartialsDirectory() -> String {
    let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array("\(base)/hookline-fuzz-templates-XXXXXX".utf8CString)
    let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    for (name, text) in [("row", "<li>{{ name }}</li>\n"), ("loop", "{{> loop }}")] {
        let fd = open(directory + "/" + name + ".html", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
    return directory
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var parser = TemplateParser(fileName: "fuzz.html", bytes: bytes)
    let template: Template
    do { template = try parser.parse() } catch {
        fuzzCheck(error.file == "fuzz.html", "parse error names \(error.file)")
        let lines = bytes.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        fuzzCheck(
            error.line >= 1 && error.line <= lines && error.column >= 1 && error.column <= size + 1,
            "parse error at \(error.line):\(error.column)")
        return 0
    }
    // A library per input: its cache must not carry parsed partials from one input to the next.
    var renderer = TemplateRenderer(library: TemplateLibrary(directory: partialsDirectory), context: context)
    do { try renderer.render(template) } catch { return 0 }
    let output = String(decoding: renderer.output, as: UTF8.self)
    let source = String(decoding: bytes, as: UTF8.self)
    if !source.contains("raw") && !source.contains("x-fuzz-marker") {
        fuzzCheck(!output.contains("<x-fuzz-marker"), "unescaped value in the output of a template without raw")
    }
    return 0
}
