import CCTapCore
import CCTapRendering
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Tools that talk to a session: the published cc-tap's send_message and send_and_wait (same names
/// and arguments), and wait_for_reply, respond_to_permission and interrupt_session.
enum ConversationTools {
    static let definitions: [ToolDefinition] = [
        sendMessage, sendAndWait, waitForReply, respondToPermission, respondToInput, interruptSession,
    ]

    /// Claude Desktop gives up on a tool call after about 60 s, and Claude Code moves calls past
    /// 120 s to the background, so waits default below the first and never exceed the second.
    static let defaultWaitSeconds: Double = 50
    static let maxWaitSeconds: Double = 110

    static let timeout = Schema.number(
        "Seconds to wait (default 50, at most 110; more is capped, and the result says so). On timeout the result "
            + "has a cursor: call wait_for_reply with it.",
        range: 0...maxWaitSeconds, default: defaultWaitSeconds)

    static func waitSeconds(_ call: ToolCall) throws -> (seconds: Double, clamped: Bool) {
        let asked = try call.arguments.number("timeout") ?? defaultWaitSeconds
        guard asked.isFinite, asked >= 0 else {
            throw ToolArguments.Invalid(message: "timeout must be a number of seconds, 0 or more.")
        }
        return asked > maxWaitSeconds ? (maxWaitSeconds, true) : (asked, false)
    }

    static func pollInterval(_ call: ToolCall) throws -> Double? {
        // Checked by the core against SecondsSetting.pollInterval: an out-of-range value is refused
        // with the range, never clamped silently.
        try call.arguments.number("poll_interval")
    }

    static func waitResult(_ result: WaitResult, clamped: Bool) throws -> ToolResult {
        var result = result
        if clamped {
            result.hint += " (The wait was capped at \(Int(maxWaitSeconds)) s so the client does not give up on the call.)"
        }
        return try ToolRegistry.result(result, render: Render.wait)
    }

    static let sendMessage = ToolDefinition(
        tool: Tool(
            name: "send_message", title: "Send a message to a session",
            description: """
                Send a message to a Claude Code session without waiting for the answer. It goes out as another \
                Claude session's message (yours, an agent's), which the session's model is told its person did not \
                type, unless this server was started with --sender person; a session that holds such messages keeps it \
                for its person (held: true, with what they can do). Returns a cursor that names the message (call wait_for_reply with it: the wait ends on \
                the turn that answers this message, not the one running now) and whether it is queued behind a \
                running turn. Use send_and_wait to send and wait in one call.
                """,
            inputSchema: Schema.object(
                ["session_id": SessionTools.sessionID, "message": Schema.string("The message text.")],
                required: ["session_id", "message"]),
            annotations: .init(
                title: "Send a message to a session", readOnlyHint: false, destructiveHint: false,
                idempotentHint: false, openWorldHint: true),
            outputSchema: Schema.sendResult),
        run: { call in
            let sent = try await call.tap.sendMessage(
                try call.arguments.requiredString("session_id"), message: try call.arguments.requiredString("message"))
            return try ToolRegistry.result(sent, render: Render.sent)
        })

