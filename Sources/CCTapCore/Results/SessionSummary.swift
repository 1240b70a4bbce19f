import Foundation

/// One session as listed: what a person needs to pick it out.
public struct SessionSummary: Codable, Sendable, Equatable {
    /// `session_X`, the id every operation accepts.
    public var id: String
    public var title: String?
    /// `session_status`: `running`, `idle`, `requires_action`, `archived` (others pass through).
    public var status: String
    /// Whether a worker (for Remote Control, the user's `claude` process) is attached:
    /// `connected`, `disconnected`, or `unknown` when the service does not say.
    public var connectionStatus: String
    public var environmentID: String?
    public var createdAt: String?
    public var updatedAt: String?
    /// The working directory, when the session's context names one.
    public var cwd: String?
    public var model: String?

    enum CodingKeys: String, CodingKey {
        case id, title, status, cwd, model
        case connectionStatus = "connection_status"
        case environmentID = "environment_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ json: JSONValue) {
        let rawID = json["id"]?.stringValue ?? ""
        id = (try? SessionID(rawID).compat) ?? rawID
        title = json["title"]?.stringValue
        // v2 items carry `status` + `worker_status`; map them as the newer CLI does.
        if let status = json["session_status"]?.stringValue {
            self.status = status
        } else if json["status"]?.stringValue == "archived" {
            status = "archived"
        } else {
            status = json["worker_status"]?.stringValue ?? json["status"]?.stringValue ?? "unknown"
        }
        connectionStatus = json["connection_status"]?.stringValue ?? "unknown"
        environmentID = json["environment_id"]?.stringValue
        createdAt = json["created_at"]?.stringValue
        updatedAt = json["updated_at"]?.stringValue ?? json["last_event_at"]?.stringValue ?? createdAt
        let context = json["session_context"] ?? json["config"]
        cwd = context?["cwd"]?.stringValue
        model = context?["model"]?.stringValue
    }
}

/// The answer of `listSessions`.
public struct SessionList: Codable, Sendable, Equatable {
    public var sessions: [SessionSummary]
    public var count: Int
    /// The filter applied, if any.
    public var statusFilter: String?
    /// Pages read from the service.
    public var pagesRead: Int

    enum CodingKeys: String, CodingKey {
        case sessions, count
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

    enum CodingKeys: String, CodingKey {
        case session, context
        case pendingPermissions = "pending_permissions"
    }
}
