/// What a running wait has seen so far, reported while it waits (e.g. as MCP progress).
public struct WaitProgress: Codable, Sendable, Equatable {
    public var sessionID: String
    /// The assistant's text in this turn so far.
    public var reply: String
    public var elapsedSeconds: Double
    public var eventsRead: Int
    /// True while the message waits behind the current turn (no turn has taken it up yet).
    public var queued: Bool
    /// The end of `reply` the worker has streamed live but not stored yet (late-2026 §5); nil when
    /// all of it is stored.
    public var liveText: String? = nil

    package init(sessionID: String, reply: String, elapsedSeconds: Double, eventsRead: Int, queued: Bool = false) {
        self.queued = queued
        self.sessionID = sessionID
        self.reply = reply
        self.elapsedSeconds = elapsedSeconds
        self.eventsRead = eventsRead
    }

    enum CodingKeys: String, CodingKey {
        case reply, queued
        case liveText = "live_text"
        case sessionID = "session_id"
        case elapsedSeconds = "elapsed_seconds"
        case eventsRead = "events_read"
    }
}
