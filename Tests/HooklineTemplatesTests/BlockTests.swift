import HooklineTemplates
import Testing

@Suite struct BlockTests {
    @Test func eachProvidesLoopVariables() throws {
        let template =
            "{{#each rows}}{{ @index }}/{{ @number }}:{{ name }}{{#if @first}}(first){{/if}}{{#if @last}}(last){{/if}};{{else}}none{{/each}}"
        let rows: TemplateValue = [["name": "a"], ["name": "b"], ["name": "c"]]
        #expect(try render(["page": template], "page", ["rows": rows]) == "0/1:a(first);1/2:b;2/3:c(last);")
        #expect(try render(["page": template], "page", ["rows": [["name": "only"]]]) == "0/1:only(first)(last);")
    }

    @Test func eachRendersElseForAnEmptyList() throws {
        let template = "<tbody>{{#each rows}}<tr>{{ name }}</tr>{{else}}<tr><td>No subscriptions yet</td></tr>{{/each}}</tbody>"
        #expect(try render(["page": template], "page", ["rows": []]) == "<tbody><tr><td>No subscriptions yet</td></tr></tbody>")
    }

    @Test func dotIsTheCurrentItem() throws {
        let output = try render(["page": "{{#each tags}}{{ . }},{{/each}}"], "page", ["tags": ["x", "<y>", 3]])
        #expect(output == "x,&lt;y&gt;,3,")
    }

    @Test func itemKeysShadowOuterKeysWhichStayVisible() throws {
        let output = try render(
            ["page": "{{ name }}:{{#each rows}}[{{ name }} {{ prefix }}]{{/each}}:{{ name }}"],
            "page", ["name": "outer", "prefix": "p", "rows": [["name": "inner"], ["other": 1]]])
        #expect(output == "outer:[inner p][outer p]:outer")
    }

    @Test func nestedEachUsesTheInnermostLoop() throws {
        let template =
            "{{#each groups}}[{{ name }}:{{#each events}} {{ @index }}={{ . }}{{#if @last}} in {{ name }}{{/if}}{{else}} empty{{/each}}]{{/each}}"
        let groups: TemplateValue = [
            ["name": "Conversation", "events": ["started", "ended"]],
            ["name": "Agent", "events": []],
        ]
        #expect(
            try render(["page": template], "page", ["groups": groups]) == "[Conversation: 0=started 1=ended in Conversation][Agent: empty]")
    }

    @Test func ifAndUnlessTreatMissingKeysAsFalse() throws {
        let template =
            #"{{#if error}}<p class="error">{{ error }}</p>{{else}}ok{{/if}}{{#unless error}}!{{/unless}}{{#if form.name.error}}bad name{{/if}}"#
        #expect(try render(["page": template]) == "ok!")
        #expect(try render(["page": template], "page", ["error": "Name <required>"]) == #"<p class="error">Name &lt;required&gt;</p>"#)
        #expect(try render(["page": template], "page", ["form": ["name": ["error": "too long"]]]) == "ok!bad name")
    }

    @Test func unlessHasAnElseBranch() throws {
        let template = "{{#unless active}}Inactive{{else}}Active{{/unless}}"
        #expect(try render(["page": template], "page", ["active": true]) == "Active")
        #expect(try render(["page": template], "page", ["active": false]) == "Inactive")
    }

    @Test func truthiness() throws {
        let cases: [(TemplateValue, Bool)] = [
            (true, true), (false, false), ("x", true), ("", false), (.html("<br>"), true), (.html(""), false),
            (1, true), (-1, true), (0, false), (["a"], true), ([], false), (.dict([:]), true),
        ]
        let directory = TemplateDirectory(["page": "{{#if v}}T{{else}}F{{/if}}"])
        let library = directory.library()
        for (value, expected) in cases {
            #expect(try library.render("page", ["v": value]) == (expected ? "T" : "F"), "\(value)")
        }
    }

    @Test func dottedPathsReachIntoDictionaries() throws {
        var context: TemplateDictionary = ["subscription": ["owner": ["name": "Ada & Co"], "events": 3]]
        context["list"] = [1]
        let output = try render(
            ["page": "{{ subscription.owner.name }} ({{ subscription.events }}){{#each list}}{{ subscription.owner.name }}{{/each}}"],
            "page", context)
        #expect(output == "Ada &amp; Co (3)Ada &amp; Co")
    }
}
