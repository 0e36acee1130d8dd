import HooklineTemplates
import Testing

@Suite struct PartialTests {
    @Test func partialsRenderWithTheCurrentScope() throws {
        let output = try render(
            ["page": "<header>{{> nav }}</header>", "nav": "<a>{{ user }}</a>{{> badge }}", "badge": "<b>{{ role }}</b>"],
            "page", ["user": "ada", "role": "<admin>"])
        #expect(output == "<header><a>ada</a><b>&lt;admin&gt;</b></header>")
    }

    @Test func tableRowPartialInsideEach() throws {
        let templates = [
            "page": "<table>{{#each rows}}{{> row }}{{/each}}</table>",
            "row": "<tr{{#if @first}} class=\"first\"{{/if}}><td>{{ @number }}</td><td>{{ name }}</td></tr>",
        ]
        let output = try render(templates, "page", ["rows": [["name": "Orders"], ["name": "<CRM>"]]])
        #expect(output == #"<table><tr class="first"><td>1</td><td>Orders</td></tr><tr><td>2</td><td>&lt;CRM&gt;</td></tr></table>"#)
    }

    @Test func partialsInSubdirectories() throws {
        let output = try render(["page": "{{> partials/flash }}", "partials/flash": "<p>{{ flash }}</p>"], "page", ["flash": "Saved"])
        #expect(output == "<p>Saved</p>")
    }

    @Test func layoutPattern() throws {
        let directory = TemplateDirectory([
            "inventory": "<h1>{{ title }}</h1><p>{{ count }} subscriptions</p>",
            "layout": "<!doctype html><title>{{ title }} · Hookline</title><main>{{ raw body }}</main>",
        ])
        let library = directory.library()
        let body = try library.renderHTML("inventory", ["title": "Webhooks <beta>", "count": 2])
        let page = try library.render("layout", ["title": "Webhooks <beta>", "body": body])
        #expect(
            page
                == "<!doctype html><title>Webhooks &lt;beta&gt; · Hookline</title><main><h1>Webhooks &lt;beta&gt;</h1><p>2 subscriptions</p></main>"
        )
    }

    @Test func partialsMayNestTwentyDeep() throws {
        var templates: [String: String] = ["p20": "bottom"]
        for level in 0..<20 {
            templates["p\(level)"] = "\(level)>{{> p\(level + 1) }}"
        }
        #expect(try render(templates, "p0").hasSuffix("19>bottom"))
    }

    @Test func loadsOnlyTheTemplatesItUsesAndCachesThem() throws {
        let directory = TemplateDirectory(["page": "{{#if admin}}{{> admin }}{{/if}}ok", "broken": "{{#if x}}never closed"])
        let library = directory.library()
        #expect(try library.render("page", [:]) == "ok")
        directory.remove("page")
        #expect(try library.render("page", [:]) == "ok")
    }
}
