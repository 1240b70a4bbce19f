import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import Synchronization

/// One page of a list answer: `{data, has_more, first_id, last_id}`.
struct Page: Sendable {
    var data: [JSONValue]
    var hasMore: Bool
    var firstID: String?
    var lastID: String?

    init(_ json: JSONValue, route: String) throws {
        guard let data = json["data"]?.arrayValue else {
            throw TapError.badResponse("\(route) answered without a `data` list; the API may have changed.")
        }
        self.data = data
        self.hasMore = json["has_more"]?.boolValue ?? false
        self.firstID = json["first_id"]?.stringValue
        self.lastID = json["last_id"]?.stringValue
    }
}

/// Which slice of a session's events to read.
struct EventsQuery: Sendable {
    var limit: Int
    var afterID: String? = nil
    var beforeID: String? = nil
    /// The newest `limit` events (before `beforeID`, if set), in chronological order.
    var anchorToLatest = false
}

/// One event as the v2 routes carry it: `{event_id, event_type, sequence_num, source, payload, ...}`.
/// `payload` is the SDK message the v1 routes list flat; it is passed on untouched.
struct EventEnvelope: Sendable {
    var sequence: Int
    var payload: JSONValue

    /// Nil when the object has no readable `sequence_num` (a decimal string; a number is accepted too).
    init?(_ json: JSONValue) {
        let number = json["sequence_num"]?.stringValue.flatMap { Int($0) } ?? json["sequence_num"]?.intValue.map { Int($0) }
        guard let number, number > 0 else { return nil }
        sequence = number
        payload = json["payload"] ?? json
    }
}

/// One page of the v2 event list (`{data, next_cursor?, resume_cursor}`).
struct EnvelopePage: Sendable {
    var envelopes: [EventEnvelope]
    /// `next_cursor` was present: more events lie in the page's direction.
    var hasMore: Bool

    init(_ json: JSONValue, route: String) throws {
        guard let data = json["data"]?.arrayValue else {
            throw TapError.badResponse("\(route) answered without a `data` list; the API may have changed.")
        }
        envelopes = try data.map { item in
            guard let envelope = EventEnvelope(item) else {
                throw TapError.badResponse("\(route) listed an event without a sequence_num; the API may have changed.")
            }
            return envelope
        }
        hasMore = json["next_cursor"].map { $0 != .null } ?? false
    }
}

/// The one seam between cc-tap and the undocumented service: every route, header and wire shape
/// the core relies on is here, so a change in the service is a change in this file.
///
/// We use the v1 compat routes (`/v1/sessions`, `session_` ids), which the official CLI, the
/// published cc-tap and most clients use, and the v2 presence route (`cse_` ids). See PROTOCOL.md.
final class RemoteAPI: Sendable {
    let transport: HTTPTransport
    private let organizationResolver: OrganizationResolver
    private let organization = Mutex<Organization?>(nil)

    init(configuration: TapConfiguration) {
        let resolver = CredentialResolver(host: configuration.host)
        self.transport = HTTPTransport(configuration: configuration, credentials: CredentialStore(resolver: resolver))
        self.organizationResolver = OrganizationResolver(host: configuration.host)
    }

    var configuration: TapConfiguration { transport.configuration }
    var credentials: CredentialStore { transport.credentials }

    // MARK: Organisation

    /// The organisation UUID: env, Claude Code's config, then the profile and roles endpoints.
    func resolveOrganization() async throws -> Organization {
        if let known = organization.withLock({ $0 }) { return known }
        var found = organizationResolver.resolveLocally()
        if found == nil { found = try await organizationFromEndpoints() }
        guard let found else {
            throw TapError.organization(
                "Could not determine your organisation UUID: not in env CCR_ORG_UUID or "
                    + "CLAUDE_CODE_ORGANIZATION_UUID, not in \(configuration.host.claudeGlobalConfigPath) "
                    + "(oauthAccount.organizationUuid), and neither /api/oauth/profile nor /api/oauth/claude_cli/roles "
                    + "named it. Run `claude` once so it records the account, or set CCR_ORG_UUID.")
        }
        organization.withLock { $0 = found }
        return found
    }

    private func organizationFromEndpoints() async throws -> Organization? {
        var lastError: TapError?
        for (path, source) in [
            ("/api/oauth/profile", OrganizationSource.profileEndpoint),
            ("/api/oauth/claude_cli/roles", .rolesEndpoint),
        ] {
            let request = APIRequest(
                method: .GET, path: path, sendsOrganization: false, sendsBeta: false,
                timeout: configuration.requestTimeout)
            do {
                let json = try await transport.send(request, organization: nil).json(route: request.route)
                let uuid = json["organization"]?["uuid"]?.stringValue ?? json["organization_uuid"]?.stringValue
                if let uuid, !uuid.isEmpty { return Organization(uuid: uuid, source: source) }
            } catch let error as TapError {
                // A token without user:profile gets 403 here; the next source may still answer.
                if case .api(let details) = error, details.status == 401 { throw error }
                if case .credentials = error { throw error }
                lastError = error
                configuration.logger.debug("\(request.route) did not give the organisation: \(error.message)")
            }
        }
        if let lastError, lastError.isTransportFailure { throw lastError }
        return nil
    }

    // MARK: Routes

    private func compat(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil,
        retry: APIRequest.Retry = .read) async throws -> APIResponse
    {
        let org = try await resolveOrganization()
        let request = APIRequest(
            method: method, path: path, query: query, body: body, retry: retry,
            timeout: method == .GET ? configuration.requestTimeout : configuration.sendTimeout)
        return try await transport.send(request, organization: org.uuid)
    }

