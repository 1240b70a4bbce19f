/// Who wrote a message cc-tap sends (PROTOCOL.md §16). Since about Claude Code 2.1.220 the service
/// stamps each stored message with the sending client's platform, and the worker treats only the
/// apps' platforms as a person typing; everything else is another Claude session (a peer), whose
/// words the model is told its user did not type and which can approve nothing.
public enum MessageSender: String, Codable, Sendable, CaseIterable {
    /// Words an agent composed: sent as a peer's, which is what they are. The default everywhere.
    case agent
    /// Words a person typed, sent as that person's: only when a person asked for it.
    case person

    /// Reads `agent` or `person` (any case, trimmed); nil for anything else.
    package init?(checking text: String) {
        self.init(rawValue: text.trimmed.lowercased())
    }
}

/// Who the service says sent a stored user message, from its `client_platform` stamp.
public enum MessageOrigin: String, Codable, Sendable {
    /// An app's platform (`ios`, `android`, `web_claude_ai`, `desktop_app`): the worker takes it as typed
    /// by its person.
    case person
    /// Any other platform: another Claude session, or a tool such as cc-tap speaking as an agent.
    case peer
    /// No stamp: an older service, or a message the worker wrote itself.
    case unknown

    /// The platforms the worker counts as a person (CLI 2.1.234 bundle, as RC-API and a write-up of
    /// 2.1.251 quote it).
    package static let personPlatforms: Set<String> = ["ios", "android", "web_claude_ai", "desktop_app"]

    package init(clientPlatform: String?) {
        guard let clientPlatform, !clientPlatform.isEmpty else {
            self = .unknown
            return
        }
        self = Self.personPlatforms.contains(clientPlatform) ? .person : .peer
    }
}
