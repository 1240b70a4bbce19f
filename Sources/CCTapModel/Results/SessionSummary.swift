#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One session as listed: what a person needs to pick it out, in the v2 model (PROTOCOL.md §4). A v1
/// object is mapped onto the same fields.
public struct SessionSummary: Codable, Sendable, Equatable {
    /// The id as the service returned it (`cse_X` from v2, `session_X` from v1); every operation
    /// accepts either spelling.
    public var id: String
    public var title: String?
    /// `active` or `archived` (also `paused`, `provision_failed`; others pass through).
    public var status: String
    /// What the worker is doing: `running`, `idle` or `requires_action` (blocked on the user).
    public var workerStatus: String
    /// Whether a worker (for Remote Control, the user's `claude` process) is attached:
    /// `connected`, `disconnected`, or `unknown` when the service does not say.
    public var connectionStatus: String
    public var environmentID: String?
    /// `bridge` for Remote Control sessions (v2 only).
    public var environmentKind: String?
    public var createdAt: String?
    public var updatedAt: String?
    public var lastEventAt: String?
    /// Whether a turn ended since the session was last read (v2 only).
    public var unread: Bool?
    /// The working directory, when the session's context names one.
    public var cwd: String?
    public var model: String?
    /// `external_metadata.post_turn_summary` as the service gave it: an object (`status_category`,
    /// `status_detail`, `needs_action`, or `needs_action` and `summary`) or a plain string (late-2026 §3).
    public var postTurnSummary: JSONValue?
    /// `external_metadata.pending_action`: what the worker waits on while `requires_action`, untouched.
    /// An object, a plain string (`"permission"`) or absent: the prompt itself is in the events.
    public var pendingAction: JSONValue?
    /// Whether the session takes messages from other sessions, which an agent's messages are.
    public var peerMessages: PeerPolicy
    /// Whether the session needs its user now; `attentionReason` says why.
    public var needsAttention: Bool
    /// Why the session needs its user (see `AttentionReason`), or nil when it does not.
    public var attentionReason: AttentionReason?

    enum CodingKeys: String, CodingKey {
        case id, title, status, cwd, model, unread
        case workerStatus = "worker_status"
        case connectionStatus = "connection_status"
        case environmentID = "environment_id"
        case environmentKind = "environment_kind"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case lastEventAt = "last_event_at"
        case postTurnSummary = "post_turn_summary"
        case pendingAction = "pending_action"
        case peerMessages = "peer_messages"
        case needsAttention = "needs_attention"
        case attentionReason = "attention_reason"
    }

    package init(_ json: JSONValue) {
        id = json["id"]?.stringValue ?? ""
        title = json["title"]?.stringValue
        // v2 carries `status` + `worker_status`; v1 one `session_status` that says both.
        let sessionStatus = json["session_status"]?.stringValue
        let v2Status = json["status"]?.stringValue
        if let v2Status, json["worker_status"] != nil || sessionStatus == nil {
            status = v2Status
        } else {
            status = sessionStatus == "archived" ? "archived" : "active"
        }
        let worker = json["worker_status"]?.stringValue ?? sessionStatus.flatMap { $0 == "archived" ? nil : $0 }
        workerStatus = worker ?? "idle"
        connectionStatus = json["connection_status"]?.stringValue ?? "unknown"
        environmentID = json["environment_id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        environmentKind = json["environment_kind"]?.stringValue
        createdAt = json["created_at"]?.stringValue
        lastEventAt = json["last_event_at"]?.stringValue
        updatedAt = json["updated_at"]?.stringValue ?? lastEventAt ?? createdAt
        unread = json["unread"]?.boolValue
        let context = json["session_context"] ?? json["config"]
        cwd = context?["cwd"]?.stringValue ?? json["session_context"]?["cwd"]?.stringValue
        model = json["config"]?["model"]?.stringValue ?? context?["model"]?.stringValue
        postTurnSummary = json["external_metadata"]?["post_turn_summary"] ?? json["post_turn_summary"]
        pendingAction = json["external_metadata"]?["pending_action"]
        if postTurnSummary == .null { postTurnSummary = nil }
        if pendingAction == .null { pendingAction = nil }
        peerMessages = PeerPolicy(record: json)
        attentionReason = nil
        needsAttention = false
        attentionReason = AttentionReason.of(self)
        needsAttention = attentionReason != nil
    }

    /// Whether the worker is on a turn (running, or blocked on the user mid-turn).
    package var isTurnRunning: Bool { workerStatus == "running" || workerStatus == "requires_action" }
}

/// The answer of `listSessions`.
public struct SessionList: Codable, Sendable, Equatable {
    public var sessions: [SessionSummary]
    public var count: Int
    /// The filter applied, if any.
    public var statusFilter: String?
    /// Pages read from the service.
    public var pagesRead: Int
    /// False when the service stopped answering pages before the last one: `sessions` is then the
    /// part that was read, and `note` says why.
    public var complete: Bool
    public var note: String?

    package init(
        sessions: [SessionSummary], count: Int, statusFilter: String?, pagesRead: Int, complete: Bool, note: String?
    ) {
        self.sessions = sessions
        self.count = count
        self.statusFilter = statusFilter
        self.pagesRead = pagesRead
        self.complete = complete
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case sessions, count, complete, note
        case statusFilter = "status_filter"
        case pagesRead = "pages_read"
    }
}

/// The answer of `sessionInfo`: the summary, the session's context as the service gave it, and any
/// permission prompts waiting for an answer.
public struct SessionInfo: Codable, Sendable, Equatable {
    public var session: SessionSummary
    /// `session_context` as returned (sources, cwd, model, outcomes, ...), untouched.
    public var context: JSONValue?
    public var pendingPermissions: [PermissionRequest]
    /// Blocking worker requests that are not permission prompts (dialogs, elicitations, …).
    public var pendingInputs: [WorkerRequest]

    package init(
        session: SessionSummary, context: JSONValue?, pendingPermissions: [PermissionRequest],
        pendingInputs: [WorkerRequest]
    ) {
        self.session = session
        self.context = context
        self.pendingPermissions = pendingPermissions
        self.pendingInputs = pendingInputs
    }

    enum CodingKeys: String, CodingKey {
        case session, context
        case pendingPermissions = "pending_permissions"
        case pendingInputs = "pending_inputs"
    }
}
