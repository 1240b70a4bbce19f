/// Whether a session takes messages from other Claude sessions (peers) now, read from its record
/// (PROTOCOL.md §16). An agent's message through cc-tap is a peer's; a session that holds peers'
/// messages stores it but starts no turn until its person lets it through.
public struct PeerPolicy: Codable, Sendable, Equatable {
    /// `external_metadata.cross_session_inbound` as the record carried it; nil when absent.
    public var reported: String?
    public var verdict: PeerVerdict
    /// Why, in a sentence.
    public var reason: String

    package init(reported: String?, verdict: PeerVerdict, reason: String) {
        self.reported = reported
        self.verdict = verdict
        self.reason = reason
    }

    /// Reads a session record (v2 or v1 shape). The worker reports `available` or `unavailable`
    /// (CLI 2.1.259); the setting's own words (`accept`, `hold`, `refuse`) are read too. Unset means
    /// mode parity: a session that bypasses permissions holds a message from one that does not.
    package init(record json: JSONValue) {
        let metadata = json["external_metadata"]
        let reported = metadata?["cross_session_inbound"]?.stringValue
        self.reported = reported
        switch reported?.lowercased() {
        case "available", "accept":
            verdict = .accept
            reason = "The session takes messages from other sessions (cross_session_inbound: \(reported!))."
        case "unavailable", "hold":
            verdict = .hold
            reason =
                "The session does not take messages from other sessions now (cross_session_inbound: \(reported!)): it holds "
                + "them for its person to let through, or refuses them."
        case "refuse":
            verdict = .refuse
            reason = "The session refuses messages from other sessions (cross_session_inbound: refuse)."
        default:
            let mode = (metadata?["permission_mode"] ?? json["permission_mode"])?.stringValue
            if mode == "bypassPermissions" {
                verdict = .hold
                reason =
                    "The session runs with bypassPermissions and does not report its cross_session_inbound setting; unset, "
                    + "such a session holds messages from other sessions for its person."
            } else {
                verdict = .unknown
                reason = "The session does not report whether it takes messages from other sessions (most deliver them)."
            }
        }
    }

    /// The session said so itself (`cross_session_inbound`), rather than cc-tap inferring it from the
    /// permission mode: only then does a send end at once on `hold` or `refuse`.
    package var isReported: Bool { reported != nil }

    /// The session said it holds peers' messages: a send as an agent is stored and ends at once (`held`).
    package var holds: Bool { isReported && verdict == .hold }
    /// The session said it refuses them: nothing is sent (`refused`).
    package var refuses: Bool { isReported && verdict == .refuse }

    /// Why nothing was sent to a session that refuses peers' messages, and what its person can do.
    package static let refusal =
        "Nothing was sent: the session refuses messages from other sessions, which an agent's message is. "

    /// What the person can do so an agent's messages reach the session.
    package static let remedy =
        "Its person can let this message through where the session runs, or allow messages from other sessions "
        + "there (/config, \"Messages from your other sessions\": accept). Words the person typed themselves can be "
        + "sent as theirs (cc-tap send --as-person)."
}

/// What a session does with a peer's message.
public enum PeerVerdict: String, Codable, Sendable {
    /// Delivered: a turn takes it up.
    case accept
    /// Stored, but held for the person (or refused: the record does not tell the two apart).
    case hold
    /// Refused.
    case refuse
    /// Not reported.
    case unknown
}
