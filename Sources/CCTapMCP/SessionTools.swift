import CCTapCore
import CCTapRendering

/// Tools that read: the published cc-tap's four read tools, with their names and arguments.
enum SessionTools {
    static let definitions: [ToolDefinition] = [listSessions, getSessionInfo, readSession, getSessionEvents]

    static let sessionID = Schema.string("The session: session_…, cse_… or the bare id, as list_sessions shows it.")

    static let listSessions = ToolDefinition(
        tool: Tool(
            name: "list_sessions", title: "List Claude Code sessions",
            description: """
                List the Claude Code sessions (Remote Control and web) on the user's account, newest activity \
                first, across every page. Use it first, to find a session's id, whether its worker is running, \
                idle or blocked on the user (worker_status requires_action), whether it is archived, whether a \
                finished turn is unread, whether its machine is connected, and whether it needs the user now \
                (needs_attention, attention_reason).
                """,
            inputSchema: Schema.object([
                "status_filter": Schema.string(
                    "Optional: 'active' (not archived), 'archived', a worker state (running, idle, "
                        + "requires_action), or 'needs_attention' (blocked on the user, a result unread, or its machine "
                        + "gone mid-turn). Empty, omitted or 'all': every session.")
            ]),
            annotations: .init(title: "List Claude Code sessions", readOnlyHint: true, openWorldHint: true),
            outputSchema: Schema.sessionList),
        run: { call in
            let filter = try call.arguments.string("status_filter")
            let list = try await call.tap.listSessions(status: filter)
            return try ToolRegistry.result(list, render: Render.sessions)
        })

    static let getSessionInfo = ToolDefinition(
        tool: Tool(
            name: "get_session_info", title: "Get session details",
            description: """
                Get one session's details: title, status, connection, working directory, model, its context, \
                and any tool-permission prompt waiting for an answer (with the request_id to answer it with).
                """,
            inputSchema: Schema.object(["session_id": sessionID], required: ["session_id"]),
            annotations: .init(title: "Get session details", readOnlyHint: true, openWorldHint: true),
            outputSchema: Schema.sessionInfo),
        run: { call in
            let info = try await call.tap.sessionInfo(try call.arguments.requiredString("session_id"))
            return try ToolRegistry.result(info, render: Render.sessionInfo)
        })

    static let readSession = ToolDefinition(
        tool: Tool(
            name: "read_session", title: "Read a session's conversation",
            description: """
                Read the newest entries of a session's conversation as a readable transcript: the user's \
                messages, the assistant's replies, tool calls and results (summarised), permission prompts and \
                turn ends. Use it to see what a session is doing or said. Reads only the end of long sessions.
                """,
            inputSchema: Schema.object(
                [
                    "session_id": sessionID,
                    "last_n": Schema.integer("How many entries, newest last (1-1000, default 20).", range: Limits.lastN, default: 20),
                ], required: ["session_id"]),
            annotations: .init(title: "Read a session's conversation", readOnlyHint: true, openWorldHint: true),
            outputSchema: Schema.transcript),
        run: { call in
            let transcript = try await call.tap.readSession(
                try call.arguments.requiredString("session_id"), lastN: try call.arguments.integer("last_n") ?? 20)
            return try ToolRegistry.result(transcript, render: Render.transcript)
        })

    static let getSessionEvents = ToolDefinition(
        tool: Tool(
            name: "get_session_events", title: "Get a session's raw events",
            description: """
                Get a session's newest raw events (Claude Code SDK messages) exactly as stored, oldest first, \
                optionally only some types. Use it when read_session's summary is not enough, e.g. to see full \
                tool results or system events.
                """,
            inputSchema: Schema.object(
                [
                    "session_id": sessionID,
                    "event_types": Schema.string(
                        "Comma-separated event types to keep (e.g. 'user,assistant,result'); empty for all."),
                    "last_n": Schema.integer("How many events (1-1000, default 50).", range: Limits.lastN, default: 50),
                ], required: ["session_id"]),
            annotations: .init(title: "Get a session's raw events", readOnlyHint: true, openWorldHint: true),
            outputSchema: Schema.eventList),
        run: { call in
            let events = try await call.tap.events(
                try call.arguments.requiredString("session_id"), typeList: try call.arguments.string("event_types"),
                lastN: try call.arguments.integer("last_n") ?? 50)
            return try ToolRegistry.result(events, render: Render.events)
        })
}

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
