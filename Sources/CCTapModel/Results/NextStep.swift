/// What the caller can do next after a result or an error, as a fact.
///
/// The core does not know who is asking (an MCP client, a C program, a person at the CLI), so it
/// never names a tool, a function or a command. Each surface turns a step into a sentence with its
/// own names through a `Wording`, at the one place where it hands results and errors out.
public enum NextStep: Sendable, Equatable {
    /// The turn goes on: wait again from `cursor`.
    case waitAgain(cursor: String)
    /// Answer one of `pending_permissions` (`requestIDs` are theirs), then wait again from `cursor`.
    case answerPermission(cursor: String, requestIDs: [String] = [])
    /// A dialog or a form waits for the person's answer: ask them, answer it with their choice, then
    /// wait again from `cursor`. `requestIDs`: the open inputs'.
    case answerInput(cursor: String, requestIDs: [String] = [])
    /// The person answers the prompt where Claude Code runs; then wait again from `cursor`.
    case personAnswers(cursor: String)
    /// The worker goes on with the turn: follow it with a wait.
    case followTurn
    /// A message was sent: wait for its reply from `cursor`.
    case waitForReply(cursor: String)
    /// A turn was asked to stop: a wait shows it end.
    case seeTurnEnd
    /// The session id was not valid or not found: look the sessions up.
    case findSession
    /// Whether a message was stored is unknown: read the session before sending it again.
    case readBeforeResending
    /// Nothing new needs the user yet: wait for attention again with the result's resume token.
    case watchAgain(resumeToken: String)
    /// Sessions need the user: answer their prompts or read their results, then watch again with the
    /// result's resume token.
    case attendThenWatch(resumeToken: String)
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
