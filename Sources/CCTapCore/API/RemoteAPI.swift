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

/// The one seam between cc-tap and the undocumented service: every route, header and wire shape
/// the core relies on is under `API/`, so a change in the service is a change there. This file holds
/// what every family shares (the dialect each speaks, the organisation, one request); the families
/// are `SessionRoutes` (list, record, record changes), `EventRoutes` (history, the live stream),
/// `MessageRoutes` (messages, permission answers, control requests, presence), `WatchRoutes` (the
/// account watch) and `ProbeRoutes` (what the diagnostics ask).
///
/// Each operation is written once for both dialects (PROTOCOL.md §1): `speaking` runs it
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
            (Route.profile, OrganizationSource.profileEndpoint),
            (Route.roles, .rolesEndpoint),
        ] {
            let request = APIRequest(method: .GET, path: path, headerFamily: .account, timeout: configuration.requestTimeout)
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
            method: method, path: path, query: query, body: body, headerFamily: .sessions(dialect), retry: retry,
            timeout: timeout ?? (method == .GET ? configuration.requestTimeout : configuration.sendTimeout))
        request.headerOverrides = headerOverrides
        return try await transport.send(request, organization: org.uuid)
    }

    func json(_ method: HTTPMethod, _ path: String, _ dialect: Dialect, query: [(String, String)] = [])
        async throws -> JSONValue
    {
        try await call(method, path, dialect, query: query).json(route: "\(method.rawValue) \(path)")
    }

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
}
