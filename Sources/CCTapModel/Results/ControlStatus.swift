/// What became of a control sent to the worker. A POST that succeeds only means the service queued
/// it; the worker shows later whether it took effect (PROTOCOL.md §9).
public enum ControlStatus: String, Codable, Sendable {
    /// Posted, and no sign from the worker yet within the short wait (it may be offline or busy).
    case queued
    /// The worker took it: its `control_response` (or, for a permission answer, the tool's result or
    /// the end of the turn) arrived.
    case acknowledged
    /// The worker answered with an error; `detail` carries its words.
    case refused
    /// The worker withdrew the prompt (`control_cancel_request`) before the answer took effect.
    case withdrawn
    /// The service applied it to the session's record itself, with no worker involved (a title,
    /// archiving, marking read).
    case applied
}
