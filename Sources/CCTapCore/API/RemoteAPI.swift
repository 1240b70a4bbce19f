import AsyncHTTPClient
import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
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
    /// Items left out for want of a `sequence_num`.
    var skipped = 0

    init(_ json: JSONValue, route: String) throws {
        guard let data = json["data"]?.arrayValue else {
            throw TapError.badResponse("\(route) answered without a `data` list; the API may have changed.")
        }
        // An item without a readable position cannot be placed among the others: it is left out and
        // counted, rather than failing every other event of the session.
        envelopes = data.compactMap(EventEnvelope.init)
        skipped = data.count - envelopes.count
        hasMore = json["next_cursor"].map { $0 != .null } ?? false
    }
}

/// One page of the session list, in either dialect: the session objects as the service sent them,
/// and where the next page starts (nil on the last page).
struct SessionPage: Sendable {
    var items: [JSONValue]
    var next: String?
    /// v2 only: the token the account watch resumes from (`resume_token`).
    var resumeToken: String? = nil
}

/// Where a backwards read continues: before this v2 `sequence_num` or before this v1 event id.
enum HistoryPosition: Sendable, Equatable {
    case sequence(Int)
    case eventID(String)
}

/// A page of history read newest-first: the events (payloads) oldest first, and where older ones
/// continue (nil at the start of the session).
struct HistoryPage: Sendable {
    var events: [JSONValue]
    var older: HistoryPosition?
    /// Just past the page's newest event, in the dialect's numbering (`start` for an empty session):
    /// a first page read this way is also the session's latest position.
    var newest: EventCursor.Position
}

/// What one diagnostic request got: the status (nil when no answer came), the JSON body of a
/// success, or the error.
struct ProbeAnswer: Sendable {
    var status: Int?
    var json: JSONValue?
    var error: TapError?
    var milliseconds: Int

    var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }

    /// "200 in 12 ms", "404 not_found_error", "no answer: …".
    var summary: String {
        if succeeded { return "\(status!) in \(milliseconds) ms" }
        if case .api(let details)? = error { return "\(details.status) \(details.type)" }
        return "no answer: \(error?.message.prefix(120) ?? "unknown")"
    }
}

/// The one seam between cc-tap and the undocumented service: every route, header and wire shape
/// the core relies on is here, so a change in the service is a change in this file.
///
/// Each operation is written once for both dialects (PROTOCOL.md, "Two dialects"): `speaking` runs it
/// in the dialect last learned for its family, v2 (`/v1/code/sessions`) to begin with, and tries the
/// other once when the answer says the route is not served. The event stream and presence exist only
/// in v2.
final class RemoteAPI: Sendable {
    let transport: HTTPTransport
    let dialects: DialectMemory
    private let organizationResolver: OrganizationResolver
    private let organization = Mutex<Organization?>(nil)

    init(configuration: TapConfiguration) {
        let resolver = CredentialResolver(host: configuration.host)
        self.transport = HTTPTransport(configuration: configuration, credentials: CredentialStore(resolver: resolver))
        self.organizationResolver = OrganizationResolver(host: configuration.host)
        self.dialects = DialectMemory(history: configuration.eventSource == .pollV1 ? .v1 : .v2)
    }

    var configuration: TapConfiguration { transport.configuration }
    var credentials: CredentialStore { transport.credentials }

    // MARK: Dialects

    /// Runs `operation` in the dialect last learned for `family`. When that dialect answers that the
    /// route is not served, the other is tried once and remembered if it answers; when both refuse,
    /// the first answer is the error (it names the route the caller most likely meant).
    func speaking<T: Sendable>(_ family: RouteFamily, _ operation: (Dialect) async throws -> T) async throws
        -> (value: T, dialect: Dialect)
    {
        let first = dialects.current(family)
        do {
            return (try await operation(first), first)
        } catch let error as TapError where error.meansRouteNotServed {
            do {
                let value = try await operation(first.other)
                dialects.remember(first.other, for: family)
                configuration.logger.debug("\(family.rawValue): \(first.rawValue) not served (\(error.message)); \(first.other.rawValue) answered")
                return (value, first.other)
            } catch let second as TapError where second.meansRouteNotServed {
                throw error
            }
        }
    }

