import CCTapCore

extension Wording {
    /// The MCP server's words for a next step: its tools and their arguments.
    static let mcp = Wording(
        wait: "call wait_for_reply", withCursor: "with cursor",
        answerPermission: "call respond_to_permission with a request_id from pending_permissions",
        answerInput: "call respond_to_input with a request_id from pending_inputs",
        listSessions: "call list_sessions", readSession: "call read_session",
        waitForAttention: "call wait_for_attention with this result's resume_token")
}
