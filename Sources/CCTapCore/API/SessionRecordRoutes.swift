import CCTapModel

/// Changes to a session's record that the service applies itself, with no worker involved: its
/// title, archiving it, and marking it read (PROTOCOL.md §14). Each is idempotent, so each is
/// retried like a read.
extension RemoteAPI {
    /// `PUT /v1/code/sessions/{cse_X}` with `{title}`; answers the session object. v2 only.
    func rename(_ id: SessionID, title: String) async throws -> JSONValue {
        let path = "/v1/code/sessions/\(id.infra)"
        return try await call(.PUT, path, .v2, body: ["title": .string(title)], retry: .read).json(route: "PUT \(path)")
    }

    /// `POST …/{id}/archive` with `{}` in `dialect`. True when this call archived it; false when
    /// the service answered 409, which means it already was (protocol-2026 §3).
    func archive(_ id: SessionID, _ dialect: Dialect) async throws -> Bool {
        let path = "\(Self.base(dialect))/\(id.spelled(dialect))/archive"
        do {
            _ = try await call(.POST, path, dialect, body: [:], retry: .read)
            return true
        } catch let error as TapError {
            if case .api(let details) = error, details.status == 409 { return false }
            throw error
        }
    }

    /// `POST /v1/code/sessions/{cse_X}/mark_read` with `{}` (or `{sequence_num}`). v2 only.
    func markRead(_ id: SessionID, through sequence: Int?) async throws {
        let path = "/v1/code/sessions/\(id.infra)/mark_read"
        let body: JSONValue = sequence.map { ["sequence_num": .int(Int64($0))] } ?? [:]
        _ = try await call(.POST, path, .v2, body: body, retry: .read)
    }
}
