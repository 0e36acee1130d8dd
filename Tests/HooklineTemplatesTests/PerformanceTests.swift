import Glibc
import HooklineTemplates
import Testing

@Suite struct PerformanceTests {
    @Test func rendersAThousandRowTable() throws {
        let directory = TemplateDirectory([
            "inventory": """
            <table>
            <thead><tr><th>Name</th><th>Target URL</th><th>Status</th><th>Events</th><th>Agents</th><th>Secret</th><th></th></tr></thead>
            <tbody>
            {{#each rows}}{{> inventory-row }}{{else}}<tr><td colspan="7">No subscriptions yet.</td></tr>{{/each}}
            </tbody>
            </table>
            """,
            "inventory-row": """
            <tr id="sub-{{ id }}"{{#if @first}} class="first"{{/if}}>
              <td><a href="{{ base }}/{{ id }}/edit">{{ name }}</a></td>
              <td><code>{{ url }}</code></td>
              <td>{{#if active}}Active{{else}}Inactive{{/if}}</td>
              <td>{{ events }}</td>
              <td>{{#each agents}}{{ . }}{{#unless @last}}, {{/unless}}{{else}}All Agents{{/each}}</td>
              <td>{{#if hasSecret}}Set{{else}}Not set{{/if}}</td>
              <td><a href="{{ base }}/{{ id }}/delete">Delete</a> <a href="{{ base }}/{{ id }}/test">Test</a></td>
            </tr>

            """,
        ])
        let rows: [TemplateValue] = (1...1000).map { number in
            [
                "id": .int(number),
                "name": .text("Subscription #\(number) <\"Acme\" & Co>"),
                "url": .text("https://hooks.example.com/receive?id=\(number)&kind=all"),
                "active": .bool(number % 3 != 0),
                "events": .int(number % 7 + 1),
                "agents": number % 2 == 0 ? [] : ["Support Bot", "Sales Bot"],
                "hasSecret": .bool(number % 2 == 0),
            ]
        }
        let context: TemplateDictionary = ["base": "/webhooks", "rows": .list(rows)]
        let library = directory.library()
        let clock = ContinuousClock()

        var output = ""
        let first = try clock.measure { output = try library.render("inventory", context) }
        let second = try clock.measure { output = try library.render("inventory", context) }
        if let loops = getenv("TEMPLATE_BENCH_LOOPS").map({ Int(String(cString: $0)) ?? 0 }), loops > 0 {
            let total = try clock.measure { for _ in 0..<loops { output = try library.render("inventory", context) } }
            print("bench: \(total / loops) per render")
        }
        print("1,000-row table: \(output.utf8.count) bytes; first render (with load + parse) \(first), cached \(second)")

        #expect(occurrences(of: "<tr id=\"sub-", in: output) == 1000)
        #expect(output.contains(#"<a href="/webhooks/1000/edit">Subscription #1000 &lt;&quot;Acme&quot; &amp; Co&gt;</a>"#))
        #expect(output.contains("<td>Support Bot, Sales Bot</td>"))
        #expect(output.contains("<td>All Agents</td>"))
    }

    private func occurrences(of needle: String, in haystack: String) -> Int {
        let needle = Array(needle.utf8)
        let bytes = Array(haystack.utf8)
        var count = 0
        var index = 0
        while index + needle.count <= bytes.count {
            if bytes[index..<index + needle.count].elementsEqual(needle) {
                count += 1
                index += needle.count
            } else {
                index += 1
            }
        }
        return count
    }
}
