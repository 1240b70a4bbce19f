import Testing

@testable import CCTapModel

/// The SSE parser against the format's rules, including input split at every byte.
@Suite struct ServerSentEventTests {
    func parse(_ text: String, chunk: Int? = nil) throws -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        let bytes = Array(text.utf8)
        guard let chunk else { return try parser.feed(bytes) }
        var events: [ServerSentEvent] = []
        var index = 0
        while index < bytes.count {
            events += try parser.feed(bytes[index..<min(bytes.count, index + chunk)])
            index += chunk
        }
        return events
    }

    static let stream = """
        : keepalive comment

        event: client_event
        id: 41
        data: {"sequence_num":"41",
        data: "payload":{"type":"user"}}

        data: unnamed
        data:
        data:  two spaces

        event: session_update\r\nid: 42\r\ndata: {"connection_status":"connected"}\r\n\r\n\
        event: delivery_update\rdata: x\r\r
        """

    @Test func parsesTheFormatsRules() throws {
        let events = try parse(Self.stream)
        #expect(events.count == 4)
        #expect(events[0] == ServerSentEvent(name: "client_event", data: "{\"sequence_num\":\"41\",\n\"payload\":{\"type\":\"user\"}}", lastEventID: "41"))
        #expect(events[1] == ServerSentEvent(name: "", data: "unnamed\n\n two spaces", lastEventID: "41"))  // id persists
        #expect(events[2].name == "session_update" && events[2].lastEventID == "42")
        #expect(events[3] == ServerSentEvent(name: "delivery_update", data: "x", lastEventID: "42"))
    }

    @Test(arguments: [1, 2, 3, 7])
    func givesTheSameEventsWhateverTheChunking(chunk: Int) throws {
        #expect(try parse(Self.stream, chunk: chunk) == parse(Self.stream))
        let unicode = "event: client_event\ndata: {\"title\":\"日本語 🚀\"}\n\n"
        #expect(try parse(unicode, chunk: 1).first?.data == "{\"title\":\"日本語 🚀\"}")
    }

    @Test func edgeCases() throws {
        var parser = ServerSentEventParser()
        #expect(try parser.feed(Array("\u{FEFF}data: bom\n\n".utf8)).first?.data == "bom")  // leading BOM skipped
        #expect(try parse("event: only-a-name\n\n").isEmpty)  // no data line, no event
        #expect(try parse("data: unfinished").isEmpty)  // no blank line yet
        #expect(try parse("id: a\u{0}b\ndata: x\n\n").first?.lastEventID == "")  // an id with NUL is ignored
        #expect(try parse("data\n\n").first?.data == "")  // a field with no colon has an empty value
        #expect(try parse("unknown: field\ndata: y\n\n").first?.data == "y")
        var retry = ServerSentEventParser()
        #expect(try retry.feed(Array("retry: 1500\nretry: soon\n".utf8)).isEmpty)  // read past, no event
        #expect(retry.resumeID == "")
        #expect(try retry.feed(Array("data: after\n\n".utf8)).first?.data == "after")
    }

    @Test func refusesRunawayInput() {
        var lines = ServerSentEventParser(maxLineBytes: 16, maxEventBytes: 64)
        #expect(throws: ServerSentEventParser.Failure.lineTooLong(16)) {
            try lines.feed(Array(String(repeating: "a", count: 40).utf8))
        }
        var events = ServerSentEventParser(maxLineBytes: 16, maxEventBytes: 20)
        #expect(throws: ServerSentEventParser.Failure.eventTooLarge(20)) {
            try events.feed(Array("data: 0123456789\ndata: 0123456789\n".utf8))
        }
    }
}
