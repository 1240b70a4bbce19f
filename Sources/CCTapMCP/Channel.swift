import CCTapCore
import CCTapRendering
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging

/// cc-tap as a Claude Code channel (research preview, Claude Code 2.1.80+): when a watched session
/// begins to need its user, a `notifications/claude/channel` message appears in the supervising
/// Claude Code session as a `<channel>` block, with the prompt's `request_id` in its attributes, and
/// Claude answers through the tools (`respond_to_permission`, `wait_for_reply`). Claude Code shows
/// the messages only when it was started with the channel (`--channels` or
/// `--dangerously-load-development-channels server:<name>`); otherwise they are dropped and the
/// tools work as ever.
///
/// cc-tap does not declare `claude/channel/permission`: that relay carries the *supervising*
/// session's own tool prompts out to a person on a trusted path (a chat app), and cc-tap has no
/// such path; the remote sessions' prompts come in as channel messages instead.
enum ChannelNotification {
    static let name = "notifications/claude/channel"

    struct Parameters: Hashable, Codable, Sendable {
        /// The text Claude reads.
        var content: String
        /// Attributes of the `<channel>` tag: identifiers only, string values.
        var meta: [String: String]

        var json: JSONValue {
            ["content": .string(content), "meta": .object(meta.mapValues { .string($0) })]
        }
    }
}

/// What the server declares as a channel, in the `initialize` result (`capabilities.experimental`).
enum ChannelCapability {
    static let experimental: JSONValue = ["claude/channel": [:]]
}

/// Pushes each new occasion of a session needing its user while the server runs.
enum ChannelPusher {
    /// Follows `sessions` (all live ones when empty) with back-to-back waits for attention, each
    /// resuming from the last one's token, and sends one message per item. At start, results that
    /// were already unread are not pushed (they are old news; list_sessions shows them); prompts are.
    static func run(tap: Tap, sessions: [String], logger: Logger, send: @Sendable (ChannelNotification.Parameters) async -> Void)
        async
    {
        var token: String?
        var first = true
        var failures = 0
        while !Task.isCancelled {
            do {
                let result = try await tap.waitForAttention(sessions: sessions, timeout: 50, resumeToken: token)
                failures = 0
                for item in result.items where !(first && item.reason == .unreadResult) {
                    await send(message(for: item))
                }
                token = result.resumeToken
                first = false
            } catch {
                if Task.isCancelled || (error as? TapError) == .cancelled { return }
                failures += 1
                logger.warning("channel: following the sessions failed (\(error)); retrying")
                let pause = Backoff.ceiling(afterFailures: failures, initial: 1, maximum: 60)
                try? await Task.sleep(nanoseconds: Seconds.nanoseconds(pause))
            }
        }
    }

    /// The message for one item: a sentence Claude can act on, and the ids it needs as attributes.
    static func message(for item: AttentionItem) -> ChannelNotification.Parameters {
        let session = item.session
        let name = "\"\(session.title ?? session.id)\" (\(session.id))"
        var meta = ["session_id": session.id, "reason": item.reason.rawValue, "cursor": item.cursor]
        let content: String
        switch item.reason {
        case .permission:
            let prompts = item.pendingPermissions.map { prompt in
                "\(prompt.toolName) \(Render.clip(prompt.input.jsonText(), 300)) (request_id \(prompt.requestID))"
            }
            if let prompt = item.pendingPermissions.first {
                meta["request_id"] = prompt.requestID
                meta["tool_name"] = prompt.toolName
            }
            content = "Session \(name) asks for permission: \(prompts.joined(separator: "; ")). Show it to the user; "
                + "answer with respond_to_permission (session_id and request_id as given), then wait_for_reply from the cursor."
        case .input:
            let requests = item.pendingInputs.map { "\($0.subtype) (request_id \($0.requestID))" }
            content = "Session \(name) waits on a request only the person can answer where Claude Code runs: "
                + "\(requests.joined(separator: "; ")). Tell the user."
        case .unreadResult:
            content = "Session \(name) finished its turn. Its reply: \(Render.clip(item.reply, 1500)) "
                + "(mark_read once the user has seen it)."
        case .disconnected:
            content = "Session \(name) lost its machine during a turn (its connection dropped). Its last words: "
                + Render.clip(item.reply, 600)
        }
        return .init(content: content, meta: meta)
    }
}
