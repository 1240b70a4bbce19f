#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Every failure the core reports: a value with a message a person (or a model) can act on.
///
/// Surfaces map it to their own shape (an MCP `isError` result, a C status code, a CLI exit code)
/// through `kind`, and show `message` as it is. Messages never contain credentials.
public enum TapError: Error, Sendable, Equatable {
    /// Bad input from the caller; nothing was sent.
    case invalidArgument(String)
    /// A session id that is not one (bad characters or length); nothing was sent.
    case invalidSessionID(String)
    /// No usable login was found, or it has expired.
    case credentials(String)
    /// The organisation UUID could not be determined.
    case organization(String)
    /// The service answered with an error status.
    case api(APIErrorDetails)
    /// The request did not get an HTTP answer (reset or cut off).
    case network(String)
    /// No connection could be opened (refused, no route, a name that does not resolve): nothing was
    /// sent. Said apart from `network` because it is reported at once, not after a wait.
    case unreachable(String)
    /// No complete answer came within the time allowed; the server may still be working on it.
    case timeout(String)
    /// The service answered 2xx with a body we could not read.
    case badResponse(String)
    /// A user message was posted but neither its answer nor the session's events confirm it was
    /// stored. Sending it again might duplicate it, so we leave that choice to the caller.
    case sendOutcomeUnknown(uuid: String, detail: String)
    /// The operation was cancelled by the caller.
    case cancelled
    /// `send_and_wait` stored the message, then following the reply failed with `cause`. Said apart
    /// from `cause` so nobody sends the message again: waiting on from `cursor` is the way on.
    indirect case waitFailedAfterSend(uuid: String, cursor: String, cause: TapError)

    /// The classes of failure every surface maps from: the C status codes (`Sources/cctap/Status.swift`,
    /// an exhaustive switch), the Python exception classes (by the C names) and the CLI's and MCP's
    /// `kind`. A new class must be given its C code before anything compiles.
    public enum Kind: String, Sendable, CaseIterable {
        case invalidArgument = "invalid_argument"
        case credentials, organization, authentication, permission
        case notFound = "not_found"
        case conflict
        case rateLimited = "rate_limited"
        case server, api, network, timeout
        case badResponse = "bad_response"
        case sendOutcomeUnknown = "send_outcome_unknown"
        case cancelled
    }

    /// The class of the failure (for a failed wait after a send, that of the cause).
    public var errorKind: Kind {
        switch self {
        case .invalidArgument, .invalidSessionID: return .invalidArgument
        case .credentials: return .credentials
        case .organization: return .organization
        case .api(let details):
            switch details.status {
            case 401: return .authentication
            case 403: return .permission
            case 404: return .notFound
            case 409: return .conflict
            case 429: return .rateLimited
            case 500...599: return .server
            default: return .api
            }
        case .network, .unreachable: return .network
        case .timeout: return .timeout
        case .badResponse: return .badResponse
        case .sendOutcomeUnknown: return .sendOutcomeUnknown
        case .cancelled: return .cancelled
        case .waitFailedAfterSend(_, _, let cause): return cause.errorKind
        }
    }

    /// A short machine-readable name for the failure class (`errorKind`'s raw value).
    public var kind: String { errorKind.rawValue }

    /// A failure of the connection rather than an answer from the service.
    public var isTransportFailure: Bool {
        switch self {
        case .network, .unreachable, .timeout: return true
        case .waitFailedAfterSend(_, _, let cause): return cause.isTransportFailure
        default: return false
        }
    }

    public var message: String {
        switch self {
        case .invalidArgument(let text), .invalidSessionID(let text), .credentials(let text), .organization(let text), .network(let text),
            .unreachable(let text), .timeout(let text), .badResponse(let text):
            return text
        case .api(let details): return details.explanation
        case .sendOutcomeUnknown(let uuid, let detail):
            return "The message (uuid \(uuid)) may or may not have been stored: \(detail)."
        case .cancelled: return "The operation was cancelled."
        case .waitFailedAfterSend(let uuid, _, let cause):
            return "The message was sent and stored (uuid \(uuid)), but following the reply failed: \(cause.message) "
                + "Do not send it again."
        }
    }

