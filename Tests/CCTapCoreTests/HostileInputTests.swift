import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import CCTapCore

/// What comes from outside (the service's bodies and headers, a credentials file) cannot crash,
/// mislead or leak: each rule of the pure pieces that read it, case by case (issue 21's findings).
@Suite struct HostileInputTests {
    func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    // MARK: JSON

    @Test func loneSurrogatesBecomeReplacementCharacters() throws {
        #expect(try parse(#"{"title":"bad \ud800"}"#)["title"] == "bad \u{FFFD}")
        #expect(try parse(#""\udc00 low first""#) == "\u{FFFD} low first")
        #expect(try parse(#""\ud800\u0041""#) == "\u{FFFD}A")
        #expect(try parse(#""\ud83d\ude00""#) == "😀")
        #expect(try parse(#""plain ü and \n""#) == "plain ü and \n")
    }

    @Test func invalidUTF8BecomesReplacementCharacters() throws {
        let value = try JSONParser.parse([0x22, 0x61, 0xFF, 0x62, 0x22])
        #expect(value == "a\u{FFFD}b")
    }

    @Test func aValueNestedTooDeepIsReplacedAndItsNeighboursKept() throws {
        let deep = String(repeating: "[", count: 700) + "1" + String(repeating: "]", count: 700)
        let event = try parse(#"{"type":"assistant","input":\#(deep),"after":"kept"}"#)
        #expect(event["type"] == "assistant")
        #expect(event["after"] == "kept")
        var value = event["input"]
        var depth = 1
        while case .array(let items)? = value, let first = items.first {
            value = first
            depth += 1
        }
        #expect(value == .string(JSONParser.deepValueNote))
        #expect(depth == JSONParser.maxDepth)
        // A million brackets cost no stack: the skip is a loop.
        let huge = String(repeating: "[", count: 1_000_000) + String(repeating: "]", count: 1_000_000)
        #expect(try parse(huge) != .null)
    }

    @Test func numbersThatDoNotFitStayReadable() throws {
        #expect(try parse("9223372036854775807") == .int(Int64.max))
        #expect(try parse("18446744073709551616") == .double(18446744073709551616))
        #expect(try parse("1e400") == .string("1e400"))
        #expect(try parse("-0.5") == .double(-0.5))
        // Whatever was read can be written out again.
        #expect(try parse(#"{"a":1e400}"#).jsonText() == #"{"a":"1e400"}"#)
    }

    @Test(arguments: ["{", "", "{}x", "[1,]", "{\"a\" 1}", "nul", "\"open", "01x", "-"])
    func whatIsNotJSONIsStillAnError(_ text: String) {
        #expect(throws: JSONParser.Failure.self) { try parse(text) }
    }

    @Test func agreesWithFoundationOnOrdinaryJSON() throws {
        let text = #"{"data":[{"id":"evt_1","n":3,"ok":true,"x":null,"f":1.25,"w":2.0,"e":1e2,"s":"a\"b\\c\/d\u00e9"}],"has_more":false}"#
        let ours = try parse(text)
        let theirs = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(ours == theirs)
    }

    // MARK: Retry-After

    @Test(arguments: ["99999999999999999999", "1e300", "inf", "nan", "-5", "1.5", "", "soon", "86401"])
    func unusableRetryAfterCountsAsAbsent(_ header: String) {
        #expect(RetryAfter.seconds(header) == nil)
    }

    @Test func retryAfterInSecondsOrAsADate() {
        let now = Date(timeIntervalSince1970: 784_111_747)  // 30 s before the RFC's example date
        #expect(RetryAfter.seconds("120") == 120)
        #expect(RetryAfter.seconds(" 0 ") == 0)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == 30)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:37 GMT", now: now.addingTimeInterval(100)) == 0)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:37 GMT", now: Date(timeIntervalSince1970: 0)) == nil)
        #expect(RetryAfter.seconds("Sun, 06 Foo 1994 08:49:37 GMT", now: now) == nil)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, 1e300, -5, 1e20])
    func anExplanationNeverTrapsOnItsWait(_ seconds: Double) {
        let details = APIErrorDetails(status: 429, type: "rate_limit_error", message: "slow down", retryAfterSeconds: seconds, route: "GET /x")
        #expect(details.explanation.contains("Rate limited"))
        #expect(!details.explanation.contains("-5"))
    }

    @Test func secondsAreConvertedWithoutTrapping() {
        #expect(Seconds.whole(.nan) == nil)
        #expect(Seconds.whole(.infinity) == nil)
        #expect(Seconds.whole(1e300) == nil)
        #expect(Seconds.whole(2.1) == 3)
        #expect(Seconds.nanoseconds(-5) == 0)
        #expect(Seconds.nanoseconds(.nan) == 0)
        #expect(Seconds.nanoseconds(1e300) == 86_400 * 1_000_000_000)
        #expect((1e300).rounded(toDecimals: 2) == "1e+300")
    }

    // MARK: Secrets

    static let token = "sk-ant-oat01-SECRET-abcdefghijklmnop"
    static let device = "tdt-secret-0123456789"

    @Test func everyCredentialIsTakenOutOfForeignText() {
        let scrubber = SecretScrubber(secrets: [Self.token, Self.device, nil, "short"])
        let echoed = "Authorization: Bearer \(Self.token); X-Trusted-Device-Token: \(Self.device); short stays"
        let clean = scrubber.scrub(echoed)
        #expect(!clean.contains(Self.token))
        #expect(!clean.contains(Self.device))
        #expect(!clean.contains("SECRET"))
        #expect(clean.contains("Bearer [redacted]"))
        #expect(clean.contains("short stays"))
        // Tokens it does not hold, by their shape.
        #expect(scrubber.scrub("authorization: bearer someone-elses.token==") == "authorization: bearer [redacted]")
        #expect(scrubber.scrub("key sk-ant-api03-xyz_123 here") == "key [redacted] here")
        #expect(scrubber.scrub("nothing secret here") == "nothing secret here")
    }

    @Test(arguments: ["json", "html"])
    func anErrorBodyThatEchoesTheHeadersShowsNoCredential(_ form: String) {
        let headers = "Authorization: Bearer \(Self.token); X-Trusted-Device-Token: \(Self.device)"
        let body =
            form == "json"
            ? #"{"type":"error","error":{"type":"api_error","message":"\#(headers)"},"request_id":"Bearer \#(Self.token)"}"#
            : "<html><head><title>\(headers)</title></head><body>\(headers)</body></html>"
        var responseHeaders = HTTPHeaders([("content-type", form == "json" ? "application/json" : "text/html")])
        responseHeaders.add(name: "request-id", value: "req_1 \(Self.device)")
        let details = HTTPTransport.errorDetails(
            status: 500, headers: responseHeaders, body: ByteBuffer(string: body), route: "GET /v1/code/sessions",
            scrubber: SecretScrubber(secrets: [Self.token, Self.device]))
        let shown = TapError.api(details).message + (details.requestID ?? "")
        #expect(!shown.contains(Self.token))
        #expect(!shown.contains(Self.device))
        #expect(shown.contains("[redacted]"))
    }

    // MARK: The terminal

    @Test func controlCharactersAreMadeVisible() {
        #expect(TerminalText.safe("a\u{1B}[2Jb") == "a\\u{1b}[2Jb")
        #expect(TerminalText.safe("\u{1B}]0;pwned\u{07}x\u{0}y") == "\\u{1b}]0;pwned\\u{7}x\\u{0}y")
        #expect(TerminalText.safe("csi \u{9B}31m, rtl \u{202E}") == "csi \\u{9b}31m, rtl \\u{202e}")
        #expect(TerminalText.safe("two\nlines\tand tab, ü, 😀") == "two\nlines\tand tab, ü, 😀")
        #expect(TerminalText.safe("carriage\rreturn") == "carriage\\u{d}return")
    }

    // MARK: Sends

    @Test func onlyAnAnswerThatNamesTheMessageProvesItStored() {
        let uuid = "6f1c0a7e-0000-4000-8000-000000000001"
        #expect(StoreConfirmation.answerNames(uuid, ["data": [["uuid": .string(uuid)]]]))
        #expect(!StoreConfirmation.answerNames(uuid, [:]))
        #expect(!StoreConfirmation.answerNames(uuid, ["data": []]))
        #expect(!StoreConfirmation.answerNames(uuid, ["data": [["id": "evt_doesnotexist"]]]))
        #expect(!StoreConfirmation.answerNames(uuid, nil))
        #expect(StoreConfirmation.window >= 6)
    }
}
