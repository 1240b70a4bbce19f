import CCTapCore

extension Wording {
    /// The command line's words for a next step: its commands and options.
    static let cli = Wording(
        wait: "run `cc-tap wait <session>`", withCursor: "with --cursor",
        answerPermission: "run `cc-tap respond <session> <request_id> allow|deny` for one of the pending permissions",
        answerInput: "run `cc-tap respond-input <session> <request_id> <action>` for one of the pending inputs",
        listSessions: "run `cc-tap sessions`", readSession: "run `cc-tap read <session>`",
        waitForAttention: "run `cc-tap attention` with --resume and the token above")
}
