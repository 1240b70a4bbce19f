/// The names one surface gives the operations a `NextStep` refers to, as imperative phrases
/// ("call wait_for_reply", "run `cc-tap wait <session>`"). The sentences are written here once.
public struct Wording: Sendable, Equatable {
    /// How to wait for a reply, e.g. "call wait_for_reply".
    public var wait: String
    /// How a cursor is given to `wait`, e.g. "with cursor" or "with --cursor".
    public var withCursor: String
    /// How to answer a permission prompt, with where its request id comes from.
    public var answerPermission: String
    /// How to answer a dialog or a form, with where its request id comes from.
    public var answerInput: String
    /// How to list sessions.
    public var listSessions: String
    /// How to read a session's conversation.
    public var readSession: String
    /// How to wait for attention again with a resume token, e.g. "call wait_for_attention with
    /// this result's resume_token".
    public var waitForAttention: String
    /// A surface whose steps are commands to paste gives whole commands, with the values filled in;
    /// without them the phrases above are joined.
    public var commands: Commands?

    /// Whole commands, with `<cursor>`, `<request_id>` and `<resume_token>` where a step's values go
    /// (a surface fills in `<session>` itself, from the command it ran).
    public struct Commands: Sendable, Equatable {
        /// Waiting from a cursor, e.g. "run `cc-tap wait S --cursor <cursor>`".
        public var waitFromCursor: String
        /// Answering the one open permission prompt, with `<request_id>`.
        public var answerPermission: String
        /// Answering the one open dialog or form, with `<request_id>`.
        public var answerInput: String
        /// Waiting for attention again, with `<resume_token>`.
        public var waitForAttention: String

        public init(waitFromCursor: String, answerPermission: String, answerInput: String, waitForAttention: String) {
            self.waitFromCursor = waitFromCursor
            self.answerPermission = answerPermission
            self.answerInput = answerInput
            self.waitForAttention = waitForAttention
        }
    }

    public init(
        wait: String, withCursor: String, answerPermission: String, answerInput: String, listSessions: String,
        readSession: String, waitForAttention: String, commands: Commands? = nil
    ) {
        self.answerInput = answerInput
        self.wait = wait
        self.withCursor = withCursor
        self.answerPermission = answerPermission
        self.listSessions = listSessions
        self.readSession = readSession
        self.waitForAttention = waitForAttention
        self.commands = commands
    }

    /// The step as one sentence in this surface's words.
    public func sentence(for step: NextStep) -> String {
        switch step {
        case .waitAgain(let cursor):
            return Self.capitalized("\(waiting(from: cursor)) to keep waiting.")
        case .answerPermission(let cursor, let ids):
            let answer = answering(ids, one: commands?.answerPermission, general: answerPermission)
            return Self.capitalized("\(answer), then \(waiting(from: cursor)).")
        case .answerInput(let cursor, let ids):
            let answer = answering(ids, one: commands?.answerInput, general: answerInput)
            return "Ask the person what to answer, \(answer) with their choice, then \(waiting(from: cursor))."
        case .personAnswers(let cursor):
            return "Once the person has answered it in Claude Code or the Claude app, \(waiting(from: cursor))."
        case .followTurn:
            return Self.capitalized("\(wait) to follow the turn.")
        case .waitForReply(let cursor):
            return "To wait for the reply, \(waiting(from: cursor))."
        case .seeTurnEnd:
            return Self.capitalized("\(wait) to see the turn end.")
        case .findSession:
            return Self.capitalized("\(listSessions) for valid session ids.")
        case .readBeforeResending:
            return Self.capitalized("\(readSession) before sending it again, or it may appear twice.")
        case .watchAgain(let token):
            return Self.capitalized("\(watching(with: token)) to keep watching.")
        case .attendThenWatch(let token):
            return "Answer each prompt (\(answerPermission)) or read each result, then "
                + "\(watching(with: token)) to keep watching without hearing of these again."
        }
    }

    private func watching(with token: String) -> String {
        guard let commands, Self.pastable(token, upTo: 4096) else { return waitForAttention }
        return commands.waitForAttention.replacing("<resume_token>", with: token)
    }

    private func waiting(from cursor: String) -> String {
        guard let commands, Self.pastable(cursor) else { return "\(wait) \(withCursor) \(cursor)" }
        return commands.waitFromCursor.replacing("<cursor>", with: cursor)
    }

    /// The open prompt's own command when exactly one is open; otherwise the general phrase, which
    /// a surface of commands follows with the ids to choose from.
    private func answering(_ ids: [String], one: String?, general: String) -> String {
        guard let one else { return general }
        if ids.count == 1, Self.pastable(ids[0]) { return one.replacing("<request_id>", with: ids[0]) }
        let shown = ids.filter { Self.pastable($0) }
        return shown.isEmpty ? general : general + " (request_id " + shown.joined(separator: ", ") + ")"
    }

    /// Whether a value from the service can stand in a command pasted into a shell as it is:
    /// ASCII letters, digits and `_-.:,=` only (a cursor reads `seq:42,msg=…,ahead=0,running=1`), and
    /// starting with a letter or digit, so it cannot be read as an option (`--always`) or expanded
    /// (zsh's `=word`).
    package static func pastable(_ value: String, upTo length: Int = 200) -> Bool {
        func alphanumeric(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
        }
        guard let first = value.unicodeScalars.first, alphanumeric(first), value.utf8.count <= length else { return false }
        return value.unicodeScalars.allSatisfy { alphanumeric($0) || "_-.:,=".unicodeScalars.contains($0) }
    }

    /// `text` after `fact`, when there is a step to add.
    public func adding(_ step: NextStep?, to fact: String) -> String {
        guard let step else { return fact }
        return fact.isEmpty ? sentence(for: step) : fact + " " + sentence(for: step)
    }

    private static func capitalized(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst()
    }
}