    static let sendAndWait = ToolDefinition(
        tool: Tool(
            name: "send_and_wait", title: "Send a message and wait for the reply",
            description: """
                Send a message to a Claude Code session and wait until its turn ends, it asks for \
                permission to use a tool, it waits on other input, or the timeout passes. The message goes out as \
                another Claude session's (an agent's), as send_message says. Returns the assistant's \
                reply to this message (never another turn's), the status (complete, waiting_for_permission, \
                waiting_for_input, timeout, interrupted, error; held when the session holds messages from other \
                sessions for its person, refused when it refuses them and nothing was sent), any pending prompts and \
                a cursor. A session already \
                blocked on a prompt answers at once with that prompt; the message then waits behind it \
                (turn: queued). On waiting_for_permission answer with \
                respond_to_permission (an AskUserQuestion prompt is answered with allow and updated_input holding \
                the answers); on waiting_for_input ask the person and answer with respond_to_input (a client that \
                shows forms is asked directly, and the wait goes on with the person's answer); on \
                timeout keep waiting with wait_for_reply and the cursor (never send the message again).
                """,
            inputSchema: Schema.object(
                [
                    "session_id": SessionTools.sessionID, "message": Schema.string("The message text."),
                    "timeout": timeout,
                    "poll_interval": Schema.number(
                        "Seconds between reads of the event list when a wait has to poll (0.05 to 60, default 1); "
                            + "waits follow the event stream when it is served, and this does not apply then.",
                        range: SecondsSetting.pollInterval.range, default: 1),
                ], required: ["session_id", "message"]),
            annotations: .init(
                title: "Send a message and wait for the reply", readOnlyHint: false, destructiveHint: false,
                idempotentHint: false, openWorldHint: true),
            outputSchema: Schema.waitResult),
        run: { call in
            let id = try call.arguments.requiredString("session_id")
            let message = try call.arguments.requiredString("message")
            let (seconds, clamped) = try waitSeconds(call)
            let interval = try pollInterval(call)
            let started = Date()
            let result = try await ProgressSink.reporting(call.progress) { progress in
                try await call.tap.sendAndWait(
                    id, message: message, timeout: seconds, pollInterval: interval, progress: progress)
            }
            return try waitResult(try await InputRelay.relay(result, call: call, seconds: seconds, started: started), clamped: clamped)
        })

    static let waitForReply = ToolDefinition(
        tool: Tool(
            name: "wait_for_reply", title: "Keep waiting for a reply",
            description: """
                Keep waiting for a session's turn to end, from the cursor a send_message, send_and_wait or \
                earlier wait_for_reply returned. Use it after a timeout, after send_message, or after answering a \
                permission prompt. Returns like send_and_wait; status idle when no turn is running and none \
                started after the cursor.
                """,
            inputSchema: Schema.object(
                [
                    "session_id": SessionTools.sessionID,
                    "cursor": Schema.string("The cursor from the previous result."), "timeout": timeout,
                ], required: ["session_id", "cursor"]),
            annotations: .init(title: "Keep waiting for a reply", readOnlyHint: true, openWorldHint: true),
            outputSchema: Schema.waitResult),
        run: { call in
            let id = try call.arguments.requiredString("session_id")
            let cursor = try call.arguments.requiredString("cursor")
            let (seconds, clamped) = try waitSeconds(call)
            let result = try await ProgressSink.reporting(call.progress) { progress in
                try await call.tap.waitForReply(id, cursor: cursor, timeout: seconds, progress: progress)
            }
            return try waitResult(result, clamped: clamped)
        })

    static let respondToPermission = ToolDefinition(
        tool: Tool(
            name: "respond_to_permission", title: "Answer a permission prompt",
            description: """
                Allow or deny a tool-permission prompt a session is waiting on. Take request_id from \
                pending_permissions (of send_and_wait, wait_for_reply or get_session_info); it is not the \
                tool_use_id. Allowing lets the session run the tool, so check the tool and its input first. For \
                AskUserQuestion, allow with updated_input {"questions": <as asked>, "answers": {"<question>": \
                "<chosen label>"}}. always: true allows and also sends back the prompt's permission_suggestions \
                (read always_allows first: it says what would be allowed from then on, and where), so the session \
                stops asking for that rule; use it only when the person asked for it. The result's status says whether the worker showed within a few seconds that \
                it took the answer (acknowledged) or not yet (queued). Then call wait_for_reply with the earlier \
                cursor to follow the turn.
                """,
            inputSchema: Schema.object(
                [
                    "session_id": SessionTools.sessionID,
                    "request_id": Schema.string("The prompt's request_id."),
                    "decision": Schema.oneOf(["allow", "deny"]),
                    "message": Schema.string("Optional, with deny: why, shown to the session."),
                    "updated_input": ["type": "object", "description": "Optional, with allow: the tool input to run instead of the proposed one."],
                    "always": Schema.boolean(
                        "Optional, with allow: keep allowing what the prompt's permission_suggestions say (its always_allows)."),
                ], required: ["session_id", "request_id", "decision"]),
            annotations: .init(
                // Not idempotent: a second answer to the same prompt is refused (it is no longer pending).
                title: "Answer a permission prompt", readOnlyHint: false, destructiveHint: true, idempotentHint: false,
                openWorldHint: true),
            outputSchema: Schema.permissionResponse),
        run: { call in
            let decisionText = try call.arguments.requiredString("decision").lowercased()
            guard let decision = PermissionDecision(rawValue: decisionText) else {
                throw ToolArguments.Invalid(message: "decision must be 'allow' or 'deny'.")
            }
            let answer = try await call.tap.respondToPermission(
                try call.arguments.requiredString("session_id"),
                requestID: try call.arguments.requiredString("request_id"), decision: decision,
                message: try call.arguments.string("message"), updatedInput: try call.arguments.object("updated_input"),
                always: try call.arguments.boolean("always") ?? false)
            return try ToolRegistry.result(answer, render: Render.permissionResponse)
        })

