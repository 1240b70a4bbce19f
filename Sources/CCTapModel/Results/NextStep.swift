/// What the caller can do next after a result or an error, as a fact.
///
/// The core does not know who is asking (an MCP client, a C program, a person at the CLI), so it
/// never names a tool, a function or a command. Each surface turns a step into a sentence with its
/// own names through a `Wording`, at the one place where it hands results and errors out.
public enum NextStep: Sendable, Equatable {
    /// The turn goes on: wait again from `cursor`.
    case waitAgain(cursor: String)
    /// Answer one of `pending_permissions`, then wait again from `cursor`.
    case answerPermission(cursor: String)
    /// A dialog or a form waits for the person's answer: ask them, answer it with their choice, then
    /// wait again from `cursor`.
    case answerInput(cursor: String)
    /// The person answers the prompt where Claude Code runs; then wait again from `cursor`.
    case personAnswers(cursor: String)
    /// The worker goes on with the turn: follow it with a wait.
    case followTurn
    /// The session id was not valid or not found: look the sessions up.
    case findSession
    /// Whether a message was stored is unknown: read the session before sending it again.
    case readBeforeResending
    /// Nothing new needs the user yet: wait for attention again with the result's resume token.
    case watchAgain
    /// Sessions need the user: answer their prompts or read their results, then watch again with the
    /// result's resume token.
    case attendThenWatch
}

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

/// A result that advises a next step in its text (`hint`, `note`): the surface words it before
/// encoding or rendering the result.
public protocol AdvisesNextStep {
    /// The result with the step worded into its text.
    func worded(_ wording: Wording) -> Self
}

extension Wording {
    /// `value` with its next step worded in, when it has one; any other value unchanged.
    public func apply<T>(_ value: T) -> T {
        guard let advising = value as? any AdvisesNextStep else { return value }
        return advising.worded(self) as? T ?? value
    }
}
