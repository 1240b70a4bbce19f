import CCTapCore

/// JSON Schemas of tool inputs and of the core's result types.
///
/// The output schemas describe exactly what `ResultJSON` encodes (optional fields are absent, not
/// null), and are strict (`additionalProperties: false`), so a change to a result type that the
/// schema does not follow fails the end-to-end tests, where the MCP client validates every result.
enum Schema {
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        [
            "type": "object", "properties": .object(properties), "required": .array(required.map { .string($0) }),
            "additionalProperties": false,
        ]
    }

    static func string(_ description: String? = nil) -> JSONValue { typed("string", description) }
    static func integer(_ description: String? = nil) -> JSONValue { typed("integer", description) }
    static func number(_ description: String? = nil) -> JSONValue { typed("number", description) }

    /// A number with the range and default the core enforces, stated in the schema as well as in prose.
    static func number(_ description: String, range: ClosedRange<Double>, default value: Double) -> JSONValue {
        bounded(typed("number", description), .double(range.lowerBound), .double(range.upperBound), .double(value))
    }

    static func integer(_ description: String, range: ClosedRange<Int>, default value: Int) -> JSONValue {
        bounded(typed("integer", description), .int(Int64(range.lowerBound)), .int(Int64(range.upperBound)), .int(Int64(value)))
    }

    private static func bounded(_ schema: JSONValue, _ minimum: JSONValue, _ maximum: JSONValue, _ value: JSONValue) -> JSONValue {
        guard case .object(var object) = schema else { return schema }
        object["minimum"] = minimum
        object["maximum"] = maximum
        object["default"] = value
        return .object(object)
    }
    static func boolean(_ description: String? = nil) -> JSONValue { typed("boolean", description) }
    static func array(_ items: JSONValue, _ description: String? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "array", "items": items]
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }
    static func oneOf(_ values: [String], _ description: String? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "string", "enum": .array(values.map { .string($0) })]
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }
    /// Any JSON value (events and tool inputs are passed through untouched).
    static func any(_ description: String) -> JSONValue { ["description": .string(description)] }

    private static func typed(_ type: String, _ description: String?) -> JSONValue {
        var schema: [String: JSONValue] = ["type": .string(type)]
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }

    // MARK: Result types

    static let peerPolicy = object(
        [
            "reported": string("external_metadata.cross_session_inbound as the session reported it (available, unavailable)"),
            "verdict": oneOf(
                ["accept", "hold", "refuse", "unknown"],
                "what the session does with a message from another Claude session, which this tool's messages are"),
            "reason": string(),
        ], required: ["verdict", "reason"])

    static let sessionSummary = object(
        [
            "id": string("the id as the service spells it (cse_… or session_…); every tool accepts either"),
            "title": string(),
            "status": string("active or archived (also paused, provision_failed)"),
            "worker_status": string("running, idle, or requires_action (blocked on the user: a prompt to answer)"),
            "connection_status": string("connected when the user's claude process is attached"),
            "environment_id": string(), "environment_kind": string("bridge for Remote Control sessions"),
            "created_at": string(), "updated_at": string(), "last_event_at": string(),
            "unread": boolean("a turn ended since the session was last read"),
            "cwd": string(), "model": string(),
            "post_turn_summary": any("the service's summary of the last turn (status_category, status_detail, needs_action)"),
            "pending_action": any(
                "what the worker waits on while requires_action, as the service gave it (an object, or a plain string "
                    + "such as \"permission\"); the prompt itself is in pending_permissions"),
            "peer_messages": peerPolicy,
            "needs_attention": boolean("the session needs its user now (attention_reason says why)"),
            "attention_reason": oneOf(
                AttentionReason.allCases.map(\.rawValue),
                "permission (a prompt to answer), input (a request only the person can answer), unread_result (a turn "
                    + "ended unread), disconnected (the machine dropped off mid-turn)"),
        ], required: ["id", "status", "worker_status", "connection_status", "peer_messages", "needs_attention"])

    static let sessionList = object(
        [
            "sessions": array(sessionSummary), "count": integer(), "status_filter": string(), "pages_read": integer(),
            "complete": boolean("false when the service stopped answering pages: sessions is the part read"),
            "note": string("why the list is partial"),
        ], required: ["sessions", "count", "pages_read", "complete"])

    static let permissionRequest = object(
        [
            "request_id": string("answer with this id (not the tool_use_id)"),
            "tool_name": string(), "tool_use_id": string(), "input": any("the tool input the session proposes"),
            "description": string(), "title": string(), "created_at": string(),
            "summary": string("AskUserQuestion's questions with their options, or ExitPlanMode's plan, in words"),
            "permission_suggestions": array(any("a PermissionUpdate"), "what the worker offers to keep allowing; always:true sends these back"),
            "always_allows": array(string(), "permission_suggestions in words: what an always-allow would keep allowing, and where"),
        ], required: ["request_id", "tool_name", "input", "permission_suggestions", "always_allows"])

    static let workerRequest = object(
        [
            "request_id": string("answer with respond_to_input and this id"),
            "subtype": string("request_user_dialog, elicitation, side_question, or one not seen before"),
            "kind": oneOf(["dialog", "elicitation", "other"], "dialog and elicitation can be answered with respond_to_input"),
            "actions": array(oneOf(InputAction.allCases.map(\.rawValue)), "the actions respond_to_input takes for it"),
            "summary": string("the request in words: the dialog's kind and payload, or the form's message and fields"),
            "dialog_kind": string("a dialog's kind"), "payload": any("a dialog's payload"),
            "tool_use_id": string("the tool that asked, when a tool did"),
            "mcp_server_name": string("the MCP server that asks (elicitation)"), "message": string("what the elicitation asks"),
            "mode": string("form or url (elicitation)"), "url": string("where to answer, in url mode"),
            "requested_schema": any("the form's JSON Schema (elicitation): accept's content must fit it"),
            "request": any("the worker's request, untouched"), "created_at": string(),
        ], required: ["request_id", "subtype", "kind", "actions", "summary", "request"])

    static let sessionInfo = object(
        [
            "session": sessionSummary, "context": any("session_context as the service returned it"),
            "pending_permissions": array(permissionRequest),
            "pending_inputs": array(workerRequest, "blocking worker requests that are not permission prompts"),
        ], required: ["session", "pending_permissions", "pending_inputs"])

    static let transcriptEntry = object(
        [
            "kind": oneOf([
                "user", "assistant", "tool_use", "tool_result", "permission_request", "turn_result", "prompt_suggestion",
            ]),
            "text": string(), "tool_name": string(), "tool_use_id": string(), "is_error": boolean(), "created_at": string(),
            "sender": oneOf(
                ["person", "peer", "unknown"],
                "for the user's words: typed by the session's person (an app), sent by another session or a tool such as "
                    + "this one (peer), or not stamped (unknown)"),
            "client_platform": string("the client platform the service stamped on the message"),
        ], required: ["kind", "text"])

    static let transcript = object(
        [
            "session_id": string(), "entries": array(transcriptEntry), "has_older": boolean(), "events_read": integer(),
        ], required: ["session_id", "entries", "has_older", "events_read"])

    static let eventList = object(
        [
            "session_id": string(), "events": array(any("one event, untouched")), "count": integer(),
            "event_types": array(string()), "has_older": boolean(), "events_read": integer(),
        ], required: ["session_id", "events", "count", "event_types", "has_older", "events_read"])

    static let sendResult = object(
        [
            "session_id": string(), "uuid": string(),
            "cursor": string("pass to wait_for_reply: it names this message, so the wait ends on the turn that answers it"),
            "attempts": integer(), "confirmed_from_events": boolean(),
            "queued": boolean("true when a turn was running or messages waited ahead: the worker takes it up after them"),
            "hint": string("when the message will be answered"),
            "sender": oneOf(["agent", "person"], "who the message went out as: agent (another session's message) or person"),
            "client_platform": string("the client platform it went out with, which the service stores with it"),
            "peer_messages": peerPolicy,
            "held": boolean("true when the session holds it for its person: no turn starts until they let it through"),
        ], required: [
            "session_id", "uuid", "cursor", "attempts", "confirmed_from_events", "queued", "hint", "sender", "client_platform",
            "held",
        ])

    static let turnResult = object(
        [
            "subtype": string(), "is_error": boolean(), "result": string(), "duration_ms": number(),
            "num_turns": integer(), "total_cost_usd": number("zero on Remote Control sessions: not a real cost"),
            "stop_reason": string(),
        ], required: ["subtype", "is_error"])

    static let waitResult = object(
        [
            "status": oneOf([
                "complete", "waiting_for_permission", "waiting_for_input", "timeout", "interrupted", "error", "idle", "held",
                "refused",
            ]),
            "session_id": string(), "message_uuid": string(), "reply": string("the assistant's text in this turn"),
            "pending_permissions": array(permissionRequest),
            "pending_inputs": array(workerRequest, "set with waiting_for_input: what the worker waits on"),
            "result": turnResult,
            "cursor": string("pass to wait_for_reply to keep waiting"), "elapsed_seconds": number(),
            "events_read": integer(), "event_source": string("stream, poll or poll-v1: where the events came from"),
            "hint": string("what to do next"),
            "turn": oneOf(
                ["own", "joined", "queued"],
                "how the turn belongs to the message: own (a turn of its own answered it), joined (the running turn read "
                    + "it), queued (no turn has taken it up yet)"),
            "sender": oneOf(["agent", "person"], "who the message went out as"),
            "peer_messages": peerPolicy,
            "likely_successor": string(
                "when the session turned out archived: the live session that most likely replaced it (same title, "
                    + "created since); not certain, check before sending there"),
        ], required: [
            "status", "session_id", "reply", "pending_permissions", "pending_inputs", "cursor", "elapsed_seconds", "events_read",
            "event_source", "hint",
        ])

    static let attentionItem = object(
        [
            "session": sessionSummary, "reason": oneOf(AttentionReason.allCases.map(\.rawValue)),
            "pending_permissions": array(permissionRequest, "answer with respond_to_permission and a request_id"),
            "pending_inputs": array(workerRequest, "only the person can answer these, where Claude Code runs"),
            "reply": string("the assistant's text in the session's latest turn"),
            "cursor": string("the session's position now: pass to wait_for_reply after answering"),
            "prompt_visible": boolean(
                "false when the session is blocked but its prompt is not among its events: the person answers it where "
                    + "Claude Code runs"),
        ], required: ["session", "reason", "pending_permissions", "pending_inputs", "reply", "cursor", "prompt_visible"])

    static let attentionResult = object(
        [
            "status": oneOf(["attention", "timeout"]),
            "items": array(attentionItem, "the sessions that began to need the user since the resume_token given"),
            "resume_token": string("pass to the next wait_for_attention so it reports only what is new"),
            "sessions_watched": integer(), "source": string("watch (the account's watch stream) or poll (the session list)"),
            "elapsed_seconds": number(), "hint": string("what to do next"),
        ], required: ["status", "items", "resume_token", "sessions_watched", "source", "elapsed_seconds", "hint"])

    static let controlStatus = oneOf(
        ["queued", "acknowledged", "refused", "withdrawn", "applied"],
        "acknowledged once the worker showed it took effect within a few seconds; queued if it has not yet")

    static let permissionResponse = object(
        [
            "session_id": string(), "request_id": string(), "decision": oneOf(["allow", "deny"]),
            "always": boolean("whether the prompt's permission_suggestions were sent back, so it is not asked again"),
            "tool_name": string(),
            "status": controlStatus, "detail": string("what showed it, or the worker's words when it refused"),
            "sent": any("the event posted"), "note": string(),
        ], required: ["session_id", "request_id", "decision", "always", "tool_name", "status", "sent", "note"])

    static let inputResponse = object(
        [
            "session_id": string(), "request_id": string(), "subtype": string("request_user_dialog or elicitation"),
            "action": oneOf(InputAction.allCases.map(\.rawValue)), "status": controlStatus,
            "detail": string("what showed it (the turn went on or ended), or that the request was withdrawn"),
            "sent": any("the event posted"), "note": string(),
        ], required: ["session_id", "request_id", "subtype", "action", "status", "sent", "note"])

    static let pruneResult = object(
        [
            "dry_run": boolean("true: nothing was archived, sessions lists what would be"),
            "older_than_days": number(), "offline_only": boolean(),
            "sessions": array(
                object(
                    [
                        "id": string(), "title": string(), "last_activity": string(), "connection_status": string(),
                        "outcome": oneOf(["would_archive", "archived", "already_archived", "failed"]),
                        "detail": string("why it failed"),
                    ], required: ["id", "connection_status", "outcome"]), "the stale sessions"),
            "archived": integer("archived now or already archived"), "failed": integer(),
            "kept": ["type": "object", "description": "sessions that stay, by why: running, recent, online, undated, archived, not_listed",
                     "additionalProperties": ["type": "integer"]],
            "complete": boolean("false when the list could not be read to its end"), "note": string(),
        ], required: ["dry_run", "older_than_days", "offline_only", "sessions", "archived", "failed", "kept", "complete", "note"])

    static let steeringResult = object(
        [
            "session_id": string(), "action": oneOf(["permission_mode", "model", "title", "archive", "mark_read"]),
            "value": string("the new mode, model or title"),
            "status": oneOf(
                ["queued", "acknowledged", "refused", "withdrawn", "applied"],
                "acknowledged or refused by the worker, queued when it has not answered yet, applied by the service"),
            "detail": string("the worker's words when it refused, or what the service said"),
            "request_id": string("the control's request_id"), "note": string(),
        ], required: ["session_id", "action", "status", "note"])

    static let interruptResult = object(
        [
            "session_id": string(), "request_id": string(), "status": controlStatus,
            "detail": string("the worker's words when it refused"),
        ], required: ["session_id", "request_id", "status"])
}
