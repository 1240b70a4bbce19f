/// A tool-permission prompt (`control_request` with subtype `can_use_tool`) waiting for an answer.
public struct PermissionRequest: Codable, Sendable, Equatable {
    /// The `control_request`'s `request_id`: what an answer must carry. It is not the tool_use_id.
    public var requestID: String
    public var toolName: String
    public var toolUseID: String?
    /// The tool's input as the worker proposed it.
    public var input: JSONValue
    public var description: String?
    public var title: String?
    public var createdAt: String?

    enum CodingKeys: String, CodingKey {
        case input, description, title
        case requestID = "request_id"
        case toolName = "tool_name"
        case toolUseID = "tool_use_id"
        case createdAt = "created_at"
    }

    /// Reads a `can_use_tool` control request; nil for any other event.
    init?(event: JSONValue) {
        guard event["type"]?.stringValue == "control_request", let request = event["request"],
            request["subtype"]?.stringValue == "can_use_tool",
            let requestID = event["request_id"]?.stringValue ?? request["request_id"]?.stringValue
        else { return nil }
        self.requestID = requestID
        toolName = request["tool_name"]?.stringValue ?? request["display_name"]?.stringValue ?? "unknown tool"
        toolUseID = request["tool_use_id"]?.stringValue
        input = request["input"] ?? .object([:])
        description = request["description"]?.stringValue ?? request["decision_reason"]?.stringValue
        title = request["title"]?.stringValue
        createdAt = event["created_at"]?.stringValue
    }
}

/// What the answer to a permission prompt was.
public struct PermissionResponseResult: Codable, Sendable, Equatable {
    public var sessionID: String
    public var requestID: String
    public var decision: PermissionDecision
    public var toolName: String
    /// The event posted, for the record.
    public var sent: JSONValue
    /// Honest caveat: answering by POST is inferred from captures, not verified on the live service.
    public var note: String

    enum CodingKeys: String, CodingKey {
        case decision, sent, note
        case sessionID = "session_id"
        case requestID = "request_id"
        case toolName = "tool_name"
    }
}

public enum PermissionDecision: String, Codable, Sendable, CaseIterable {
    case allow, deny
}
