import HooklineTemplates
import Testing

@Suite struct ParseErrorTests {
    @Test func unclosedBlockNamesItsOpeningTag() {
        #expect(renderError(["page": "<ul>\n  {{#each rows}}\n<li>{{ name }}</li>\n"]) == "page.html:2:3: unclosed {{#each rows}}")
        #expect(renderError(["page": "{{#if a}}{{#unless b}}{{/unless}}"]) == "page.html:1:1: unclosed {{#if a}}")
    }

    @Test func unclosedTag() {
        #expect(renderError(["page": "a\nb {{ name"]) == "page.html:2:3: unclosed tag: '{{' without a matching '}}'")
        #expect(renderError(["page": "<p>{{#each rows</p>\n{{/each}}"]) == "page.html:1:4: unclosed tag: '{{' without a matching '}}'")
    }

    @Test func unknownBlockKeyword() {
        #expect(
            renderError(["page": "x\n  {{#for rows}}{{/for}}"])
                == "page.html:2:3: unknown block keyword '#for' (expected #if, #unless or #each)")
        #expect(renderError(["page": "{{#if a}}{{/fi}}"]) == "page.html:1:10: unknown block keyword '/fi' (expected /if, /unless or /each)")
    }

    @Test func mismatchedClosingTag() {
        #expect(renderError(["page": "{{#if a}}\n  {{/each}}"]) == "page.html:2:3: {{/each}} does not match {{#if a}} opened at 1:1")
        #expect(renderError(["page": "x {{/if}}"]) == "page.html:1:3: {{/if}} without an open {{#if}}")
    }

    @Test func strayAndRepeatedElse() {
        #expect(renderError(["page": "a\n{{else}}"]) == "page.html:2:1: {{else}} outside {{#if}}, {{#unless}} or {{#each}}")
        #expect(renderError(["page": "{{#if a}}1{{else}}2{{else}}3{{/if}}"]) == "page.html:1:20: second {{else}} in {{#if a}}")
    }

    @Test func malformedTags() {
        #expect(renderError(["page": "x{{}}"]) == "page.html:1:2: empty tag {{}}")
        #expect(
            renderError(["page": "{{ first name }}"])
                == "page.html:1:1: invalid tag {{first name}}: expected a name, 'raw name', '#if', '#unless', '#each', 'else', '/…', '>' or '!'"
        )
        #expect(
            renderError(["page": "{{{ name }}}"])
                == "page.html:1:1: '{{{' is not a tag: write {{ raw name }} for unescaped output, or put a space between a literal '{' and a tag"
        )
        #expect(renderError(["page": "{{ raw }}"]) == "page.html:1:1: {{raw}}: 'raw' needs exactly one name, as in {{ raw name }}")
        #expect(renderError(["page": "{{ a..b }}"]) == "page.html:1:1: invalid name 'a..b' in {{a..b}}")
        #expect(
            renderError(["page": "{{#each rows}}{{ @idx }}{{/each}}"])
                == "page.html:1:15: invalid name '@idx' in {{@idx}} (loop variables: @index, @number, @first, @last)")
        #expect(renderError(["page": "{{#if}}{{/if}}"]) == "page.html:1:1: {{#if}} needs exactly one name, as in {{#if name}}")
        #expect(renderError(["page": "{{> ../secrets }}"]) == "page.html:1:1: invalid partial name '../secrets' in {{> ../secrets}}")
    }

    @Test func columnsCountCharactersNotBytes() {
        #expect(renderError(["page": "Grüße 🚀 {{ nope }}"]) == "page.html:1:9: no value named 'nope'")
    }

    @Test func parseErrorInAPartialNamesThePartialFile() {
        #expect(
            renderError(["page": "<table>{{> row }}</table>", "row": "<tr>\n  <td>{{#if x}}</td>\n</tr>"])
                == "row.html:2:7: unclosed {{#if x}}")
    }
}

@Suite struct RenderErrorTests {
    @Test func missingKeyIsAnErrorNotEmptiness() {
        #expect(renderError(["page": "<p>\n  Hello {{ nmae }}</p>"], "page", ["name": "Ada"]) == "page.html:2:9: no value named 'nmae'")
        #expect(renderError(["page": "{{ raw snippet }}"]) == "page.html:1:1: no value named 'snippet'")
    }

    @Test func missingKeyInDottedPath() {
        #expect(renderError(["page": "{{ user.nmae }}"], "page", ["user": ["name": "Ada"]]) == "page.html:1:1: 'user' has no key 'nmae'")
        #expect(
            renderError(["page": "{{ user.name.first }}"], "page", ["user": ["name": "Ada"]])
                == "page.html:1:1: 'user.name' is text, not a dictionary, so 'user.name.first' has no value")
    }

    @Test func missingListForEach() {
        #expect(
            renderError(["page": "<table>\n{{#each rwos}}{{/each}}"], "page", ["rows": []])
                == "page.html:2:1: {{#each rwos}}: no value named 'rwos'")
        #expect(
            renderError(["page": "{{#each rows}}{{/each}}"], "page", ["rows": "x"])
                == "page.html:1:1: {{#each rows}} needs a list, but 'rows' is text")
    }

    @Test func printingListsOrDictionaries() {
        #expect(
            renderError(["page": "{{ rows }}"], "page", ["rows": []])
                == "page.html:1:1: cannot print 'rows': it is a list; loop over it with {{#each rows}}")
        #expect(renderError(["page": "{{ . }}"]) == "page.html:1:1: cannot print '.': it is a dictionary")
    }

    @Test func loopVariableOutsideEach() {
        #expect(renderError(["page": "n={{ @index }}"]) == "page.html:1:3: @index used outside {{#each}}")
    }

    @Test func errorInsidePartialInsideEachNamesThePartial() {
        let templates = ["page": "{{#each rows}}{{> row }}{{/each}}", "row": "<tr><td>{{ nmae }}</td></tr>"]
        #expect(renderError(templates, "page", ["rows": [["name": "a"]]]) == "row.html:1:9: no value named 'nmae'")
    }

    @Test func missingPartialIsReportedAtTheIncludeTag() {
        let directory = TemplateDirectory(["page": "<div>\n\t{{> sidebar }}</div>"])
        #expect(renderError(directory) == "page.html:2:2: partial 'sidebar': template file not found: \(directory.path)/sidebar.html")
    }

    @Test func recursivePartialsStopAtTwentyLevels() {
        #expect(
            renderError(["page": "{{> loop }}", "loop": "x{{> loop }}"])
                == "loop.html:1:2: partials nested more than 20 deep at {{> loop}}; does a partial include itself?")
        var templates: [String: String] = ["p21": "too deep"]
        for level in 0...20 {
            templates["p\(level)"] = "{{> p\(level + 1) }}"
        }
        #expect(
            renderError(templates, "p0") == "p20.html:1:1: partials nested more than 20 deep at {{> p21}}; does a partial include itself?")
    }

    @Test func missingTemplateFile() {
        let directory = TemplateDirectory([:])
        #expect(renderError(directory, "nope") == "nope.html: template file not found: \(directory.path)/nope.html")
        #expect(renderError(directory, "../etc/passwd") == "../etc/passwd.html: invalid template name")
    }

    @Test func errorFieldsAreStructured() throws {
        let directory = TemplateDirectory(["page": "\n\n    {{ missing }}"])
        let error = #expect(throws: TemplateError.self) { try directory.library().render("page", [:]) }
        #expect(error == TemplateError(file: "page.html", line: 3, column: 5, message: "no value named 'missing'"))
    }
}
