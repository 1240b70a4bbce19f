/// How a wait for the assistant ended.
public enum WaitStatus: String, Codable, Sendable {
    /// The turn ended with a `result`.
    case complete
    /// The worker asked for permission to use a tool; answer it, then wait again from `cursor`.
    case waitingForPermission = "waiting_for_permission"
    /// The worker waits on another request (a dialog, an elicitation, a question cc-tap does not
    /// know); see `pendingInputs`. A dialog or an elicitation is answered with the person's choice
    /// (`respondToInput`); anything else where Claude Code runs. Then wait again.
    case waitingForInput = "waiting_for_input"
    /// The time ran out before the turn ended; wait again from `cursor`.
    case timeout
    /// The turn was interrupted.
    case interrupted
    /// The turn ended with an error result.
    case error
    /// No turn is running and none started after the cursor: there is nothing to wait for.
    case idle
    /// The message went out as another session's (an agent's) and the session holds such messages
    /// for its person: no turn starts until they let it through. See `peerMessages`.
    case held
    /// The session refuses messages from other sessions: nothing was sent.
    case refused
}

/// How the turn a wait reports is tied to the message it follows.
public enum TurnMatch: String, Codable, Sendable {
    /// A turn of its own took the message up: the reply answers it.
    case own
    /// The turn that was running when the message arrived took it in (Claude Code reads queued
    /// messages between tool calls); the reply is what that turn said after.
    case joined
    /// No turn has taken the message up yet: it waits behind the running turn, or for the worker.
    case queued
}

/// The answer of `sendAndWait` and `waitForReply`.
public struct WaitResult: Codable, Sendable, Equatable {
    public var status: WaitStatus
    public var sessionID: String
    /// The user message this wait followed, when it sent one.
    public var messageUUID: String?
    /// The assistant's text in this turn so far.
    public var reply: String
    public var pendingPermissions: [PermissionRequest]
    /// Blocking worker requests that are not permission prompts (see `WorkerRequest`).
    public var pendingInputs: [WorkerRequest]
    /// The turn's `result`, when it ended.
    public var result: TurnResult?
    /// Where to resume waiting (`waitForReply`).
    public var cursor: String
    public var elapsedSeconds: Double
    public var eventsRead: Int
    /// Where the events came from at the end of the wait: `stream`, `poll` or `poll-v1`.
    public var eventSource: EventSource
    /// What happened, and what to do next once a surface has worded `next` into it.
    public var hint: String
    /// The step `hint` advises, as a fact (not encoded: the surface words it into `hint`).
    public var next: NextStep? = nil
    /// How the reported turn belongs to the message (`own`, `joined`, `queued`); nil when the wait
    /// follows no message.
    public var turn: TurnMatch? = nil
    /// Who the message went out as, when the wait sent one.
    public var sender: MessageSender? = nil
    /// For an agent's message: whether the session takes messages from other sessions.
    public var peerMessages: PeerPolicy? = nil
    /// When the session turned out archived: the live session that most likely replaced it (the same
    /// title, created since; never certain, see `Successor`).
    public var likelySuccessor: String? = nil

    package init(
        status: WaitStatus, sessionID: String, messageUUID: String?, reply: String,
        pendingPermissions: [PermissionRequest], pendingInputs: [WorkerRequest], result: TurnResult?, cursor: String,
        elapsedSeconds: Double, eventsRead: Int, eventSource: EventSource, hint: String, next: NextStep? = nil
    ) {
        self.status = status
        self.sessionID = sessionID
        self.messageUUID = messageUUID
        self.reply = reply
        self.pendingPermissions = pendingPermissions
        self.pendingInputs = pendingInputs
        self.result = result
        self.cursor = cursor
        self.elapsedSeconds = elapsedSeconds
        self.eventsRead = eventsRead
        self.eventSource = eventSource
        self.hint = hint
        self.next = next
    }

    enum CodingKeys: String, CodingKey {
        case status, reply, result, cursor, hint, turn, sender
        case peerMessages = "peer_messages"
        case likelySuccessor = "likely_successor"
        case eventSource = "event_source"
        case sessionID = "session_id"
        case messageUUID = "message_uuid"
        case pendingPermissions = "pending_permissions"
        case pendingInputs = "pending_inputs"
        case elapsedSeconds = "elapsed_seconds"
        case eventsRead = "events_read"
    }
}

extension WaitResult: AdvisesNextStep {
    public func worded(_ wording: Wording) -> WaitResult {
        var copy = self
        copy.hint = wording.adding(next, to: hint)
        copy.next = nil
        return copy
    }
}
