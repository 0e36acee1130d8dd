import HooklineCGI
import Testing

@Suite struct FormDataTests {
    @Test func plusIsSpaceAndPercentEscapesDecode() throws {
        let form = try FormData(urlEncoded: "name=CRM+sync&url=https%3A%2F%2Fexample.com%2Fhook%3Fa%3D1%26b%3D2&c=%26")
        #expect(form["name"] == "CRM sync")
        #expect(form["url"] == "https://example.com/hook?a=1&b=2")
        #expect(form["c"] == "&")
    }

    @Test func literalPlusArrivesEncoded() throws {
        let form = try FormData(urlEncoded: "q=a%2Bb+c")
        #expect(form["q"] == "a+b c")
    }

    @Test func multiByteUTF8EscapesDecode() throws {
        let form = try FormData(urlEncoded: "name=Caf%C3%A9+%E2%9C%93&emoji=%F0%9F%93%9E")
        #expect(form["name"] == "Café ✓")
        #expect(form["emoji"] == "📞")
    }

    @Test func lowercaseHexEscapesDecode() throws {
        #expect(try FormData(urlEncoded: "a=%c3%a9")["a"] == "é")
    }

    @Test(arguments: ["a=%", "a=%4", "a=%zz", "a=%4g", "%=1", "a=100%", "a=%%41"])
    func malformedEscapesAreRejected(_ text: String) {
        #expect(throws: FormDataError.malformedEscape) { try FormData(urlEncoded: text) }
    }

    @Test(arguments: ["a=%FF", "a=%C3", "a=%C3%28", "a=%ED%A0%80", "%FE=1"])
    func invalidUTF8IsRejected(_ text: String) {
        #expect(throws: FormDataError.invalidUTF8) { try FormData(urlEncoded: text) }
    }

    @Test func nulIsRejectedInNamesAndValues() {
        #expect(throws: FormDataError.nulByte) { try FormData(urlEncoded: "a=x%00y") }
        #expect(throws: FormDataError.nulByte) { try FormData(urlEncoded: "a%00=1") }
    }

    @Test func errorsExplainThemselves() {
        #expect(FormDataError.malformedEscape.description.contains("%-escape"))
        #expect(FormDataError.invalidUTF8.description.contains("UTF-8"))
        #expect(FormDataError.nulByte.description.contains("NUL"))
    }

    @Test func repeatedFieldsKeepEveryValueInOrder() throws {
        let form = try FormData(urlEncoded: "events=conversation.started&name=x&events=conversation.ended&events=conversation.started")
        #expect(form.all("events") == ["conversation.started", "conversation.ended", "conversation.started"])
        #expect(form.count("events") == 3)
        #expect(form["events"] == "conversation.started")
        #expect(form.count("missing") == 0)
        #expect(form.all("missing").isEmpty)
        #expect(form["missing"] == nil)
    }

    @Test func fieldsWithoutValueAndEmptyPartsAreHandled() throws {
        let form = try FormData(urlEncoded: "&flag&&empty=&x=1=2&")
        #expect(form.pairs.map(\.name) == ["flag", "empty", "x"])
        #expect(form["flag"] == "")
        #expect(form["empty"] == "")
        #expect(form["x"] == "1=2")
    }

    @Test func emptyTextIsEmptyForm() throws {
        #expect(try FormData(urlEncoded: "").pairs.isEmpty)
    }

    @Test func encodeUsesPlusForSpaceAndEscapesReservedBytes() {
        #expect(FormData.encode("a b&c=d/é?#+%") == "a+b%26c%3Dd%2F%C3%A9%3F%23%2B%25")
        #expect(FormData.encode("Az09-_.~") == "Az09-_.~")
    }

    @Test func encodeRoundTripsThroughDecode() throws {
        var original = FormData()
        original.append("q", "50% off & more + “quotes” <b>")
        original.append("events", "conversation.ended")
        original.append("events", "conversation.started")
        original.append("name with space", "Zürich ☎ 📞\t\r\n")
        original.append("empty", "")
        let decoded = try FormData(urlEncoded: original.urlEncoded)
        #expect(decoded == original)
        #expect(decoded.all("events") == ["conversation.ended", "conversation.started"])
        #expect(decoded["name with space"] == "Zürich ☎ 📞\t\r\n")
    }

    @Test func equalityConsidersOrder() throws {
        #expect(try FormData(urlEncoded: "a=1&b=2") != FormData(urlEncoded: "b=2&a=1"))
        #expect(try FormData(urlEncoded: "a=1&b=2") == FormData(pairs: [("a", "1"), ("b", "2")]))
    }
}
