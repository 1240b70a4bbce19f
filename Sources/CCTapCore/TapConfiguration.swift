import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging

/// How a `Tap` reaches the service. Every field has a sensible default; `fromEnvironment` reads the
/// documented environment variables.
public struct TapConfiguration: Sendable {
    /// Where the API lives. `CCTAP_BASE_URL`, default `https://api.anthropic.com`.
    public var baseURL: URL
    /// Where credentials and configuration are read from.
    public var host: HostEnvironment
    /// Bound on one read request, including its body.
    public var requestTimeout: TimeInterval = 30
    /// Bound on posting events. The official client notes this POST can block on a worker cold start
    /// (about 2.6 s seen) and uses 30 s, so we allow a little more.
    public var sendTimeout: TimeInterval = 35
    /// Attempts for a retryable read (network error, 429, 5xx), the first included.
    public var maxAttempts = 4
    /// First backoff delay; doubles per attempt, jittered, capped at `maxBackoff`.
    public var initialBackoff: TimeInterval = 0.5
    public var maxBackoff: TimeInterval = 8
    /// A 429 asking for a longer wait than this is returned to the caller instead of waited out.
    public var maxRetryAfter: TimeInterval = 30
    /// Page size for list and event reads (the service's maximum is believed to be 1000).
    public var pageSize = 100
    /// Where waits read new events from (`CCTAP_EVENT_SOURCE`).
    public var eventSource: EventSourceMode = .auto
    /// How often a polling wait reads new events while a turn runs or events keep coming; it
    /// stretches towards `idlePollInterval` while the session is idle and quiet.
    public var pollInterval: TimeInterval = 1.0
    public var idlePollInterval: TimeInterval = 5
    /// An event stream that sends nothing (keepalives included) for this long is dead.
    public var streamStallTimeout: TimeInterval = 35
    /// An event stream that keeps alive but brings no stored event for this long is checked against
    /// the event list; if the list has events it did not send, the wait polls the list instead.
    public var streamQuietCheck: TimeInterval = 5
    /// Reconnect backoff of the event stream: from `streamInitialBackoff`, doubling to `streamMaxBackoff`.
    public var streamInitialBackoff: TimeInterval = 1
    public var streamMaxBackoff: TimeInterval = 30
    /// While a wait sees no new events, how often it re-reads the session to notice it was archived.
    public var sessionCheckInterval: TimeInterval = 10
    /// Largest response body accepted.
    public var maxResponseBytes = 32 * 1024 * 1024
    /// How long an interrupt or a permission answer watches for the worker's sign that it took effect
    /// before it reports `queued`.
    public var acknowledgementTimeout: TimeInterval = 5
    /// Whether waits tell the service a person is watching the session (`CCTAP_PRESENCE=1`). Off by
    /// default: while a client is present the service skips the user's mobile notifications, so a
    /// program waiting on a session would hide its prompts from the person's phone.
    public var presence = false
    /// Who writes the messages this client sends (`CCTAP_SENDER`): `agent` (the default: an agent's words
    /// go out as another session's, which they are) or `person` (words a person typed, sent as theirs;
    /// only when a person asked for it). PROTOCOL.md §16.
    public var sender = MessageSender.agent
    /// Why the environment's settings could not be taken (`fromEnvironmentForServing`): every
    /// request then fails with it, so a server that must stay up answers each call with the reason.
    public var refusal: TapError? = nil
    /// Identifies this process in presence heartbeats.
    public var clientID = UUID().uuidString.lowercased()
    public var logger = Logger(label: "cc-tap")

    public init(baseURL: URL, host: HostEnvironment) throws {
        self.baseURL = try Self.checkedBaseURL(baseURL.absoluteString)
        self.host = host
    }

    /// One bound for every read and every post, as `CCTAP_REQUEST_TIMEOUT` and the C option
    /// `request_timeout` set it (a caller who names a timeout means it for posts too).
    public mutating func useRequestTimeout(_ seconds: TimeInterval) {
        requestTimeout = seconds
        sendTimeout = seconds
    }

    public static let defaultBaseURL = "https://api.anthropic.com"

