import AsyncHTTPClient
import CCTapModel

/// The watch family: the account-wide stream of session changes (PROTOCOL.md §13).
extension RemoteAPI {
    /// The `anthropic-client-platform` the account watch requires (protocol.md §8.3): the web
    /// client's, not the one the other routes get.
    static let watchPlatform = "web_claude_ai"

    /// `GET /v1/code/sessions/watch?exclude_tags=-&resume_token=<token>`: the account-wide stream
    /// of session changes, resuming from a token of the list (or of a `sync` frame).
    func openAccountWatch(resumeToken: String) async throws -> HTTPClientResponse.Body {
        var request = APIRequest(
            method: .GET, path: Route.watch, query: [("exclude_tags", "-"), ("resume_token", resumeToken)],
            headerFamily: .sessions(.v2), timeout: min(15, configuration.requestTimeout))
        request.headerOverrides = [(Header.clientPlatform, Self.watchPlatform)]
        let org = try await resolveOrganization()
        return try await transport.openStream(request, organization: org.uuid, headers: [])
    }
}