    /// How `session` is spelled in the dialect last learned for `family` (`cse_X` or `session_X`):
    /// results show the spelling the service uses.
    func spelling(_ session: SessionID, _ family: RouteFamily) -> String {
        session.spelled(dialects.current(family))
    }

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
            let request = APIRequest(method: .GET, path: path, surface: .account, timeout: configuration.requestTimeout)
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

    // MARK: Requests

    func call(
        _ method: HTTPMethod, _ path: String, _ dialect: Dialect, query: [(String, String)] = [], body: JSONValue? = nil,
        retry: APIRequest.Retry = .read, timeout: TimeInterval? = nil, headerOverrides: [(name: String, value: String?)] = []
    ) async throws -> APIResponse {
        let org = try await resolveOrganization()
        var request = APIRequest(
            method: method, path: path, query: query, body: body, surface: dialect == .v2 ? .code : .compat, retry: retry,
            timeout: timeout ?? (method == .GET ? configuration.requestTimeout : configuration.sendTimeout))
        request.headerOverrides = headerOverrides
        return try await transport.send(request, organization: org.uuid)
    }

    private func json(_ method: HTTPMethod, _ path: String, _ dialect: Dialect, query: [(String, String)] = [])
        async throws -> JSONValue
    {
        try await call(method, path, dialect, query: query).json(route: "\(method.rawValue) \(path)")
    }

    static func base(_ dialect: Dialect) -> String { dialect == .v2 ? "/v1/code/sessions" : "/v1/sessions" }

    /// One request exactly as the seam would send it in `dialect`, never retried, with its answer
    /// (or the error) handed back instead of thrown: the diagnostics (`cc-tap doctor`, `cc-tap probe`)
    /// are built on it.
    func probe(
        _ method: HTTPMethod, _ path: String, _ dialect: Dialect, query: [(String, String)] = [],
        headerOverrides: [(name: String, value: String?)] = []
    ) async -> ProbeAnswer {
        let started = Date()
        do {
            let response = try await call(
                method, path, dialect, query: query, retry: .never, timeout: min(15, configuration.requestTimeout),
                headerOverrides: headerOverrides)
            return ProbeAnswer(
                status: response.status, json: try? response.json(route: "\(method.rawValue) \(path)"), error: nil,
                milliseconds: Int(Date().timeIntervalSince(started) * 1000))
        } catch let error as TapError {
            var status: Int?
            if case .api(let details) = error { status = details.status }
            return ProbeAnswer(status: status, json: nil, error: error, milliseconds: Int(Date().timeIntervalSince(started) * 1000))
        } catch {
            return ProbeAnswer(
                status: nil, json: nil, error: .network(String(describing: error).prefix(200).description),
                milliseconds: Int(Date().timeIntervalSince(started) * 1000))
        }
    }

    // MARK: Sessions

    /// One page of the session list.
    /// - v2: `GET /v1/code/sessions?limit&<pageParameter>=<next_cursor>&statuses=…` answering
    ///   `{data, next_cursor?, resume_token}`. The page parameter's name is uncertain (S7 saw
    ///   `cursor`, RC-API passes `page`); the caller picks it.
    /// - v1: `GET /v1/sessions?limit&after_id` answering `{data, has_more, first_id, last_id}`.
    func sessionsPage(
        _ dialect: Dialect, limit: Int, after cursor: String?, statuses: [String], pageParameter: String = "cursor"
    ) async throws -> SessionPage {
        let route = "GET \(Self.base(dialect))"
        switch dialect {
        case .v2:
            var query = [("limit", String(limit))]
            if let cursor { query.append((pageParameter, cursor)) }
            query += statuses.map { ("statuses", $0) }
            let json = try await json(.GET, Self.base(dialect), dialect, query: query)
            guard let data = json["data"]?.arrayValue else {
                throw TapError.badResponse("\(route) answered without a `data` list; the API may have changed.")
            }
            let next = json["next_cursor"]?.stringValue
            let token = json["resume_token"]?.stringValue
            return SessionPage(items: data, next: next?.isEmpty == false ? next : nil, resumeToken: token?.isEmpty == false ? token : nil)
        case .v1:
            var query = [("limit", String(limit))]
            if let cursor { query.append(("after_id", cursor)) }
            let page = try Page(try await json(.GET, Self.base(dialect), dialect, query: query), route: route)
            return SessionPage(items: page.data, next: page.hasMore ? page.lastID : nil)
        }
    }

