import HooklineTemplates
import Testing

@Suite struct EscapingTests {
    @Test func escapesMarkupInElementText() throws {
        let output = try render(
            ["page": "<p>{{ comment }}</p>"],
            "page", ["comment": "<script>alert(\"x\")</script> & 'y'"])
        #expect(output == "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;</p>")
    }

    @Test func escapesQuotesInAttributes() throws {
        let output = try render(
            ["page": #"<a title="{{ title }}" data-x='{{ title }}'>"#],
            "page", ["title": #"" onmouseover="alert(1)' x='"#])
        #expect(
            output == #"<a title="&quot; onmouseover=&quot;alert(1)&#39; x=&#39;" data-x='&quot; onmouseover=&quot;alert(1)&#39; x=&#39;'>"#
        )
    }

    @Test func escapesAtEdgesAndLeavesPlainTextAlone() throws {
        let output = try render(
            ["page": "[{{ a }}][{{ b }}][{{ c }}][{{ d }}]"],
            "page", ["a": "<", "b": "&&", "c": "", "d": "plain text"])
        #expect(output == "[&lt;][&amp;&amp;][][plain text]")
    }

    @Test func rawIsTheOnlyUnescapedOutput() throws {
        let output = try render(
            ["page": "{{ raw snippet }}|{{ snippet }}"],
            "page", ["snippet": "<b>bold & bright</b>"])
        #expect(output == "<b>bold & bright</b>|&lt;b&gt;bold &amp; bright&lt;/b&gt;")
    }

    @Test func htmlValuesAreInsertedAsIsOnlyWithRaw() throws {
        let output = try render(["page": "<main>{{ raw body }}</main>"], "page", ["body": .html("<p>Hi &amp; bye</p>")])
        #expect(output == "<main><p>Hi &amp; bye</p></main>")
        #expect(throws: TemplateError.self) {
            try render(["page": "<main>{{ body }}</main>"], "page", ["body": .html("<p>Hi</p>")])
        }
    }

    @Test func printsNumbersAndBooleans() throws {
        let output = try render(
            ["page": "{{ count }} {{ negative }} {{ yes }} {{ no }}"],
            "page", ["count": 42, "negative": -7, "yes": true, "no": false])
        #expect(output == "42 -7 true false")
    }

    @Test func keepsUnicodeInTemplatesAndValues() throws {
        let output = try render(
            ["page": "Grüße, {{ name }} — 日本語 🚀 «{{ note }}»"],
            "page", ["name": "Zoë <Ünïcødé> 👩‍💻", "note": "ça & là"])
        #expect(output == "Grüße, Zoë &lt;Ünïcødé&gt; 👩‍💻 — 日本語 🚀 «ça &amp; là»")
    }

    @Test func singleBracesAreText() throws {
        let template = """
            <style>td{color:red} .x { margin: 0 }</style>
            <script type="application/json">{"a": {"b": [1, {"c": 2}]}}</script>
            { {{ name }} } {x}} { {{! comment }} }
            """
        let output = try render(["page": template], "page", ["name": "Ada"])
        #expect(
            output == """
                <style>td{color:red} .x { margin: 0 }</style>
                <script type="application/json">{"a": {"b": [1, {"c": 2}]}}</script>
                { Ada } {x}} {  }
                """)
    }

    @Test func dropsComments() throws {
        let output = try render(["page": "a{{! a note for maintainers: <b> }}b{{!}}c"])
        #expect(output == "abc")
    }

    @Test func toleratesWhitespaceInsideTags() throws {
        let output = try render(
            ["page": "{{name}}|{{  name\t}}|{{#if  on }}on{{ / if }}|{{\nraw   name\n}}"],
            "page", ["name": "x", "on": true])
        #expect(output == "x|x|on|x")
    }
}

@Suite struct NULEscapingTests {
    @Test func nulIsShownAsTheReplacementCharacter() throws {
        let output = try render(["page": "<pre>{{ body }}</pre>"], "page", ["body": "a\u{0}b<"])
        #expect(output == "<pre>a&#xFFFD;b&lt;</pre>")
    }
}
