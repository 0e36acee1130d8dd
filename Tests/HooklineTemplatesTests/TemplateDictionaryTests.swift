import HooklineTemplates
import Testing

/// TemplateDictionary behaves like `[String: TemplateValue]` for everything pages do with it.
@Suite struct TemplateDictionaryTests {
    @Test func readsSetsReplacesAndRemovesLikeADictionary() {
        var values: TemplateDictionary = ["name": "Orders", "count": 3]
        #expect(values["name"] == "Orders")
        #expect(values["missing"] == nil)
        values["count"] = 4
        values["active"] = true
        #expect(values["count"] == 4)
        #expect(values.count == 3)
        #expect(values.keys == ["name", "count", "active"])
        values["name"] = nil
        #expect(values["name"] == nil)
        #expect(values.count == 2)
        values["gone"] = nil
        #expect(values.count == 2)
    }

    @Test func aRepeatedLiteralKeyReadsAsItsLastValueAndCountsOnce() {
        var values: TemplateDictionary = ["a": 1, "b": 2, "a": 3]
        #expect(values["a"] == 3)
        #expect(values.count == 2)
        #expect(values.keys == ["b", "a"])
        #expect(values == ["b": 2, "a": 3])
        values["a"] = 5
        #expect(values["a"] == 5)
        #expect(values.count == 2)
        values["a"] = nil
        #expect(values["a"] == nil)
        #expect(values.count == 1)
    }

    @Test func equalityIgnoresOrderButNotValuesOrKeys() {
        let values: TemplateDictionary = ["a": 1, "b": "x"]
        #expect(values == ["b": "x", "a": 1])
        #expect(values != ["a": 1, "b": "y"])
        #expect(values != ["a": 1])
        #expect(values != ["a": 1, "b": "x", "c": 2])
        #expect(TemplateDictionary() == [:])
    }

    @Test func keysOfEqualLengthAreToldApart() {
        let values: TemplateDictionary = ["edit_link": "/1/edit", "view_link": "/1", "test_link": "/1/test"]
        #expect(values["view_link"] == "/1")
        #expect(values["edit_link"] == "/1/edit")
        #expect(values["test_link"] == "/1/test")
        #expect(values["nope_link"] == nil)
    }
}
