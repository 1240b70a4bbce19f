import CCTapModel

/// Every path cc-tap requests, in one place (PROTOCOL.md §1). A route that moves is
/// changed here; the families' files build their requests from these.
enum Route {
    /// `/v1/code/sessions` (v2) or `/v1/sessions` (v1): the session list.
    static func sessions(_ dialect: Dialect) -> String { dialect == .v2 ? "/v1/code/sessions" : "/v1/sessions" }

    /// One session's record, in the dialect's spelling of its id.
    static func session(_ id: SessionID, _ dialect: Dialect) -> String { "\(sessions(dialect))/\(id.spelled(dialect))" }

    /// A session's event list (read and write share it).
    static func events(_ id: SessionID, _ dialect: Dialect) -> String { "\(session(id, dialect))/events" }

    /// The v2 per-session event stream.
    static func eventStream(_ id: SessionID) -> String { "\(events(id, .v2))/stream" }

    /// The same with the id left out, for reports that name the route rather than a session.
    static let eventStreamPattern = "/v1/code/sessions/{id}/events/stream"

    /// Archiving, in either dialect.
    static func archive(_ id: SessionID, _ dialect: Dialect) -> String { "\(session(id, dialect))/archive" }

    /// v2 only: the read mark.
    static func markRead(_ id: SessionID) -> String { "\(session(id, .v2))/mark_read" }

    /// v2 only: a controller announcing a person watching.
    static func presence(_ id: SessionID) -> String { "\(session(id, .v2))/client/presence" }

    /// v2 only: the account-wide stream of session changes.
    static let watch = "/v1/code/sessions/watch"

    /// The login's own account: the organisation, when nothing local names it.
    static let profile = "/api/oauth/profile"
    static let roles = "/api/oauth/claude_cli/roles"
}

/// The header names and values the seam chooses between (PROTOCOL.md §2). The transport adds
/// the fixed ones; these are the ones an operation or a probe varies.
enum Header {
    static let clientPlatform = "anthropic-client-platform"
    static let organization = "x-organization-uuid"
    static let beta = "anthropic-beta"
    static let compatBeta = "ccr-byoc-2025-07-29"
    static let accept = "Accept"
    static let lastEventID = "Last-Event-ID"
}
