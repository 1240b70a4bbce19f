/// A user message that the service accepted.
public struct SendResult: Codable, Sendable, Equatable {
    public var sessionID: String
    /// The message's `uuid`; the service echoes it in the session's events.
    public var uuid: String
    /// Give this to `waitForReply` to wait for the answer to this message.
    public var cursor: String
    /// How many POST attempts it took (more than one only after a failure proven not to have stored it).
    public var attempts: Int
    /// True when the answer did not name the message (lost, unreadable, or silent on it, as the
    /// service's usually is) and the session's events showed it stored.
    public var confirmedFromEvents: Bool
    /// True when a turn was running (or prompts waited) as it was stored: the worker takes it up
    /// after them.
    public var queued: Bool = false
    /// When the message will be answered, in a sentence, and what to do next once a surface has
    /// worded `next` into it.
    public var hint: String = "Stored; the worker takes it up next."
    /// The step `hint` advises (wait for the reply; none while the session holds the message), as a
    /// fact: not encoded, the surface words it into `hint`.
    public var next: NextStep? = nil
    /// Who the message went out as: `agent` (a peer's message, the default) or `person`.
    public var sender: MessageSender = .agent
    /// The `anthropic-client-platform` it went out with, which the service stores as its `client_platform`.
    public var clientPlatform: String = ""
    /// For an agent's message: whether the session takes messages from other sessions.
    public var peerMessages: PeerPolicy? = nil
    /// True when the session holds the message for its person: no turn starts until they let it through.
    public var held = false

    package init(sessionID: String, uuid: String, cursor: String, attempts: Int, confirmedFromEvents: Bool) {
        self.sessionID = sessionID
        self.uuid = uuid
        self.cursor = cursor
        self.attempts = attempts
        self.confirmedFromEvents = confirmedFromEvents
    }

    enum CodingKeys: String, CodingKey {
        case uuid, cursor, attempts, queued, hint, sender, held
        case sessionID = "session_id"
        case confirmedFromEvents = "confirmed_from_events"
        case clientPlatform = "client_platform"
        case peerMessages = "peer_messages"
    }
}

extension SendResult: AdvisesNextStep {
    public func worded(_ wording: Wording) -> SendResult {
        var copy = self
        copy.hint = wording.adding(next, to: hint)
        copy.next = nil
        return copy
    }
}