    static let respondToInput = ToolDefinition(
        tool: Tool(
            name: "respond_to_input", title: "Answer a dialog or a form",
            description: """
                Answer a dialog (request_user_dialog) or a form an MCP server of the session asks (elicitation) \
                that the session is waiting on. Take request_id, kind, actions and summary from pending_inputs \
                (of send_and_wait, wait_for_reply, wait_for_attention or get_session_info). A dialog takes \
                action complete with result (the choice, as the dialog's payload offers it) or cancel; an \
                elicitation takes accept with result set to content that fits its requested_schema (checked here \
                before anything is sent), decline or cancel. These are the person's choices: ask them, never \
                guess. The result's status says whether the session's turn went on within a few seconds \
                (acknowledged) or not yet (queued). Then call wait_for_reply with the earlier cursor.
                """,
            inputSchema: Schema.object(
                [
                    "session_id": SessionTools.sessionID,
                    "request_id": Schema.string("The request's request_id, from pending_inputs."),
                    "action": Schema.oneOf(InputAction.allCases.map(\.rawValue)),
                    "result": Schema.any(
                        "With complete: the dialog's result (any JSON). With accept: the form's content, a JSON object."),
                ], required: ["session_id", "request_id", "action"]),
            annotations: .init(
                // Not idempotent: a second answer is refused (the request is no longer pending).
                title: "Answer a dialog or a form", readOnlyHint: false, destructiveHint: true, idempotentHint: false,
                openWorldHint: true),
            outputSchema: Schema.inputResponse),
        run: { call in
            let actionText = try call.arguments.requiredString("action").lowercased()
            guard let action = InputAction(rawValue: actionText) else {
                throw ToolArguments.Invalid(
                    message: "action must be one of \(InputAction.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            let answer = try await call.tap.respondToInput(
                try call.arguments.requiredString("session_id"), requestID: try call.arguments.requiredString("request_id"),
                action: action, value: try call.arguments.json("result"))
            return try ToolRegistry.result(answer, render: Render.inputResponse)
        })

    static let interruptSession = ToolDefinition(
        tool: Tool(
            name: "interrupt_session", title: "Stop a session's current turn",
            description: """
                Stop the turn a session is running, like its Stop button. Work in progress is abandoned. The \
                result's status says whether the worker acknowledged it within a few seconds. Then call \
                wait_for_reply to see the turn end.
                """,
            inputSchema: Schema.object(["session_id": SessionTools.sessionID], required: ["session_id"]),
            annotations: .init(
                title: "Stop a session's current turn", readOnlyHint: false, destructiveHint: true,
                idempotentHint: true, openWorldHint: true),
            outputSchema: Schema.interruptResult),
        run: { call in
            let result = try await call.tap.interrupt(try call.arguments.requiredString("session_id"))
            return try ToolRegistry.result(result) { Render.interrupt($0, .mcp) }
        })
}
