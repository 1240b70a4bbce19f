import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Follows a session's new events for a short, bounded time after a control was posted, until one
/// of them says what the worker made of it (a `ControlVerdict` reader).
struct ControlAcknowledgement {
    let api: RemoteAPI
    let session: SessionID

    /// Watches from `cursor` (taken before the post) for at most `seconds`; `verdict` reads each event.
    func watch(
        from cursor: EventCursor, seconds: TimeInterval, _ verdict: (JSONValue) -> (ControlStatus, String?)?
    ) async -> (ControlStatus, String?) {
        guard seconds > 0 else { return (.queued, nil) }
        let feed = LiveFeed(api: api, session: session, cursor: cursor, pollInterval: min(0.25, api.configuration.pollInterval))
        feed.start(tickInterval: min(0.2, seconds))
        defer { feed.stop() }
        let deadline = Date().addingTimeInterval(seconds)
        for await item in feed.items {
            if case .events(let events, _) = item {
                for event in events {
                    if let found = verdict(event) { return found }
                }
            }
            if case .failed = item { break }  // the answer stands as queued; reading failed, not the control
            if Date() >= deadline { break }
        }
        return (.queued, nil)
    }
}