    /// `GET /v1/code/sessions/{cse_X}` or `GET /v1/sessions/{session_X}`: the session object.
    func session(_ id: SessionID, _ dialect: Dialect) async throws -> JSONValue {
        let path = "\(Self.base(dialect))/\(id.spelled(dialect))"
        let json = try await json(.GET, path, dialect)
        guard json.objectValue != nil else { throw TapError.badResponse("GET \(path) did not answer a session object.") }
        // A newer read wraps the body as {session: ...}; accept both.
        if let inner = json["session"], inner.objectValue != nil, json["id"] == nil { return inner }
        return json
    }

    // MARK: History

    /// The newest `limit` events before `position` (or the newest of all), oldest first.
    /// - v2: `GET …/events?sort_order=desc&cursor=<sequence>&limit` (the page comes newest first);
    /// - v1: `GET …/events?anchor_to_latest=true&before_id=<event id>&limit`.
    func historyPage(_ id: SessionID, _ dialect: Dialect, before position: HistoryPosition?, limit: Int) async throws
        -> HistoryPage
    {
        switch dialect {
        case .v2:
            var cursor: Int?
            if case .sequence(let number) = position { cursor = number }
            let page = try await envelopePage(id, cursor: cursor, ascending: false, limit: limit)
            let envelopes = page.envelopes.filter { cursor == nil || $0.sequence < cursor! }.reversed()
            let oldest = envelopes.first?.sequence
            return HistoryPage(
                events: envelopes.map(\.payload), older: page.hasMore && (oldest ?? 0) > 1 ? oldest.map { .sequence($0) } : nil,
                newest: .sequence(envelopes.last?.sequence ?? cursor.map { $0 - 1 } ?? 0))
        case .v1:
            var before: String?
            if case .eventID(let text) = position { before = text }
            let page = try await eventsPage(id, EventsQuery(limit: limit, beforeID: before, anchorToLatest: true))
            let older = page.hasMore && page.firstID != nil && page.firstID != before ? page.firstID : nil
            return HistoryPage(
                events: page.data, older: older.map { .eventID($0) }, newest: page.lastID.map { .eventID($0) } ?? .start)
        }
    }

    /// `GET /v1/sessions/{session_X}/events`: oldest first by default; `anchor_to_latest` gives the newest.
    func eventsPage(_ id: SessionID, _ query: EventsQuery) async throws -> Page {
        let path = "/v1/sessions/\(id.compat)/events"
        var items = [("limit", String(query.limit))]
        if let after = query.afterID { items.append(("after_id", after)) }
        if let before = query.beforeID { items.append(("before_id", before)) }
        if query.anchorToLatest { items.append(("anchor_to_latest", "true")) }
        return try Page(try await json(.GET, path, .v1, query: items), route: "GET \(path)")
    }

