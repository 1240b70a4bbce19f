import Foundation
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
    /// How often a wait polls for new events.
    public var pollInterval: TimeInterval = 1.0
    /// While a wait sees no new events, how often it re-reads the session to notice it was archived.
    public var sessionCheckInterval: TimeInterval = 10
    /// Largest response body accepted.
    public var maxResponseBytes = 32 * 1024 * 1024
    /// Identifies this process in presence heartbeats.
    public var clientID = UUID().uuidString.lowercased()
    public var logger = Logger(label: "cc-tap")

    public init(baseURL: URL, host: HostEnvironment) throws {
        self.baseURL = try Self.checkedBaseURL(baseURL.absoluteString)
        self.host = host
    }

    public static let defaultBaseURL = "https://api.anthropic.com"

    /// Reads `CCTAP_BASE_URL` and `CCTAP_POLL_INTERVAL` from the environment.
    public static func fromEnvironment(_ host: HostEnvironment = .current) throws -> TapConfiguration {
        let url = try checkedBaseURL(host.value("CCTAP_BASE_URL") ?? defaultBaseURL)
        var configuration = try TapConfiguration(baseURL: url, host: host)
        if let text = host.value("CCTAP_POLL_INTERVAL") {
            guard let seconds = Double(text), seconds >= 0.05, seconds <= 60 else {
                throw TapError.invalidArgument("CCTAP_POLL_INTERVAL must be a number of seconds from 0.05 to 60 (got \(text)).")
            }
            configuration.pollInterval = seconds
        }
        return configuration
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
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