    /// `GET /v1/sessions`, one page. Paging by `limit` and `after_id` follows the Anthropic list
    /// convention; the service's support for it is inferred, not observed.
    func listSessionsPage(limit: Int, afterID: String?) async throws -> Page {
        var query = [("limit", String(limit))]
        if let afterID { query.append(("after_id", afterID)) }
        let route = "GET /v1/sessions"
        return try Page(try await compat(.GET, "/v1/sessions", query: query).json(route: route), route: route)
    }

    /// `GET /v1/sessions/{session_X}`.
    func session(_ id: SessionID) async throws -> JSONValue {
        let path = "/v1/sessions/\(id.compat)"
        let json = try await compat(.GET, path).json(route: "GET \(path)")
        guard json.objectValue != nil else { throw TapError.badResponse("GET \(path) did not answer a session object.") }
        // A newer read wraps the body as {session: ...}; accept both.
        if let inner = json["session"], inner.objectValue != nil, json["id"] == nil { return inner }
        return json
    }

    /// `GET /v1/sessions/{session_X}/events`: oldest first by default; `anchor_to_latest` gives the newest.
    func eventsPage(_ id: SessionID, _ query: EventsQuery) async throws -> Page {
        let path = "/v1/sessions/\(id.compat)/events"
        var items = [("limit", String(query.limit))]
        if let after = query.afterID { items.append(("after_id", after)) }
        if let before = query.beforeID { items.append(("before_id", before)) }
        if query.anchorToLatest { items.append(("anchor_to_latest", "true")) }
        return try Page(try await compat(.GET, path, query: items).json(route: "GET \(path)"), route: "GET \(path)")
    }

    /// `POST /v1/sessions/{session_X}/events` with `{"events": [...]}`. Never retried here.
    func postEvents(_ id: SessionID, _ events: [JSONValue]) async throws {
        _ = try await compat(.POST, "/v1/sessions/\(id.compat)/events", body: ["events": .array(events)], retry: .never)
    }

    // MARK: v2 event routes (sequence numbers)

    /// The v2 routes take the organisation header but, like the newer CLI, no beta header.
    private func v2Request(_ path: String, query: [(String, String)] = [], timeout: TimeInterval? = nil) -> APIRequest {
        APIRequest(
            method: .GET, path: path, query: query, sendsOrganization: true, sendsBeta: false,
            timeout: timeout ?? configuration.requestTimeout)
    }

    /// `GET /v1/code/sessions/{cse_X}/events?sort_order=…&cursor=…&limit=…`. The cursor is an
    /// exclusive `sequence_num`; `limit` is 1...500.
    func envelopePage(_ id: SessionID, cursor: Int?, ascending: Bool, limit: Int) async throws -> EnvelopePage {
        var query = [("limit", String(min(500, max(1, limit)))), ("sort_order", ascending ? "asc" : "desc")]
        if let cursor { query.append(("cursor", String(cursor))) }
        let request = v2Request("/v1/code/sessions/\(id.infra)/events", query: query)
        let org = try await resolveOrganization()
        return try EnvelopePage(try await transport.send(request, organization: org.uuid).json(route: request.route), route: request.route)
    }

    /// Every stored event after `sequence`, oldest first, following pages. Only strictly newer
    /// events are kept, so a misbehaving page can neither repeat an event nor loop.
    func envelopes(_ id: SessionID, after sequence: Int) async throws -> [EventEnvelope] {
        var envelopes: [EventEnvelope] = []
        var last = sequence
        for _ in 0..<1000 {
            let page = try await envelopePage(id, cursor: last, ascending: true, limit: 500)
            let fresh = page.envelopes.filter { $0.sequence > last }
            envelopes += fresh
            guard let newest = fresh.last else { break }
            last = newest.sequence
            guard page.hasMore else { break }
        }
        return envelopes
    }

    /// The newest `sequence_num` (0 for an empty session): one event, newest first.
    func latestSequence(_ id: SessionID) async throws -> Int {
        try await envelopePage(id, cursor: nil, ascending: false, limit: 1).envelopes.first?.sequence ?? 0
    }

    /// `GET /v1/code/sessions/{cse_X}/events/stream`, resuming after `sequence` when given (both as
    /// `from_sequence_num` and `Last-Event-ID`, as the observed web client does).
    func openEventStream(_ id: SessionID, after sequence: Int?) async throws -> HTTPClientResponse.Body {
        let query = sequence.map { [("from_sequence_num", String($0))] } ?? []
        let request = v2Request("/v1/code/sessions/\(id.infra)/events/stream", query: query, timeout: min(15, configuration.requestTimeout))
        let org = try await resolveOrganization()
        return try await transport.openStream(
            request, organization: org.uuid, headers: sequence.map { [("Last-Event-ID", String($0))] } ?? [])
    }

    /// `POST /v1/code/sessions/{cse_X}/client/presence`; returns `refresh_after_seconds` (default 20).
    func presence(_ id: SessionID, clear: Bool) async throws -> TimeInterval {
        var body: [String: JSONValue] = ["client_id": .string(configuration.clientID)]
        if clear { body["clear"] = true }
        let request = APIRequest(
            method: .POST, path: "/v1/code/sessions/\(id.infra)/client/presence", body: .object(body),
            sendsOrganization: true, sendsBeta: false, retry: .never,
            // Presence is advisory: a slow answer must not hold a finished wait up for long.
            timeout: min(5, configuration.requestTimeout))
        let org = try await resolveOrganization()
        let json = try await transport.send(request, organization: org.uuid).json(route: request.route)
        return json["refresh_after_seconds"]?.doubleValue ?? 20
    }
}
