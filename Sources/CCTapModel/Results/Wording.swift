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

    public init(
        wait: String, withCursor: String, answerPermission: String, answerInput: String, listSessions: String,
        readSession: String, waitForAttention: String
    ) {
        self.answerInput = answerInput
        self.wait = wait
        self.withCursor = withCursor
        self.answerPermission = answerPermission
        self.listSessions = listSessions
        self.readSession = readSession
        self.waitForAttention = waitForAttention
    }

    /// The step as one sentence in this surface's words.
    public func sentence(for step: NextStep) -> String {
        switch step {
        case .waitAgain(let cursor):
            return Self.capitalized("\(wait) \(withCursor) \(cursor) to keep waiting.")
        case .answerPermission(let cursor):
            return Self.capitalized("\(answerPermission), then \(wait) \(withCursor) \(cursor).")
        case .answerInput(let cursor):
            return "Ask the person what to answer, \(answerInput) with their choice, then \(wait) \(withCursor) \(cursor)."
        case .personAnswers(let cursor):
            return "Once the person has answered it in Claude Code or the Claude app, \(wait) \(withCursor) \(cursor)."
        case .followTurn:
            return Self.capitalized("\(wait) to follow the turn.")
        case .waitForReply(let cursor):
            return "To wait for the reply, \(wait) \(withCursor) \(cursor)."
        case .seeTurnEnd:
            return Self.capitalized("\(wait) to see the turn end.")
        case .findSession:
            return Self.capitalized("\(listSessions) for valid session ids.")
        case .readBeforeResending:
            return Self.capitalized("\(readSession) before sending it again, or it may appear twice.")
        case .watchAgain:
            return Self.capitalized("\(waitForAttention) to keep watching.")
        case .attendThenWatch:
            return "Answer each prompt (\(answerPermission)) or read each result, then "
                + "\(waitForAttention) to keep watching without hearing of these again."
        }
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
