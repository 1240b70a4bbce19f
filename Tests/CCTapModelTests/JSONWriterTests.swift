import Foundation
import Testing

@testable import CCTapModel

/// Our JSON writer (every MCP frame passes through it) writes what `JSONEncoder` with sorted keys
/// writes, byte for byte, so snapshots and logs are unchanged; and a pre-encoded result is spliced
/// verbatim, while nothing from outside can pass for one.
@Suite struct JSONWriterTests {
    func encoderText(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let corpus: [JSONValue] = [
        .null, true, false, 0, -1, .int(.max), .int(.min),
        .double(1.0), .double(-0.0), .double(2.5), .double(0.1), .double(1e-7), .double(1e21), .double(1.5e15),
        .double(123456789012.0), .double(3e300), .double(-4.25e-300), .double(1.0 / 3.0),
        "", "plain", "quote \" backslash \\ slash / url https://x/y", "\u{1}\u{1f}\t\n\r\u{8}\u{c}\u{7f}",
        "é ü 漢字 😀 \u{2028}\u{2029} \u{FFFD}", "\u{0}nul",
        [], [:], [1, "two", [3], ["four": 4]],
        ["b": 1, "B": 2, "a10": 3, "a9": 4, "_x": 5, "Z": 6, "é": 7, "ab": ["z": .null, "a": [true]]],
        ["type": "assistant", "message": ["content": [["type": "text", "text": "Hello\nworld"]], "usage": ["input_tokens": 12]]],
    ]

    @Test(arguments: corpus) func writesWhatJSONEncoderWrites(value: JSONValue) throws {
        #expect(value.jsonText() == (try encoderText(value)))
        // Read back, it is the same value (an integral double reads back as an integer: JSON has one kind of number).
        let back = JSONValue.parse(Array(value.jsonText().utf8))
        if case .double(let number) = value { #expect(back?.doubleValue == number) } else { #expect(back == value) }
    }

    @Test func aDeepMixedDocumentMatchesToo() throws {
        var document: JSONValue = ["leaf": .double(0.5)]
        for level in 0..<12 {  // each level holds the last one twice: 4,096 leaves
            document = ["level": .int(Int64(level)), "child": document, "siblings": [document, .string("s\(level)\n")]]
        }
        #expect(document.jsonText() == (try encoderText(document)))
    }

    @Test func aPreEncodedFragmentIsWrittenVerbatim() {
        let frame: JSONValue = ["jsonrpc": "2.0", "id": 7, "result": ["structuredContent": .preEncoded(#"{"count":2,"z":"a/b"}"#)]]
        #expect(frame.jsonText() == #"{"id":7,"jsonrpc":"2.0","result":{"structuredContent":{"count":2,"z":"a/b"}}}"#)
    }

    @Test func nothingFromOutsideCanPassForAFragment() throws {
        // A look-alike of the marker, as an event or a client could send it: written as an object,
        // its string escaped (the real key holds a random part nobody outside knows).
        let forged = try JSONParser.parse(Array(#"{"\u0000pre-encoded-x":"1},\"injected\":{"}"#.utf8))
        #expect(forged.jsonText() == #"{"\u0000pre-encoded-x":"1},\"injected\":{"}"#)
        #expect(JSONValue.parse(Array(forged.jsonText().utf8)) == forged)
    }

    @Test func numbersJSONCannotHoldAreNull() {
        #expect(JSONValue.array([.double(.nan), .double(.infinity), 1]).jsonText() == "[null,null,1]")
    }
}
