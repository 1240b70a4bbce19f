import CCTapCore

extension Wording {
    /// The C library's words for a next step: its functions and their arguments.
    static let c = Wording(
        wait: "call cctap_wait_for_reply()", withCursor: "with cursor",
        answerPermission: "call cctap_respond_to_permission() with a request_id from pending_permissions",
        answerInput: "call cctap_respond_to_input() with a request_id from pending_inputs",
        listSessions: "call cctap_list_sessions()", readSession: "call cctap_read_session()",
        waitForAttention: "call cctap_wait_for_attention() with this result's resume_token")
}
