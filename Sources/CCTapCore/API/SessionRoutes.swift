import CCTapModel

/// The session family: the list, one session's record, and the changes the service applies to a
/// record itself, with no worker involved (its title, archiving it, marking it read; PROTOCOL.md §14).
/// Record changes are idempotent, so each is retried like a read.
extension RemoteAPI {
    /// One page of the session list.
    /// - v2: `GET /v1/code/sessions?limit&<pageParameter>=<next_cursor>&statuses=…` answering
    ///   `{data, next_cursor?, resume_token}`. `cursor` is the confirmed name (late-2026 §3); the
    ///   caller falls back to `page` (RC-API's reference) when the service refuses it.
    /// - v1: `GET /v1/sessions?limit&after_id` answering `{data, has_more, first_id, last_id}`.
    func sessionsPage(
        _ dialect: Dialect, limit: Int, after cursor: String?, statuses: [String], pageParameter: String = "cursor"
    ) async throws -> SessionPage {
        let path = Route.sessions(dialect)
        switch dialect {
        case .v2:
            var query = [("limit", String(limit))]
            if let cursor { query.append((pageParameter, cursor)) }
            query += statuses.map { ("statuses", $0) }
            let json = try await json(.GET, path, dialect, query: query)
            guard let data = json["data"]?.arrayValue else {
                throw TapError.badResponse("GET \(path) answered without a `data` list; the API may have changed.")
            }
            let next = json["next_cursor"]?.stringValue
            let token = json["resume_token"]?.stringValue
            return SessionPage(items: data, next: next?.isEmpty == false ? next : nil, resumeToken: token?.isEmpty == false ? token : nil)
        case .v1:
            var query = [("limit", String(limit))]
            if let cursor { query.append(("after_id", cursor)) }
            let page = try Page(try await json(.GET, path, dialect, query: query), route: "GET \(path)")
            return SessionPage(items: page.data, next: page.hasMore ? page.lastID : nil)
        }
    }

    /// `GET /v1/code/sessions/{cse_X}` or `GET /v1/sessions/{session_X}`: the session object, unwrapped
    /// from `{"response_shape": …}` (late 2026) or `{"session": …}` where the service wraps it.
    func session(_ id: SessionID, _ dialect: Dialect) async throws -> JSONValue {
        let path = Route.session(id, dialect)
        return try SessionRecord.unwrapped(try await json(.GET, path, dialect), route: "GET \(path)")
    }

    /// `PUT /v1/code/sessions/{cse_X}` with `{title}`; answers the session object. v2 only.
    func rename(_ id: SessionID, title: String) async throws -> JSONValue {
        let path = Route.session(id, .v2)
        let answer = try await call(.PUT, path, .v2, body: ["title": .string(title)], retry: .read).json(route: "PUT \(path)")
        return (try? SessionRecord.unwrapped(answer, route: "PUT \(path)")) ?? answer
    }

    /// `POST …/{id}/archive` with `{}` in `dialect`. True when this call archived it; false when
    /// the service answered 409, which means it already was (protocol-2026 §3).
    func archive(_ id: SessionID, _ dialect: Dialect) async throws -> Bool {
        do {
            _ = try await call(.POST, Route.archive(id, dialect), dialect, body: [:], retry: .read)
            return true
        } catch let error as TapError {
            if case .api(let details) = error, details.status == 409 { return false }
            throw error
        }
    }

    /// `POST /v1/code/sessions/{cse_X}/mark_read` with `{}` (or `{sequence_num}`). v2 only.
    func markRead(_ id: SessionID, through sequence: Int?) async throws {
        let body: JSONValue = sequence.map { ["sequence_num": .int(Int64($0))] } ?? [:]
        _ = try await call(.POST, Route.markRead(id), .v2, body: body, retry: .read)
    }
}