    /// Reads `CCTAP_BASE_URL`, `CCTAP_EVENT_SOURCE`, `CCTAP_POLL_INTERVAL`, `CCTAP_REQUEST_TIMEOUT`,
    /// `CCTAP_PRESENCE`, `CCTAP_SENDER` and `CCTAP_LOG` (the log level) from the environment.
    public static func fromEnvironment(_ host: HostEnvironment = .current) throws -> TapConfiguration {
        let url = try checkedBaseURL(host.value("CCTAP_BASE_URL") ?? defaultBaseURL)
        var configuration = try TapConfiguration(baseURL: url, host: host)
        if let text = host.value("CCTAP_POLL_INTERVAL") {
            configuration.pollInterval = try SecondsSetting.pollInterval.checked(
                Double(text), name: "CCTAP_POLL_INTERVAL", given: text)
        }
        if let text = host.value("CCTAP_REQUEST_TIMEOUT") {
            configuration.useRequestTimeout(
                try SecondsSetting.requestTimeout.checked(Double(text), name: "CCTAP_REQUEST_TIMEOUT", given: text))
        }
        if let level = logLevel(host) { configuration.logger.logLevel = level }
        if let text = host.value("CCTAP_PRESENCE") {
            configuration.presence = try checkedSwitch(text, name: "CCTAP_PRESENCE")
        }
        if let text = host.value("CCTAP_SENDER") {
            guard let sender = MessageSender(checking: text) else {
                throw TapError.invalidArgument("CCTAP_SENDER must be agent or person (got \"\(text.prefix(40))\").")
            }
            configuration.sender = sender
        }
        if let text = host.value("CCTAP_EVENT_SOURCE") {
            configuration.eventSource = try EventSourceMode(checking: text)
        }
        return configuration
    }

    /// `fromEnvironment`, or, when a setting is refused, the defaults with `refusal` set: an MCP server
    /// must start and say what is wrong on each call, not die where its client only sees it gone.
    public static func fromEnvironmentForServing(_ host: HostEnvironment = .current) -> TapConfiguration {
        do {
            return try fromEnvironment(host)
        } catch {
            // The default URL is valid by construction.
            var configuration = try! TapConfiguration(baseURL: URL(string: defaultBaseURL)!, host: host)
            let problem = (error as? TapError)?.message ?? "\(error)"
            configuration.refusal = .invalidArgument(
                "cc-tap's settings were refused, so nothing was sent: \(problem) Fix the setting in the MCP server's "
                    + "environment and restart it.")
            return configuration
        }
    }

    /// `CCTAP_LOG`: `trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`; nil when unset
    /// or not a level (the surface's default then applies).
    public static func logLevel(_ host: HostEnvironment = .current) -> Logger.Level? {
        host.value("CCTAP_LOG").flatMap { Logger.Level(rawValue: $0.lowercased()) }
    }

    /// `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off`; anything else is refused, not guessed.
    static func checkedSwitch(_ text: String, name: String) throws -> Bool {
        switch text.trimmed.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw TapError.invalidArgument("\(name) must be 1 or 0 (got '\(text.prefix(20))').")
        }
    }

    /// Accepts https anywhere and plain http only on loopback: a bearer token must never cross a
    /// network in clear text.
    public static func checkedBaseURL(_ text: String) throws -> URL {
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw TapError.invalidArgument("CCTAP_BASE_URL '\(text)' is not a URL like https://api.anthropic.com.")
        }
        guard components.query == nil, components.fragment == nil, components.user == nil else {
            throw TapError.invalidArgument("CCTAP_BASE_URL must not carry a query, fragment or user info.")
        }
        switch scheme {
        case "https": break
        case "http":
            guard isLoopback(host) else {
                throw TapError.invalidArgument(
                    "CCTAP_BASE_URL uses plain http:// for \(host), which would send your login unencrypted. "
                        + "Use https://, or http:// only for 127.0.0.1, ::1 or localhost.")
            }
        default:
            throw TapError.invalidArgument("CCTAP_BASE_URL must start with https:// (got \(scheme)://).")
        }
        guard let url = URL(string: trimmed) else {
            throw TapError.invalidArgument("CCTAP_BASE_URL '\(text)' is not a URL like https://api.anthropic.com.")
        }
        return url
    }

    static func isLoopback(_ host: String) -> Bool {
        let bare = String(host.drop(while: { $0 == "[" }).reversed().drop(while: { $0 == "]" }).reversed()).lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}

/// Where waits read new events from.
public enum EventSourceMode: String, Sendable, CaseIterable {
    /// The per-session event stream, falling back to polling the v2 event list when the stream
    /// delivers nothing twice (and to the v1 list when the v2 routes are not served).
    case auto
    /// Poll the v2 event list by sequence number; never open the stream.
    case poll
    /// Poll the v1 event list by event id, as the published cc-tap's routes do.
    case pollV1 = "poll-v1"

    public init(checking text: String) throws {
        guard let mode = EventSourceMode(rawValue: text.trimmed.lowercased()) else {
            throw TapError.invalidArgument(
                "event source '\(text.prefix(40))' is not one of: \(EventSourceMode.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        self = mode
    }
}
