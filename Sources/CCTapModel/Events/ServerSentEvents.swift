/// One server-sent event: what a blank line dispatches.
public struct ServerSentEvent: Sendable, Equatable {
    /// The `event:` field; empty for an unnamed event (the service's keepalives are unnamed).
    public var name: String
    /// The `data:` lines, joined with newlines.
    public var data: String
    /// The last `id:` seen on the stream (it persists across events, as the spec says).
    public var lastEventID: String

    public init(name: String = "", data: String = "", lastEventID: String = "") {
        self.name = name
        self.data = data
        self.lastEventID = lastEventID
    }
}

/// A strict, incremental parser of the `text/event-stream` format (the WHATWG HTML "server-sent
/// events" rules): lines end with CR, LF or CRLF; `:` starts a comment; `event`, `data` and `id`
/// are the fields read (`retry` and anything else are ignored); a blank line dispatches the event if it has at least one `data`
/// line; an `id` containing NUL is ignored. Bytes may arrive split anywhere, even inside a UTF-8
/// sequence or a CRLF. (A keepalive that is only a comment dispatches nothing: a stall watchdog
/// should count bytes received, not events.)
///
/// Why not the parser in mattt/EventSource (the one swift-sdk brought, when we used it): it is an actor
/// fed one byte per `await`, and its line and event buffers have no bound, so a long catch-up costs an
/// actor hop per byte and a broken stream can grow them without limit. This one is a plain struct fed
/// whole buffers; lines longer than `maxLineBytes` and events larger than `maxEventBytes` are an
/// error. It is fuzzed by `scripts/fuzz.sh sse` (split input must parse as the whole does).
public struct ServerSentEventParser: Sendable {
    public enum Failure: Error, Equatable, Sendable {
        case lineTooLong(Int)
        case eventTooLarge(Int)
    }

    public let maxLineBytes: Int
    public let maxEventBytes: Int

    private var line: [UInt8] = []
    private var afterCR = false
    private var sawFirstLine = false
    private var name = ""
    private var data: [String] = []
    private var dataBytes = 0
    private var lastEventID = ""

    public init(maxLineBytes: Int = 4 * 1024 * 1024, maxEventBytes: Int = 16 * 1024 * 1024) {
        self.maxLineBytes = maxLineBytes
        self.maxEventBytes = maxEventBytes
    }

    /// Feeds bytes; returns the events they complete.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) throws(Failure) -> [ServerSentEvent] where Bytes.Element == UInt8 {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == 0x0A { continue }  // the LF of a CRLF
            }
            switch byte {
            case 0x0D:
                afterCR = true
                if let event = try endLine() { events.append(event) }
            case 0x0A:
                if let event = try endLine() { events.append(event) }
            default:
                guard line.count < maxLineBytes else { throw .lineTooLong(maxLineBytes) }
                line.append(byte)
            }
        }
        return events
    }

    /// The `id` the stream last set: what to resume from (`Last-Event-ID`).
    public var resumeID: String { lastEventID }

    private mutating func endLine() throws(Failure) -> ServerSentEvent? {
        var bytes = line[...]
        line.removeAll(keepingCapacity: true)
        if !sawFirstLine {
            sawFirstLine = true
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }  // a leading BOM
        }
        if bytes.isEmpty { return dispatch() }
        if bytes.first == UInt8(ascii: ":") { return nil }  // a comment
        let field: ArraySlice<UInt8>
        var value: ArraySlice<UInt8>
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            field = bytes[..<colon]
            value = bytes[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = bytes
            value = []
        }
        let text = String(decoding: value, as: UTF8.self)
        switch String(decoding: field, as: UTF8.self) {
        case "event":
            name = text
        case "data":
            dataBytes += value.count + 1
            guard dataBytes <= maxEventBytes else { throw .eventTooLarge(maxEventBytes) }
            data.append(text)
        case "id":
            if !value.contains(0) { lastEventID = text }
        default:
            // Unknown fields are ignored, as the format requires; so is `retry` (the reconnection
            // delay the server suggests): cc-tap's own backoff decides when to reconnect.
            break
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            name = ""
            data.removeAll()
            dataBytes = 0
        }
        guard !data.isEmpty else { return nil }  // no data line: nothing to dispatch
        return ServerSentEvent(name: name, data: data.joined(separator: "\n"), lastEventID: lastEventID)
    }
}
