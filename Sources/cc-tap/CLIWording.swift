import CCTapCore

extension Wording {
    /// The command line's words for a next step: its commands and options, and whole commands to
    /// paste where a step names a cursor or one open prompt.
    static let cli = Wording(
        wait: "run `cc-tap wait <session>`", withCursor: "with --cursor",
        answerPermission: "run `cc-tap respond <session> <request_id> allow|deny` for one of the pending permissions",
        answerInput: "run `cc-tap respond-input <session> <request_id> <action>` for one of the pending inputs",
        listSessions: "run `cc-tap sessions`", readSession: "run `cc-tap read <session>`",
        waitForAttention: "run `cc-tap attention` with --resume and the token above",
        commands: Commands(
            waitFromCursor: "run `cc-tap wait <session> --cursor <cursor>`",
            // Both decisions spelled out: the command a person pastes is the one they chose.
            answerPermission: "decide: run `cc-tap respond <session> <request_id> allow` to allow it, or "
                + "`cc-tap respond <session> <request_id> deny` to deny it",
            answerInput: "run `cc-tap respond-input <session> <request_id> <action>`",
            waitForAttention: "run `cc-tap attention --resume <resume_token>`"))

    /// The command line's words for `cc-tap attention` given these `--session`s: waiting again
    /// watches the same sessions (ids that are not session ids are refused before any request).
    static func cli(watching sessions: [String]) -> Wording {
        guard !sessions.isEmpty, sessions.allSatisfy({ (try? SessionID($0)) != nil }) else { return cli }
        var wording = cli
        let scope = sessions.map { "--session \($0.trimmed) " }.joined()
        wording.commands?.waitForAttention = "run `cc-tap attention \(scope)--resume <resume_token>`"
        return wording
    }

    /// The core names arguments as the MCP tools do; here they are the command line's options.
    static let optionNames: KeyValuePairs = [
        "status_filter": "--status", "last_n": "--last", "updated_input": "--updated-input",
        "older_than_days": "--older-than", "confirm_bypass": "--confirm-bypass", "resume_token": "--resume",
    ]

    /// An error's message with each argument named as the command line's option.
    static func withOptionNames(_ message: String) -> String {
        optionNames.reduce(message) { text, pair in text.replacing(pair.key, with: pair.value) }
    }

    /// The command line's words with the session a command was given in place of `<session>`, so a
    /// suggested command can be pasted as it is (the id was checked before any request: letters,
    /// digits, `_` and `-` only). The step itself fills in cursors and request ids.
    static func cli(session: String?) -> Wording {
        guard let session, (try? SessionID(session)) != nil else { return cli }
        let named = { (phrase: String) in phrase.replacing("<session>", with: session.trimmed) }
        var wording = cli
        wording.wait = named(wording.wait)
        wording.answerPermission = named(wording.answerPermission)
        wording.answerInput = named(wording.answerInput)
        wording.readSession = named(wording.readSession)
        if var commands = wording.commands {
            commands.waitFromCursor = named(commands.waitFromCursor)
            commands.answerPermission = named(commands.answerPermission)
            commands.answerInput = named(commands.answerInput)
            wording.commands = commands
        }
        return wording
    }
}
