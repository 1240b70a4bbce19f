import CCTapCore
import CCTapRendering

/// Tools for supervising many sessions at once.
enum AttentionTools {
    static let definitions: [ToolDefinition] = [waitForAttention]

    static let waitForAttention = ToolDefinition(
        tool: Tool(
            name: "wait_for_attention", title: "Wait until a session needs you",
            description: """
                Wait until any of the given sessions (or any live session on the account) needs the user: a \
                tool-permission prompt or another request blocks it, a turn ended and nobody read the result, or \
                its machine dropped off during a turn. Returns at once when one already does. Each item says the \
                reason and what to do: the prompts with their request_id (answer with respond_to_permission), or \
                the finished turn's reply, plus a cursor for wait_for_reply. Pass the result's resume_token to the \
                next call so it reports only what is new and nothing in between is lost. On timeout nothing new \
                happened: call again with the resume_token.
                """,
            inputSchema: Schema.object(
                [
                    "session_ids": Schema.array(
                        SessionTools.sessionID,
                        "Optional: the sessions to watch (at most \(Limits.attentionSessions.upperBound)); omitted or empty "
                            + "for every live session."),
                    "timeout": Schema.number(
                        "Seconds to wait (default 50, at most 110; more is capped, and the result says so). On timeout "
                            + "call again with the result's resume_token.",
                        range: 0...ConversationTools.maxWaitSeconds, default: ConversationTools.defaultWaitSeconds),
                    "resume_token": Schema.string(
                        "Optional: the resume_token of the previous wait_for_attention, so occasions it already reported "
                            + "are not reported again."),
                ]),
            annotations: .init(title: "Wait until a session needs you", readOnlyHint: true, openWorldHint: true),
            outputSchema: Schema.attentionResult),
        run: run)

    static func run(_ call: ToolCall) async throws -> ToolResult {
        let ids = try call.arguments.strings("session_ids") ?? []
        let (seconds, clamped) = try ConversationTools.waitSeconds(call)
        let token = try call.arguments.string("resume_token")
        var result = try await call.tap.waitForAttention(
            sessions: ids, timeout: seconds, resumeToken: token, progress: call.progress.map(reporter))
        if clamped {
            result.hint += " (The wait was capped at \(Int(ConversationTools.maxWaitSeconds)) s so the client does not give up on the call.)"
        }
        return try ToolRegistry.result(result, render: Render.attention)
    }

    /// Progress for a client that asked for it: the core reports every couple of seconds, which
    /// keeps Claude Code's idle watchdog from giving up on a long wait.
    static func reporter(_ sink: ProgressSink) -> @Sendable (AttentionProgress) -> Void {
        { progress in
            let message =
                "Watching \(progress.sessionsWatched) session(s) by \(progress.source) (\(Int(progress.elapsedSeconds)) s); "
                + "nothing new needs you yet."
            Task { await sink.report(message) }
        }
    }
}
