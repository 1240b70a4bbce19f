/// A fault the emulator injects on matching requests, for tests of retries and error handling.
///
/// Flat and `Codable` so a test in any language can post one to `POST /_emulator/faults`:
/// `{"kind":"status","status":503,"path":"/events","method":"GET","times":2}`.
public struct FaultRule: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// Answer `status` with an Anthropic error body (and `Retry-After` when `retry_after` is set).
        case status
        /// Answer 403 with a Cloudflare "Just a moment..." HTML page.
        case cloudflare
        /// Answer `status` (default 502) with a non-JSON `body`.
        case nonJSON = "non_json"
        /// Handle the request, then answer 200 with a body that is not valid JSON.
        case malformedJSON = "malformed_json"
        /// Handle the request, then send half the body and drop the connection.
        case truncatedBody = "truncated_body"
        /// Wait `seconds` before handling (a stall).
        case delay
        /// Hold the request until a test releases held requests (`POST /_emulator/faults/release`), or
        /// `seconds` pass (default 60), then handle it: a stall that ends exactly when the test says,
        /// for checks of what a client does after its own timeout, whatever the machine's load.
        case hold
        /// Answer `status` (default 200) with `body` (default `{}`) without handling the request: a
        /// front end that says yes and stores nothing.
        case acceptWithoutStoring = "accept_without_storing"
        /// Reset the connection without handling the request.
        case resetBefore = "reset_before"
        /// Handle the request (store what it posts), then reset the connection instead of answering.
        case resetAfter = "reset_after"
        /// On an event stream, `malformed_json` sends event number `frames` as a frame whose data is
        /// not JSON (the event itself is lost from the stream), and `truncated_body` sends half of that
        /// frame and drops the connection: a response that never ends cannot be cut in half.
        /// On an event stream: close the connection after `frames` events.
        case streamDrop = "stream_drop"
        /// On an event stream: after `frames` events, send nothing (not even keepalives) for `seconds`
        /// (default 40), then drop the connection.
        case streamStall = "stream_stall"

        /// On an event stream: after `frames` events, keepalives only: the connection stays alive and
        /// says nothing of the events stored meanwhile.
        case keepaliveOnly = "keepalive_only"
        /// Handle the request, send the answer's head and half its body, then hold the rest until a test
        /// releases held requests (or `seconds` pass, default 60): a body that stalls after its headers.
        case stallBody = "stall_body"

        /// Kinds the event-stream route applies itself, once the stream is open.
        var isStreamFault: Bool { self == .streamDrop || self == .streamStall || self == .keepaliveOnly }
        /// Kinds that act on the body, which an event stream applies frame by frame instead.
        var isStreamBodyFault: Bool { isStreamFault || self == .malformedJSON || self == .truncatedBody }
    }

    public var kind: Kind
    /// Only requests with this method (any if nil).
    public var method: String?
    /// Only requests whose path contains this text (any if nil).
    public var path: String?
    /// Only requests whose path is this route, `{id}` standing for one path segment
    /// (`/v1/sessions/{id}` matches a session, not its events); any if nil.
    public var route: String?
    /// Only requests whose query string contains this text (e.g. `cursor=` for the list's later pages).
    public var query: String?
    /// How many matching requests it applies to; nil for all of them.
    public var times: Int?
    public var status: Int?
    public var errorType: String?
    public var message: String?
    public var retryAfter: Int?
    public var seconds: Double?
    public var body: String?
    /// For stream faults: how many events go out first.
    public var frames: Int?

    enum CodingKeys: String, CodingKey {
        case kind, method, path, route, query, times, status, message, seconds, body, frames
        case errorType = "error_type"
        case retryAfter = "retry_after"
    }

    public init(
        kind: Kind, method: String? = nil, path: String? = nil, route: String? = nil, query: String? = nil, times: Int? = 1, status: Int? = nil,
        errorType: String? = nil, message: String? = nil, retryAfter: Int? = nil, seconds: Double? = nil,
        body: String? = nil, frames: Int? = nil
    ) {
        self.frames = frames
        self.kind = kind
        self.method = method
        self.path = path
        self.route = route
        self.query = query
        self.times = times
        self.status = status
        self.errorType = errorType
        self.message = message
        self.retryAfter = retryAfter
        self.seconds = seconds
        self.body = body
    }

    func matches(method: String, path: String, query: String) -> Bool {
        if let wanted = self.method, wanted.uppercased() != method.uppercased() { return false }
        if let fragment = self.path, !path.contains(fragment) { return false }
        if let fragment = self.query, !query.contains(fragment) { return false }
        if let route {
            let wanted = route.split(separator: "/", omittingEmptySubsequences: false)
            let actual = path.split(separator: "/", omittingEmptySubsequences: false)
            guard wanted.count == actual.count else { return false }
            for (pattern, segment) in zip(wanted, actual) where pattern != segment {
                guard pattern == "{id}", !segment.isEmpty else { return false }
            }
        }
        return true
    }
}

/// The Anthropic error type that goes with a status code.
func anthropicErrorType(for status: Int) -> String {
    switch status {
    case 400: return "invalid_request_error"
    case 401: return "authentication_error"
    case 403: return "permission_error"
    case 404: return "not_found_error"
    case 409: return "invalid_request_error"
    case 413: return "request_too_large"
    case 429: return "rate_limit_error"
    case 529: return "overloaded_error"
    default: return status >= 500 ? "api_error" : "invalid_request_error"
    }
}
