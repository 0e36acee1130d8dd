import Foundation
import HooklineTemplates
import Testing

@Suite struct LayoutTests {
    @Test func pageInsideLayoutMatchesRenderingItSeparately() throws {
        let directory = TemplateDirectory([
            "layout": "<title>{{ title }}</title><main>{{ raw content }}</main><footer>{{ version }}</footer>",
            "page": "<h1>{{ heading }}</h1>{{#each items}}<p>{{ . }}</p>{{/each}}{{> note }}",
            "note": "<small>{{ heading }} & more</small>",
        ])
        let library = directory.library()
        let page: TemplateDictionary = ["heading": "Tom & Jerry", "items": ["<a>", "b"]]
        let layout: TemplateDictionary = ["title": "T", "version": "1.0"]
        let inOne = try library.renderPage("page", page, layout: "layout", layout)
        var twoSteps = layout
        twoSteps["content"] = try library.renderHTML("page", page)
        #expect(String(decoding: inOne, as: UTF8.self) == (try library.render("layout", twoSteps)))
        #expect(
            String(decoding: inOne, as: UTF8.self)
                == "<title>T</title><main><h1>Tom &amp; Jerry</h1><p>&lt;a&gt;</p><p>b</p><small>Tom &amp; Jerry & more</small></main><footer>1.0</footer>"
        )
    }

    @Test func pageSlotIsPrintedOnlyRawAndPageErrorsNameThePage() throws {
        let escaped = TemplateDirectory(["layout": "<main>{{ content }}</main>", "page": "<p>x</p>"])
        #expect(throws: TemplateError.self) {
            try escaped.library().renderPage("page", [:], layout: "layout", [:])
        }
        let missing = TemplateDirectory(["layout": "<main>{{ raw content }}</main>", "page": "<p>{{ nope }}</p>"])
        do {
            _ = try missing.library().renderPage("page", [:], layout: "layout", [:])
            Issue.record("a missing key in the page must fail")
        } catch {
            #expect(error.description.hasPrefix("page.html:1:4:"))
        }
    }

    @Test func invalidUTF8InATemplateFileIsRepaired() throws {
        let directory = TemplateDirectory(["layout": "<main>{{ raw content }}</main>"])
        #expect(FileManager.default.createFile(atPath: directory.path + "/page.html", contents: Data([0x63, 0xFF, 0x64])))
        let bytes = try directory.library().renderPage("page", [:], layout: "layout", [:])
        #expect(String(decoding: bytes, as: UTF8.self) == "<main>c\u{FFFD}d</main>")
        #expect(bytes == Array("<main>c\u{FFFD}d</main>".utf8))
    }
}
