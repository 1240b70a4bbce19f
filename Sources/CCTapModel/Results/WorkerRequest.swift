/// A request from the worker that blocks its turn and is not a tool-permission prompt: a
/// `request_user_dialog`, an `elicitation`, a `side_question`, or a subtype nobody has seen yet.
/// Dialogs and elicitations can be answered (`respond_to_input`); the others are handed over untouched,
/// so a wait ends with `waiting_for_input` instead of running into its timeout.
public struct WorkerRequest: Codable, Sendable, Equatable {
    public var requestID: String
    public var subtype: String
    /// What kind of answer it takes, and so which actions fit it.
    public var kind: InputKind
    /// The actions `respond_to_input` takes for it (none for a kind cc-tap cannot answer).
    public var actions: [InputAction]
    /// The request in words: the dialog's kind and payload, or the elicitation's server, message, and
    /// the fields it wants.
    public var summary: String
    /// A dialog's `dialog_kind` and `payload` (SDK types: `{dialog_kind, payload, tool_use_id?}`).
    public var dialogKind: String?
    public var payload: JSONValue?
    /// The tool that asked, when a tool did (a dialog's `tool_use_id`): its result shows the answer taken.
    public var toolUseID: String?
    /// An elicitation's fields (SDK types: `{mcp_server_name, message, mode, url?, elicitation_id?,
    /// requested_schema?}`).
    public var serverName: String?
    public var message: String?
    public var mode: String?
    public var url: String?
    public var requestedSchema: JSONValue?
    /// The `request` object as the worker sent it.
    public var request: JSONValue
    public var createdAt: String?

    enum CodingKeys: String, CodingKey {
        case subtype, kind, actions, summary, payload, message, mode, url, request
        case requestID = "request_id"
        case dialogKind = "dialog_kind"
        case toolUseID = "tool_use_id"
        case serverName = "mcp_server_name"
        case requestedSchema = "requested_schema"
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
        toolUseID = request["tool_use_id"]?.stringValue
        kind = InputKind(subtype: subtype)
        actions = kind.actions
        switch kind {
        case .dialog:
            dialogKind = request["dialog_kind"]?.stringValue
            payload = request["payload"]
        case .elicitation:
            serverName = request["mcp_server_name"]?.stringValue
            message = request["message"]?.stringValue
            mode = request["mode"]?.stringValue
            url = request["url"]?.stringValue
            requestedSchema = request["requested_schema"]
        case .other:
            break
        }
        summary = ""
        summary = words()
    }

    /// The request in words, for a person deciding how to answer.
    private func words() -> String {
        switch kind {
        case .dialog:
            var text = "Dialog (\(dialogKind ?? "kind not given"))"
            if let payload, payload != .object([:]) { text += ": " + String(payload.jsonText().prefix(2000)) }
            return text
        case .elicitation:
            var lines = ["\(serverName ?? "An MCP server") asks: \(message ?? "(no message)")"]
            if mode == "url", let url { lines.append("Open \(url) to answer (mode url).") }
            lines += ElicitationSchema(requestedSchema).fieldLines()
            return lines.joined(separator: "\n")
        case .other:
            return "\(subtype): cc-tap cannot answer this kind; answer it where Claude Code runs."
        }
    }
}

/// What kind of answer a worker request takes.
public enum InputKind: String, Codable, Sendable {
    /// `request_user_dialog`: completed with a result, or cancelled.
    case dialog
    /// `elicitation`: accepted with content fitting its schema, declined, or cancelled.
    case elicitation
    /// A kind cc-tap does not know how to answer.
    case other

    package init(subtype: String) {
        switch subtype {
        case "request_user_dialog": self = .dialog
        case "elicitation": self = .elicitation
        default: self = .other
        }
    }

    /// The actions that answer this kind.
    public var actions: [InputAction] {
        switch self {
        case .dialog: [.complete, .cancel]
        case .elicitation: [.accept, .decline, .cancel]
        case .other: []
        }
    }
}

/// How `respond_to_input` answers a dialog or an elicitation.
public enum InputAction: String, Codable, Sendable, CaseIterable {
    /// A dialog: done, with a result.
    case complete
    /// A dialog or an elicitation: dismissed.
    case cancel
    /// An elicitation: answered, with content that fits its schema.
    case accept
    /// An elicitation: refused.
    case decline
}
