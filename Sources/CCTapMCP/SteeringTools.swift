import CCTapCore
import CCTapRendering

/// Tools that steer a session as the web and mobile apps do: the worker's permission mode and model,
/// and the session's title, archive state and read mark.
enum SteeringTools {
    static let definitions: [ToolDefinition] = [setPermissionMode, setModel, renameSession, archiveSession, markRead, pruneSessions]

    static let setPermissionMode = ToolDefinition(
        tool: Tool(
            name: "set_permission_mode", title: "Change a session's permission mode",
            description: """
                Change how a session asks before using tools: default (asks for risky tools), plan (plans, \
                changes nothing), acceptEdits (edits files without asking), auto (a second model reviews each \
                action instead of the person), dontAsk (runs what is pre-approved and denies anything that would \
                ask), or bypassPermissions (runs every tool without asking anyone: only when the person explicitly \
                asked for it, with confirm_bypass true). Older workers may refuse auto or dontAsk. The result's status says whether the worker acknowledged or refused it (with its words), \
                or has not answered yet (queued).
                """,
            inputSchema: Schema.object(
                [
                    "session_id": SessionTools.sessionID,
                    "mode": Schema.oneOf(Limits.permissionModes),
                    "confirm_bypass": Schema.boolean(
                        "Required as true for bypassPermissions, and only when the person asked for it; ignored otherwise."),
                ], required: ["session_id", "mode"]),
            annotations: .init(
                title: "Change a session's permission mode", readOnlyHint: false, destructiveHint: true,
                idempotentHint: true, openWorldHint: true),
            outputSchema: Schema.steeringResult),
        run: { call in
            let result = try await call.tap.setPermissionMode(
                try call.arguments.requiredString("session_id"), mode: try call.arguments.requiredString("mode"),
                confirmBypass: try call.arguments.boolean("confirm_bypass") ?? false)
            return try ToolRegistry.result(result, render: Render.steering)
        })

    static let setModel = ToolDefinition(
        tool: Tool(
            name: "set_model", title: "Change a session's model",
            description: """
                Switch a session's worker to another model (e.g. claude-opus-4-8) for its next turns. The \
                result's status says whether the worker acknowledged or refused it, or has not answered yet.
                """,
            inputSchema: Schema.object(
                ["session_id": SessionTools.sessionID, "model": Schema.string("The model name.")],
                required: ["session_id", "model"]),
            annotations: .init(
                title: "Change a session's model", readOnlyHint: false, destructiveHint: false, idempotentHint: true,
                openWorldHint: true),
            outputSchema: Schema.steeringResult),
        run: { call in
            let result = try await call.tap.setModel(
                try call.arguments.requiredString("session_id"), model: try call.arguments.requiredString("model"))
            return try ToolRegistry.result(result, render: Render.steering)
        })

    static let renameSession = ToolDefinition(
        tool: Tool(
            name: "rename_session", title: "Rename a session",
            description: "Give a session a new title, as shown in the session list and the apps.",
            inputSchema: Schema.object(
                ["session_id": SessionTools.sessionID, "title": Schema.string("The new title (1 to 500 bytes).")],
                required: ["session_id", "title"]),
            annotations: .init(
                title: "Rename a session", readOnlyHint: false, destructiveHint: false, idempotentHint: true,
                openWorldHint: true),
            outputSchema: Schema.steeringResult),
        run: { call in
            let result = try await call.tap.renameSession(
                try call.arguments.requiredString("session_id"), title: try call.arguments.requiredString("title"))
            return try ToolRegistry.result(result, render: Render.steering)
        })

    static let archiveSession = ToolDefinition(
        tool: Tool(
            name: "archive_session", title: "Archive a session",
            description: """
                Archive a session: it leaves the active list and can no longer be sent messages; its history \
                stays readable. A session that already was archived is reported as such, not as an error.
                """,
            inputSchema: Schema.object(["session_id": SessionTools.sessionID], required: ["session_id"]),
            annotations: .init(
                title: "Archive a session", readOnlyHint: false, destructiveHint: true, idempotentHint: true,
                openWorldHint: true),
            outputSchema: Schema.steeringResult),
        run: { call in
            let result = try await call.tap.archiveSession(try call.arguments.requiredString("session_id"))
            return try ToolRegistry.result(result, render: Render.steering)
        })

    static let markRead = ToolDefinition(
        tool: Tool(
            name: "mark_read", title: "Mark a session read",
            description: """
                Mark a session read, so its finished turn no longer shows as unread here and in the apps (and no \
                longer counts as needing attention).
                """,
            inputSchema: Schema.object(["session_id": SessionTools.sessionID], required: ["session_id"]),
            annotations: .init(
                title: "Mark a session read", readOnlyHint: false, destructiveHint: false, idempotentHint: true,
                openWorldHint: true),
            outputSchema: Schema.steeringResult),
        run: { call in
            let result = try await call.tap.markRead(try call.arguments.requiredString("session_id"))
            return try ToolRegistry.result(result, render: Render.steering)
        })

    static let pruneSessions = ToolDefinition(
        tool: Tool(
            name: "prune_sessions", title: "Archive stale sessions",
            description: """
                Archive the active sessions whose last activity is older than older_than_days and that are not \
                running or waiting on their person (with offline_only, only those whose machine is disconnected), \
                over the whole list. dry_run is true unless set to false: a dry run lists exactly what would be \
                archived and changes nothing. Show the person that list and archive only when they agree, then \
                call again with dry_run false and session_ids set to the ids they agreed to, so nothing else goes. \
                Archived sessions leave the list; their history stays readable.
                """,
            inputSchema: Schema.object(
                [
                    "older_than_days": Schema.number("Days without activity, 1..3650.", range: 1...3650, default: 30),
                    "offline_only": Schema.boolean("Only sessions whose machine is disconnected (default false)."),
                    "dry_run": Schema.boolean("List what would be archived without archiving (default true)."),
                    "session_ids": Schema.array(
                        Schema.string(), "Only these (the ids a dry run named); each is judged again, and one no longer stale stays."),
                ], required: ["older_than_days"]),
            annotations: .init(
                title: "Archive stale sessions", readOnlyHint: false, destructiveHint: true, idempotentHint: true,
                openWorldHint: true),
            outputSchema: Schema.pruneResult),
        run: { call in
            guard let days = try call.arguments.number("older_than_days") else {
                throw ToolArguments.Invalid(message: "older_than_days is required: the days without activity, 1..3650.")
            }
            let result = try await call.tap.pruneSessions(
                olderThanDays: days, offlineOnly: try call.arguments.boolean("offline_only") ?? false,
                dryRun: try call.arguments.boolean("dry_run") ?? true, only: try call.arguments.strings("session_ids"))
            return try ToolRegistry.result(result, render: Render.prune)
        })
}
