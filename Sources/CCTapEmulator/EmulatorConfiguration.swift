/// How the emulator behaves. Defaults suit tests; the demo slows the worker down to be readable.
public struct EmulatorConfiguration: Sendable {
    /// Bearer tokens the emulator accepts.
    public var validTokens: Set<String> = [EmulatorConfiguration.defaultToken]
    /// Tokens answered with the real service's "OAuth token has expired" 401.
    public var expiredTokens: Set<String> = []
    /// The organisation the account belongs to; `x-organization-uuid` must name it.
    public var organizationUUID = EmulatorConfiguration.defaultOrganization
    /// Whether `/api/oauth/profile` reveals the organisation (a token without `user:profile` gets 403).
    public var profileAnswers = true
    /// Pause between the scripted worker's events.
    public var workerStepSeconds: Double = 0.02
    /// How long a turn whose message says "slow" keeps streaming.
    public var slowTurnSeconds: Double = 3
    /// `refresh_after_seconds` in presence answers.
    public var presenceRefreshSeconds: Double = 20
    /// Events in the long seeded session.
    public var longSessionEvents = 5_000
    /// Seconds between keepalive frames on an event stream (the service sends one every 12-15 s).
    public var streamKeepaliveSeconds: Double = 13
    /// How many of a session's newest events a stream can replay; older positions get 410.
    public var streamReplayLimit = 10_000
    /// Sessions seeded beyond the named ones, to make the list span pages.
    public var extraSessions = 24
    /// Which routes are served: both generations (the default), only the compat v1 routes, or only v2.
    public var dialect = EmulatorDialect.both
    /// Which service to behave as: late 2026 (the default) or mid 2026 (`EmulatorWorld`).
    public var world = EmulatorWorld.late2026
    /// The account watch's frame names: the web captures' (`added`/`changed`/`removed`) or the iOS
    /// app's (`upserted`/`deleted`). Which one a client gets is not known; both are served.
    public var watchVocabulary = WatchVocabulary.web
    /// When set, the organisation requires Trusted Devices: session routes without this
    /// `X-Trusted-Device-Token` are refused with 403, as the addendum reports.
    public var trustedDeviceToken: String?

    /// Whether `/v1/code/sessions/watch` is served (the web client uses it only behind a server
    /// gate; otherwise it polls the list). When false it answers 404.
    public var watchServed = true
    /// Seconds between the watch's `sync` frames (the service: every 100-120 s).
    public var watchSyncSeconds: Double = 110
    /// A resume token older than this opens a silently dead watch (the captures: about 225-240 s).
    public var watchTokenStaleSeconds: Double = 230
    /// A resume token older than this, or one never issued, is answered 410 (an emulator choice).
    public var watchTokenExpirySeconds: Double = 900

    public init() {}

    public static let defaultToken = "sk-ant-oat01-emulator-0000000000000000"
    public static let defaultOrganization = "7f3c2a10-5b6d-4e8f-9a01-23456789abcd"
}

/// The service as the evidence shows it at two times (PROTOCOL.md §15, §16).
public enum EmulatorWorld: String, Sendable, CaseIterable {
    /// Claude Code 2.1.29x and the service of autumn 2026 (protocol-late-2026.md): one session's read
    /// wrapped as `{"response_shape": …}`; each stored user message stamped with the sender's
    /// `anthropic-client-platform` as `client_platform`; the worker's peer gate (a message from a
    /// platform other than the apps' is a peer's, held or refused by a session that does not accept
    /// them) and its report of it in `external_metadata`.
    case late2026 = "late-2026"
    /// The service of mid 2026 (protocol-2026.md): bare reads, no stamp, no gate.
    case mid2026 = "mid-2026"
}

/// The account watch's two vocabularies (late-2026 §6).
public enum WatchVocabulary: String, Sendable, CaseIterable {
    /// `added`, `changed`, `removed` (web captures).
    case web
    /// `upserted` (a whole session) and `deleted` (`{id}`), as the iOS app decodes them.
    case ios
}

/// The request headers the emulator records for tests. The trusted-device token is recorded only as
/// whether it matched, so no secret lands in a test log.
public struct RecordedHeaders: Sendable {
    public var platform: String?
    public var accept: String?
    public var beta: String?
    /// nil when the header was absent; true when it carried the configured token.
    public var trustedDevice: Bool?
}
