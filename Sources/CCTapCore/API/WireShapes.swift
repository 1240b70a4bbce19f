import CCTapModel

// The shapes of the service's answers, as the families' routes read them (PROTOCOL.md §1). Nothing
// here makes a request.

/// One page of a list answer: `{data, has_more, first_id, last_id}`.
struct Page: Sendable {
    var data: [JSONValue]
    var hasMore: Bool
    var firstID: String?
    var lastID: String?

    init(_ json: JSONValue, route: String) throws {
        guard let data = json["data"]?.arrayValue else {
            throw TapError.badResponse("\(route) answered without a `data` list; the API may have changed.")
        }
        self.data = data
        self.hasMore = json["has_more"]?.boolValue ?? false
        self.firstID = json["first_id"]?.stringValue
        self.lastID = json["last_id"]?.stringValue
    }
}

/// Which slice of a session's events to read.
struct EventsQuery: Sendable {
    var limit: Int
    var afterID: String? = nil
    var beforeID: String? = nil
    /// The newest `limit` events (before `beforeID`, if set), in chronological order.
    var anchorToLatest = false
}

/// One event as the v2 routes carry it: `{event_id, event_type, sequence_num, source, payload, ...}`.
/// `payload` is the SDK message the v1 routes list flat; it is passed on untouched.
struct EventEnvelope: Sendable {
    var sequence: Int
    var payload: JSONValue

    /// Nil when the object has no readable `sequence_num` (a decimal string; a number is accepted too).
    init?(_ json: JSONValue) {
        let number = json["sequence_num"]?.stringValue.flatMap { Int($0) } ?? json["sequence_num"]?.intValue.map { Int($0) }
        guard let number, number > 0 else { return nil }
        sequence = number
        payload = json["payload"] ?? json
    }
}

/// One page of the v2 event list (`{data, next_cursor?, resume_cursor}`).
struct EnvelopePage: Sendable {
    var envelopes: [EventEnvelope]
    /// `next_cursor` was present: more events lie in the page's direction.
    var hasMore: Bool
    /// Items left out for want of a `sequence_num`.
    var skipped = 0

    init(_ json: JSONValue, route: String) throws {
        guard let data = json["data"]?.arrayValue else {
            throw TapError.badResponse("\(route) answered without a `data` list; the API may have changed.")
        }
        // An item without a readable position cannot be placed among the others: it is left out and
        // counted, rather than failing every other event of the session.
        envelopes = data.compactMap(EventEnvelope.init)
        skipped = data.count - envelopes.count
        hasMore = json["next_cursor"].map { $0 != .null } ?? false
    }
}

/// One page of the session list, in either dialect: the session objects as the service sent them,
/// and where the next page starts (nil on the last page).
struct SessionPage: Sendable {
    var items: [JSONValue]
    var next: String?
    /// v2 only: the token the account watch resumes from (`resume_token`).
    var resumeToken: String? = nil
}

/// Where a backwards read continues: before this v2 `sequence_num` or before this v1 event id.
enum HistoryPosition: Sendable, Equatable {
    case sequence(Int)
    case eventID(String)
}

/// A page of history read newest-first: the events (payloads) oldest first, and where older ones
/// continue (nil at the start of the session).
struct HistoryPage: Sendable {
    var events: [JSONValue]
    var older: HistoryPosition?
    /// Just past the page's newest event, in the dialect's numbering (`start` for an empty session):
    /// a first page read this way is also the session's latest position.
    var newest: EventCursor.Position
}

/// What one diagnostic request got: the status (nil when no answer came), the JSON body of a
/// success, or the error.
struct ProbeAnswer: Sendable {
    var status: Int?
    var json: JSONValue?
    var error: TapError?
    var milliseconds: Int

    var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }

    /// "200 in 12 ms", "404 not_found_error", "no answer: …".
    var summary: String {
        if succeeded { return "\(status!) in \(milliseconds) ms" }
        if case .api(let details)? = error { return "\(details.status) \(details.type)" }
        return "no answer: \(error?.message.prefix(120) ?? "unknown")"
    }
}

/// One session's record as a single read answers it. Late-2026 services wrap it as
/// `{"response_shape": {…}}` (RC-API's fork §3.1, G2's `unwrap_session`); the iOS app's types suggest
/// `{"session": {…}}` for some answers; the list and older services send the bare object. All three
/// are read; anything else is an error, never an empty session.
enum SessionRecord {
    static let wrappers = ["response_shape", "session"]

    /// The session's context as the record gives it: v1 and single reads say `session_context`, v2
    /// list items `config`.
    static func context(of json: JSONValue) -> JSONValue? { json["session_context"] ?? json["config"] }

    static func unwrapped(_ json: JSONValue, route: String) throws -> JSONValue {
        guard json.objectValue != nil else { throw TapError.badResponse("\(route) did not answer a session object.") }
        if json["id"]?.stringValue == nil {
            for key in wrappers {
                if let inner = json[key], inner["id"]?.stringValue != nil { return inner }
            }
            let keys = json.objectValue?.keys.sorted().prefix(8).joined(separator: ", ") ?? ""
            throw TapError.badResponse(
                "\(route) answered an object without a session id (keys: \(keys.isEmpty ? "none" : keys)); the API may have "
                    + "changed. Run `cc-tap probe` and report what it prints.")
        }
        return json
    }
}
