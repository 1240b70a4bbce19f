/// What a steering change is.
public enum SteeringAction: String, Codable, Sendable {
    /// The worker's permission mode (`set_permission_mode`).
    case permissionMode = "permission_mode"
    /// The worker's model (`set_model`).
    case model
    /// The session's title (the service's record).
    case title
    /// Archiving the session (the service's record).
    case archive
    /// Marking the session read (the service's record).
    case markRead = "mark_read"
}

/// The answer of a steering change: a worker control and what the worker made of it, or a change
/// the service applied to the session's record.
public struct SteeringResult: Codable, Sendable, Equatable {
    public var sessionID: String
    public var action: SteeringAction
    /// The new value (a mode, a model, a title), when the change has one.
    public var value: String?
    /// `acknowledged` or `refused` by the worker (its `control_response`), `queued` when it has not
    /// answered within the short wait, or `applied` by the service.
    public var status: ControlStatus
    /// The worker's words when it refused; what the service said otherwise (e.g. already archived).
    public var detail: String?
    /// The control's `request_id`, for a worker control.
    public var requestID: String?
    public var note: String

    package init(
        sessionID: String, action: SteeringAction, value: String?, status: ControlStatus, detail: String?,
        requestID: String?, note: String
    ) {
        self.sessionID = sessionID
        self.action = action
        self.value = value
        self.status = status
        self.detail = detail
        self.requestID = requestID
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case action, value, status, detail, note
        case sessionID = "session_id"
        case requestID = "request_id"
    }
}
