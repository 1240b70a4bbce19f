/// One session that needs its user, with what it waits for.
public struct AttentionItem: Codable, Sendable, Equatable {
    public var session: SessionSummary
    public var reason: AttentionReason
    /// The prompts to answer, each with its `request_id` (reason `permission`).
    public var pendingPermissions: [PermissionRequest]
    /// Requests only the person can answer where Claude Code runs (reason `input`).
    public var pendingInputs: [WorkerRequest]
    /// The assistant's text in the session's latest turn (reason `unread_result`, `disconnected`).
    public var reply: String
    /// The session's position now: wait for its turn from here after answering.
    public var cursor: String
    /// False when the session is blocked (reason `permission` or `input`) but its events show no
    /// prompt: the prompt is only where Claude Code runs (or in a form we cannot read). Reported, not
    /// dropped: the person must still answer it there.
    public var promptVisible: Bool = true

    package init(
        session: SessionSummary, reason: AttentionReason, pendingPermissions: [PermissionRequest],
        pendingInputs: [WorkerRequest], reply: String, cursor: String
    ) {
        self.session = session
        self.reason = reason
        self.pendingPermissions = pendingPermissions
        self.pendingInputs = pendingInputs
        self.reply = reply
        self.cursor = cursor
    }

    enum CodingKeys: String, CodingKey {
        case session, reason, reply, cursor
        case pendingPermissions = "pending_permissions"
        case pendingInputs = "pending_inputs"
        case promptVisible = "prompt_visible"
    }
}

/// How a wait for attention ended.
public enum AttentionStatus: String, Codable, Sendable {
    /// At least one session needs its user; see `items`.
    case attention
    /// The time ran out with nothing new; wait again with `resumeToken`.
    case timeout
}

/// The answer of `waitForAttention`.
public struct AttentionResult: Codable, Sendable, Equatable {
    public var status: AttentionStatus
    /// Every session that began to need its user since the last call (given its `resume_token`),
    /// most recent activity first.
    public var items: [AttentionItem]
    /// Give this to the next call so it reports only what is new.
    public var resumeToken: String
    /// How many live sessions the wait watched.
    public var sessionsWatched: Int
    /// Where the sessions' states came from: the account watch stream or polls of the list.
    public var source: String
    public var elapsedSeconds: Double
    public var hint: String
    /// The step `hint` advises (not encoded: each surface words it into `hint`).
    public var next: NextStep? = nil

    package init(
        status: AttentionStatus, items: [AttentionItem], resumeToken: String, sessionsWatched: Int, source: String,
        elapsedSeconds: Double, hint: String, next: NextStep?
    ) {
        self.status = status
        self.items = items
        self.resumeToken = resumeToken
        self.sessionsWatched = sessionsWatched
        self.source = source
        self.elapsedSeconds = elapsedSeconds
        self.hint = hint
        self.next = next
    }

    enum CodingKeys: String, CodingKey {
        case status, items, source, hint
        case resumeToken = "resume_token"
        case sessionsWatched = "sessions_watched"
        case elapsedSeconds = "elapsed_seconds"
    }
}

extension AttentionResult: AdvisesNextStep {
    public func worded(_ wording: Wording) -> AttentionResult {
        var copy = self
        copy.hint = wording.adding(next, to: hint)
        copy.next = nil
        return copy
    }
}

/// What a running wait for attention reports while it waits.
public struct AttentionProgress: Codable, Sendable, Equatable {
    public var sessionsWatched: Int
    /// Sessions that need their user on an occasion already reported (so not returned again).
    public var alreadyReported: Int
    public var source: String
    public var elapsedSeconds: Double

    package init(sessionsWatched: Int, alreadyReported: Int, source: String, elapsedSeconds: Double) {
        self.sessionsWatched = sessionsWatched
        self.alreadyReported = alreadyReported
        self.source = source
        self.elapsedSeconds = elapsedSeconds
    }

    enum CodingKeys: String, CodingKey {
        case source
        case sessionsWatched = "sessions_watched"
        case alreadyReported = "already_reported"
        case elapsedSeconds = "elapsed_seconds"
    }
}
