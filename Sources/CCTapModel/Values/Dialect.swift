/// The two generations of the Remote Control session routes (PROTOCOL.md §1).
public enum Dialect: String, Sendable, Codable, CaseIterable {
    /// `/v1/code/sessions`, `cse_` ids, events wrapped as `{payload}`: what every 2026 controller speaks.
    case v2
    /// The older compat routes `/v1/sessions`, `session_` ids, bare events.
    case v1

    package var other: Dialect { self == .v2 ? .v1 : .v2 }
}
