/// A request from the worker that blocks its turn and is not a tool-permission prompt: a
/// `request_user_dialog`, an `elicitation`, a `side_question`, or a subtype nobody has seen yet.
/// cc-tap cannot answer these for the user, but it must not wait on them until its timeout either:
/// a wait ends with `waiting_for_input` and hands the request over untouched.
public struct WorkerRequest: Codable, Sendable, Equatable {
    public var requestID: String
    public var subtype: String
    /// The `request` object as the worker sent it.
    public var request: JSONValue
    public var createdAt: String?

    enum CodingKeys: String, CodingKey {
        case subtype, request
        case requestID = "request_id"
        case createdAt = "created_at"
    }

    /// The control subtypes a controller sends to the worker (its dispatch table, see PROTOCOL.md), and
    /// that a worker never asks of a controller: none of them is a prompt.
    package static let controllerSubtypes: Set<String> = [
        "interrupt", "initialize", "set_model", "set_max_thinking_tokens", "set_permission_mode", "rename_session",
        "set_color", "file_suggestions", "read_file", "get_context_usage", "get_usage", "mcp_status",
        "mcp_authenticate", "mcp_oauth_callback_url", "mcp_reconnect", "apply_flag_settings",
    ]

    /// Reads a blocking worker `control_request` other than `can_use_tool`; nil for anything else.
    package init?(event: JSONValue) {
        guard event["type"]?.stringValue == "control_request", let request = event["request"],
            let subtype = request["subtype"]?.stringValue, subtype != "can_use_tool",
            !Self.controllerSubtypes.contains(subtype),
            let requestID = event["request_id"]?.stringValue ?? request["request_id"]?.stringValue
        else { return nil }
        self.requestID = requestID
        self.subtype = subtype
        self.request = request
        createdAt = event["created_at"]?.stringValue
    }
}
