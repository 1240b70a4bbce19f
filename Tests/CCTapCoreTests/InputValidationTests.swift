import Foundation
import Testing
@testable import CCTapCore
import NIOCore

@Suite struct InputValidationTests {
    @Test func sessionIDForms() throws {
        #expect(try SessionID("session_01ABCdef_-9").suffix == "01ABCdef_-9")
        #expect(try SessionID("cse_01ABCdef_-9").spelled(.v1) == "session_01ABCdef_-9")
        #expect(try SessionID("01ABCdef_-9").spelled(.v2) == "cse_01ABCdef_-9")
        for bad in ["", "short", "session_../../etc", "abc?x=1&y=2", "abcdefgh/..", String(repeating: "a", count: 129), "ünïcödé1234"] {
            #expect(throws: TapError.self) { try SessionID(bad) }
        }
    }

    @Test func plainHTTPOnlyOnLoopback() throws {
        #expect(throws: Never.self) { try TapConfiguration.checkedBaseURL("http://127.0.0.1:8080") }
        #expect(throws: Never.self) { try TapConfiguration.checkedBaseURL("http://localhost:1") }
        #expect(throws: Never.self) { try TapConfiguration.checkedBaseURL("https://api.anthropic.com/") }
        #expect(throws: TapError.self) { try TapConfiguration.checkedBaseURL("http://api.anthropic.com") }
        #expect(throws: TapError.self) { try TapConfiguration.checkedBaseURL("http://10.0.0.1") }
        #expect(throws: TapError.self) { try TapConfiguration.checkedBaseURL("ftp://x") }
    }

    @Test func queryValuesArePercentEncoded() {
        #expect(HTTPTransport.percentEncode("a&b=c/../d?e") == "a%26b%3Dc%2F..%2Fd%3Fe")
    }

    @Test func jsonValueKeepsTypes() throws {
        let text = #"{"a":1,"b":true,"c":1.5,"d":null,"e":[1,"x"],"f":{"g":"h"},"big":9007199254740993}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(value["a"] == .int(1))
        #expect(value["b"] == .bool(true))
        #expect(value["c"] == .double(1.5))
        #expect(value["d"] == .null)
        #expect(value["big"] == .int(9007199254740993))
        #expect(value.jsonText() == #"{"a":1,"b":true,"big":9007199254740993,"c":1.5,"d":null,"e":[1,"x"],"f":{"g":"h"}}"#)
    }

    @Test func errorBodiesAreMapped() {
        var buffer = ByteBuffer()
        buffer.writeString(#"{"type":"error","error":{"type":"not_found_error","message":"Session not found"},"request_id":"req_1"}"#)
        let details = HTTPTransport.errorDetails(status: 404, headers: [:], body: buffer, route: "GET /v1/sessions/x", scrubber: SecretScrubber(secrets: []))
        #expect(details.type == "not_found_error")
        #expect(details.requestID == "req_1")
        #expect(TapError.api(details).kind == "not_found")
    }
}

import NIOCore
