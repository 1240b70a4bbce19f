/// Which generation of the session API the emulated service answers, so every client surface can be
/// tested in each world a user may meet (see PROTOCOL.md §1).
public enum EmulatorDialect: String, Sendable, CaseIterable {
    /// Both: the 2026 Remote Control routes (`/v1/code/sessions`) and the older compat routes (`/v1/sessions`).
    case both
    /// Only the compat routes, as before the 2026 routes existed (no event stream, no presence).
    case v1
    /// Only `/v1/code/sessions`, as for sessions that Claude Code 2.1.212 and later creates.
    case v2

    /// Whether a service route is answered in this world. A route that is not gets the service's 404.
    func serves(path: String) -> Bool {
        switch self {
        case .both: return true
        case .v1: return !path.hasPrefix("/v1/code/")
        case .v2: return !(path == "/v1/sessions" || path.hasPrefix("/v1/sessions/"))
        }
    }
}
