import HooklineTestSupport
import Testing

@testable import HooklineStore

@Suite struct JSONValueTests {
    @Test func roundTripKeepsKeyOrderAndNumbersAsWritten() throws {
        let text = #"{"zeta":1,"alpha":[true,false,null],"mid":{"z":"x","a":1.50,"e":-2.5E+10},"empty":{},"list":[]}"#
        let value = try JSONValue(parsing: text)
        #expect(value.serialized() == text)
        guard case .object(let members) = value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.0) == ["zeta", "alpha", "mid", "empty", "list"])
    }

    @Test func whitespaceIsAcceptedAndDropped() throws {
        let value = try JSONValue(parsing: " \n{ \"a\" :\t[ 1 , 2 ] }\r\n")
        #expect(value.serialized() == #"{"a":[1,2]}"#)
    }

    @Test func prettyOutputIndents() throws {
        let value = try JSONValue(parsing: #"{"a":[1,{"b":null}],"c":"d"}"#)
        #expect(value.serialized(pretty: true) == "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": \"d\"\n}")
        #expect(try JSONValue(parsing: value.serialized(pretty: true)) == value)
    }

    @Test func escapesDecode() throws {
        let value = try JSONValue(parsing: #""q\"b\\s\/n\nr\rt\tb\bf\fu\u0041\u00e9""#)
        #expect(value == .string("q\"b\\s/n\nr\rt\tb\u{8}f\u{C}uAé"))
    }

    @Test func stringsSerializeWithRequiredEscapes() {
        #expect(JSONValue.quoted("a\"b\\c\nd\re\tf\u{1}g\u{1F}/é📞") == #""a\"b\\c\nd\re\tf\u0001g\u001f/é📞""#)
        #expect(JSONValue.string("</script>").serialized() == #""</script>""#)
    }

    @Test func unicodeAndSurrogatePairs() throws {
        #expect(try JSONValue(parsing: #""\ud83d\udcde""#) == .string("📞"))
        #expect(try JSONValue(parsing: #""\uD83D\uDCDE and Zürich""#) == .string("📞 and Zürich"))
        #expect(try JSONValue(parsing: "\"raw 📞 é\"") == .string("raw 📞 é"))
        let round = JSONValue.object([("name", .string("Café ☎ 📞 \u{7}"))])
        #expect(try JSONValue(parsing: round.serialized()) == round)
    }

    @Test(arguments: [#""\ud83d""#, #""\ud83dx""#, #""\ud83d\u0041""#, #""\udcde""#])
    func unpairedSurrogatesAreErrors(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test(arguments: [
        (#"{"a":1,}"#, 7), ("[1] x", 4), ("tru", 0), (#"{"a" 1}"#, 5), ("[1,2", 4), (#""abc"#, 4), ("", 0), (#"{"a":@}"#, 5),
        ("\"a\u{1}\"", 2), (#""\x""#, 2),
    ])
    func errorsCarryTheirOffset(_ text: String, _ offset: Int) {
        let error = #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
        #expect(error?.offset == offset, "\(text)")
        #expect(error?.description.contains("at byte \(offset)") == true)
    }

    @Test(arguments: ["01", "+1", ".5", "1.", "-", "1e", "1.2.3", "--1", "1e+", "0x10", "-.5"])
    func invalidNumbersAreErrors(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: "[\(text)]") }
    }

    @Test(arguments: ["0", "-0", "12", "-3.25", "1e5", "1E-5", "2.5e+10", "0.001"])
    func validNumbersAreKept(_ text: String) throws {
        #expect(try JSONValue(parsing: text).serialized() == text)
    }

    @Test func nestingIsLimited() throws {
        let deep = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try JSONValue(parsing: deep).serialized() == deep)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let error = #expect(throws: JSONParseError.self) { try JSONValue(parsing: tooDeep) }
        #expect(error?.message.contains("deep") == true)
        // Hostile depth fails fast instead of exhausting the stack.
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: String(repeating: "{\"a\":", count: 100_000)) }
    }

    @Test func subscriptAndSet() throws {
        var value = try JSONValue(parsing: #"{"a":1,"b":"two"}"#)
        #expect(value["b"]?.stringValue == "two")
        #expect(value["missing"] == nil)
        value.set("a", .string("one"))
        value.set("c", .int(3))
        #expect(value.serialized() == #"{"a":"one","b":"two","c":3}"#)
        var array = JSONValue.array([])
        array.set("x", .null)
        #expect(array.serialized() == "[]")
    }
}

@Suite struct TimestampParsingTests {
    @Test(arguments: [
        ("2026-04-19T14:30", 1_776_609_000), ("2026-04-19T14:30:00Z", 1_776_609_000), ("2026-04-19 14:30:59", 1_776_609_059),
        ("2026-04-19T16:30:00+02:00", 1_776_609_000), ("2026-04-19T14:30:00.123456Z", 1_776_609_000),
        ("2026-04-19T09:30:00-05:00", 1_776_609_000),
    ])
    func parsesRFC3339AndDatetimeLocal(_ text: String, _ seconds: Int) {
        #expect(Timestamp.parse(text) == seconds)
    }

    @Test(arguments: ["", "2026-04-19", "2026-02-31T10:00", "2026-13-01T00:00", "2026-04-19T24:00", "2026-04-19T14:30+2", "yesterday",
        "2026-04-19T14:30:00ZZ", "２０２６-04-19T14:30"])
    func refusesWhatIsNotADateTime(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func roundTripsThroughTheFormValue() {
        #expect(Timestamp.parse(Timestamp.minute(1_776_609_000)) == 1_776_609_000)
    }
}
