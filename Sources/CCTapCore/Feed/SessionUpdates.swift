import CCTapModel

/// One change of the account's live sessions, as the shared board saw it.
public struct SessionsUpdate: Sendable, Equatable {
    /// Every live session, most recent activity first.
    public var sessions: [SessionSummary]
    /// Where the board's updates come from now.
    public var source: AttentionSource
    /// Sessions (bare `cse_` ids) that appeared since the previous update (all of them in the first).
    public var appeared: [String]
    /// Sessions whose object changed since the previous update.
    public var changed: [String]
    /// Sessions that went (archived, or gone from the account).
    public var removed: [String]
    /// The last read of the sessions failed (what is shown may be older); nil when it worked.
    public var failure: TapError?

    /// Whether sessions appeared or went.
    public var membershipChanged: Bool { !appeared.isEmpty || !removed.isEmpty }
}

extension Tap {
    /// Follows the account's live sessions until the stream is dropped or its task cancelled: the
    /// first update lists them all, then one comes whenever any session changes. It shares the
    /// board (and so the watch stream or the polling) with every wait for attention of this client.
    public func sessionUpdates() -> AsyncStream<SessionsUpdate> {
        let watch = sessionWatch
        let (id, snapshots) = watch.subscribe(waiting: false)
        let (stream, continuation) = AsyncStream<SessionsUpdate>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let relay = Task {
            var previous: [String: SessionSummary]?
            var lastFailure: TapError?
            for await snapshot in snapshots {
                guard snapshot.ready else {
                    if let failure = snapshot.failure, failure != lastFailure {
                        lastFailure = failure
                        continuation.yield(
                            SessionsUpdate(sessions: [], source: snapshot.source, appeared: [], changed: [], removed: [], failure: failure))
                    }
                    continue
                }
                let now = snapshot.board.sessions
                let before = previous ?? [:]
                let appeared = now.keys.filter { before[$0] == nil }.sorted()
                let removed = before.keys.filter { now[$0] == nil }.sorted()
                let changed = now.keys.filter { key in before[key].map { $0 != now[key] } ?? false }.sorted()
                guard previous == nil || !appeared.isEmpty || !removed.isEmpty || !changed.isEmpty
                    || snapshot.failure != lastFailure
                else { continue }
                previous = now
                lastFailure = snapshot.failure
                let ordered = now.values.sorted { ($0.lastEventAt ?? "", $0.id) > ($1.lastEventAt ?? "", $1.id) }
                continuation.yield(
                    SessionsUpdate(
                        sessions: ordered, source: snapshot.source, appeared: appeared, changed: changed, removed: removed,
                        failure: snapshot.failure))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in
            relay.cancel()
            watch.unsubscribe(id, waiting: false)
        }
        return stream
    }
}