    /// What the caller can do about it, as a fact each surface words (see `Wording`).
    public var nextStep: NextStep? {
        switch self {
        case .invalidSessionID: return .findSession
        case .api(let details): return details.status == 404 ? .findSession : nil
        case .sendOutcomeUnknown: return .readBeforeResending
        case .waitFailedAfterSend(_, let cursor, _): return .waitAgain(cursor: cursor)
        default: return nil
        }
    }

    /// `message` with the next step in the words of the surface that shows it.
    public func message(_ wording: Wording) -> String {
        wording.adding(nextStep, to: message)
    }
}

extension TapError: LocalizedError, CustomStringConvertible {
    public var errorDescription: String? { message }
    public var description: String { message }
}

/// What an error answer from the service said.
public struct APIErrorDetails: Sendable, Equatable, Codable {
    /// HTTP status code.
    public var status: Int
    /// `error.type` of an Anthropic error body (`not_found_error`, ...), or `non_json_body`.
    public var type: String
    /// `error.message`, or a short description of a non-JSON body.
    public var message: String
    /// The `request-id` header (or the body's `request_id`), to quote to Anthropic support.
    public var requestID: String?
    /// `Retry-After` in seconds, when the answer carried one.
    public var retryAfterSeconds: Double?
    /// Which call failed, e.g. `GET /v1/sessions`.
    public var route: String

    enum CodingKeys: String, CodingKey {
        case status, type, message, route
        case requestID = "request_id"
        case retryAfterSeconds = "retry_after_seconds"
    }

    public init(
        status: Int, type: String, message: String, requestID: String? = nil, retryAfterSeconds: Double? = nil,
        route: String
    ) {
        self.status = status
        self.type = type
        self.message = message
        self.requestID = requestID
        self.retryAfterSeconds = retryAfterSeconds
        self.route = route
    }

    /// Whether an error text blames the organisation (a 403 "organization mismatch").
    static func namesOrganization(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.contains("organization") || lower.contains("organisation") || lower.contains("org_uuid")
    }

    /// The message with what to do about it.
    public var explanation: String {
        // The service's own sentence ends with a full stop of its own; ours follow it without doubling it.
        var said = message
        while said.hasSuffix(".") || said.hasSuffix(" ") { said.removeLast() }
        var text = "\(route) failed with HTTP \(status) (\(type)): \(said)"
        if let requestID { text += " [request-id \(requestID)]" }
        switch status {
        case 401:
            text += ". The Claude Code login was refused: run `claude` once to refresh it, then try again."
        case 403 where type == "non_json_body":
            text += ". A proxy or Cloudflare blocked the request; check CCTAP_BASE_URL and your network."
        case 403 where Self.namesOrganization(message):
            text += ". The service says the login does not belong to the organisation cc-tap asked for: unset "
                + "CCR_ORG_UUID, or set it to the `oauthAccount.organizationUuid` of ~/.claude.json (`cc-tap doctor` "
                + "shows the one in use)."
        case 400 where message.lowercased().contains("archived"), 409 where message.lowercased().contains("archived"):
            text += ". The session is archived and will not answer; Remote Control may have moved it to a new "
                + "session (after /resume or compaction): list the sessions to find it."
        case 403:
            text += ". The login lacks a permission (the sessions API needs the user:sessions:claude_code scope "
                + "that `claude` /login grants)."
        case 404:
            text += ". The session id may be wrong, or the session was deleted."
        case 429:
            if let retryAfterSeconds, let seconds = Seconds.whole(retryAfterSeconds), seconds >= 0 {
                text += ". Rate limited: wait \(seconds) s before trying again."
            } else {
                text += ". Rate limited: wait a little before trying again."
            }
        case 500...599:
            text += ". The service is having trouble; try again shortly."
        default: break
        }
        return text
    }
}