    /// `GET /v1/code/sessions/{cse_X}/events?sort_order=…&cursor=…&limit=…`. The cursor is an
    /// exclusive `sequence_num`; `limit` is 1...500.
    func envelopePage(_ id: SessionID, cursor: Int?, ascending: Bool, limit: Int) async throws -> EnvelopePage {
        var query = [("limit", String(min(500, max(1, limit)))), ("sort_order", ascending ? "asc" : "desc")]
        if let cursor { query.append(("cursor", String(cursor))) }
        let path = "/v1/code/sessions/\(id.infra)/events"
        let page = try EnvelopePage(try await json(.GET, path, .v2, query: query), route: "GET \(path)")
        if page.skipped > 0 {
            configuration.logger.warning("GET \(path): left out \(page.skipped) event(s) without a readable sequence_num")
        }
        return page
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
        let request = APIRequest(
            method: .GET, path: "/v1/code/sessions/\(id.infra)/events/stream", query: query, surface: .code,
            timeout: min(15, configuration.requestTimeout))
        let org = try await resolveOrganization()
        return try await transport.openStream(
            request, organization: org.uuid, headers: sequence.map { [("Last-Event-ID", String($0))] } ?? [])
    }

    /// The `anthropic-client-platform` the account watch requires (protocol.md §8.3): the web
    /// client's, not the one the other routes get.
    static let watchPlatform = "web_claude_ai"

    /// `GET /v1/code/sessions/watch?exclude_tags=-&resume_token=<token>`: the account-wide stream
    /// of session changes, resuming from a token of the list (or of a `sync` frame).
    func openAccountWatch(resumeToken: String) async throws -> HTTPClientResponse.Body {
        var request = APIRequest(
            method: .GET, path: "/v1/code/sessions/watch", query: [("exclude_tags", "-"), ("resume_token", resumeToken)],
            surface: .code, timeout: min(15, configuration.requestTimeout))
        request.headerOverrides = [("anthropic-client-platform", Self.watchPlatform)]
        let org = try await resolveOrganization()
        return try await transport.openStream(request, organization: org.uuid, headers: [])
    }

    // MARK: Writing

    /// Posts events; never retried here (the caller decides, see MessageDelivery).
    /// - v2: `POST /v1/code/sessions/{cse_X}/events` with `{session_id, events:[{payload}]}`;
    /// - v1: `POST /v1/sessions/{session_X}/events` with `{events:[...]}`.
    /// Returns the answer's body, or nil when it is not JSON (the 2xx stands; what it says is unknown).
    @discardableResult
    func postEvents(_ id: SessionID, _ dialect: Dialect, _ events: [JSONValue], timeout: TimeInterval? = nil) async throws
        -> JSONValue?
    {
        let path = "\(Self.base(dialect))/\(id.spelled(dialect))/events"
        let body: JSONValue =
            switch dialect {
            case .v2:
                // Each payload carries a `uuid`, as the CLI and RC-API add one when it lacks it.
                [
                    "session_id": .string(id.infra),
                    "events": .array(events.map { event in
                        var payload = event
                        if payload["uuid"] == nil { payload["uuid"] = .string(UUID().uuidString.lowercased()) }
                        return ["payload": payload]
                    }),
                ]
            case .v1: ["events": .array(events)]
            }
        let response = try await call(.POST, path, dialect, body: body, retry: .never, timeout: timeout)
        return try? response.json(route: "POST \(path)")
    }

    /// `POST /v1/code/sessions/{cse_X}/client/presence`: `{client_id, connected_at}` announces a
    /// person watching, `{client_id, clear: true}` withdraws it. Returns `refresh_after_seconds`
    /// (default 20).
    func presence(_ id: SessionID, clear: Bool) async throws -> TimeInterval {
        var body: [String: JSONValue] = ["client_id": .string(configuration.clientID)]
        if clear {
            body["clear"] = true
        } else {
            body["connected_at"] = .string(Date().formatted(.iso8601))
        }
        let path = "/v1/code/sessions/\(id.infra)/client/presence"
        // Presence is advisory: a slow answer must not hold a finished wait up for long.
        let response = try await call(.POST, path, .v2, body: .object(body), retry: .never, timeout: min(5, configuration.requestTimeout))
        return try response.json(route: "POST \(path)")["refresh_after_seconds"]?.doubleValue ?? 20
    }
}
