/// A readable view of a session's newest conversation entries.
public struct Transcript: Codable, Sendable, Equatable {
    public var sessionID: String
    public var entries: [TranscriptEntry]
    /// Whether older entries exist beyond those shown.
    public var hasOlder: Bool
    /// How many raw events were read to build it.
    public var eventsRead: Int

    package init(sessionID: String, entries: [TranscriptEntry], hasOlder: Bool, eventsRead: Int) {
        self.sessionID = sessionID
        self.entries = entries
        self.hasOlder = hasOlder
        self.eventsRead = eventsRead
    }

    enum CodingKeys: String, CodingKey {
        case entries
        case sessionID = "session_id"
        case hasOlder = "has_older"
        case eventsRead = "events_read"
    }
}

/// One entry of a transcript: who said or did what.
public struct TranscriptEntry: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// The user's words.
        case user
        /// The assistant's text (streamed copies of one message collapsed to the last).
        case assistant
        /// The assistant called a tool (summarised input).
        case toolUse = "tool_use"
        /// A tool's output (summarised).
        case toolResult = "tool_result"
        /// A prompt asking the user to allow a tool.
        case permissionRequest = "permission_request"
        /// End of a turn.
        case turnResult = "turn_result"
        /// The next prompt the worker suggests after a turn (`prompt_suggestion`, a stored event since
        /// the autumn 2026 CLIs; late-2026 §5).
        case promptSuggestion = "prompt_suggestion"
    }

    public var kind: Kind
    public var text: String
    public var toolName: String?
    public var toolUseID: String?
    public var isError: Bool?
    public var createdAt: String?
    /// For the user's words: who the service says sent them (`person`, `peer` or `unknown`), from
    /// the message's `client_platform` stamp.
    public var sender: MessageOrigin? = nil
    /// The stamp itself, as stored.
    public var clientPlatform: String? = nil

    enum CodingKeys: String, CodingKey {
        case kind, text, sender
        case clientPlatform = "client_platform"
        case toolName = "tool_name"
        case toolUseID = "tool_use_id"
        case isError = "is_error"
        case createdAt = "created_at"
    }
}

/// Raw events, newest N, in chronological order.
public struct EventList: Codable, Sendable, Equatable {
    public var sessionID: String
    public var events: [JSONValue]
    public var count: Int
    /// The event types asked for (empty: all).
    public var eventTypes: [String]
    public var hasOlder: Bool
    public var eventsRead: Int

    package init(
        sessionID: String, events: [JSONValue], count: Int, eventTypes: [String], hasOlder: Bool, eventsRead: Int
    ) {
        self.sessionID = sessionID
        self.events = events
        self.count = count
        self.eventTypes = eventTypes
        self.hasOlder = hasOlder
        self.eventsRead = eventsRead
    }

    enum CodingKeys: String, CodingKey {
        case events, count
        case sessionID = "session_id"
        case eventTypes = "event_types"
        case hasOlder = "has_older"
        case eventsRead = "events_read"
    }
}
