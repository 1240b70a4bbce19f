import CCTapModel

/// What one session's live feed brought: stored events, a change of its connection, or a failed read.
public struct SessionEventsUpdate: Sendable {
    /// New stored events, oldest first (empty when the update is only about the connection or a failure).
    public var events: [JSONValue]
    /// The cursor just past every event delivered so far: where a reader that took them resumes.
    public var cursor: String
    /// The session's connection as the stream just said it (`connected`, `disconnected`), if it did.
    public var connection: String?
    /// Reading failed; the follower tries again from `cursor` after a backoff, so nothing is lost.
    public var failure: TapError?
}

extension Tap {
    /// Follows one session's stored events from now, through the same live feed a wait uses (the
    /// event stream where the service serves it, otherwise adaptive polling), until the stream is
    /// dropped or its task cancelled. Each event is delivered once, in order; a failed read is
    /// reported and the feed reopened from the last cursor after a growing delay.
    /// Throws only for an id that is not a session id, before any request.
    public func sessionEvents(_ id: String) throws -> AsyncStream<SessionEventsUpdate> {
        let session = try SessionID(id)
        let api = api
        let (stream, continuation) = AsyncStream<SessionEventsUpdate>.makeStream(bufferingPolicy: .unbounded)
        let follower = Task {
            var cursor: EventCursor?
            var failures = 0
            while !Task.isCancelled {
                do {
                    let from: EventCursor
                    if let cursor { from = cursor } else { from = try await EventFeed.latest(api: api, session: session) }
                    cursor = from
                    let end = await Self.follow(api: api, session: session, from: from, into: continuation) {
                        failures = 0
                    }
                    cursor = end.cursor
                    guard let failure = end.failure else { break }  // cancelled
                    throw failure
                } catch {
                    if Task.isCancelled { break }
                    failures += 1
                    let failure = error as? TapError ?? .network(String(describing: error).prefix(200).description)
                    continuation.yield(
                        SessionEventsUpdate(events: [], cursor: cursor?.description ?? "", connection: nil, failure: failure))
                    let delay = HTTPTransport.backoff(
                        attempt: failures, initial: api.configuration.streamInitialBackoff,
                        maximum: api.configuration.streamMaxBackoff)
                    do { try await Task.sleep(nanoseconds: Seconds.nanoseconds(delay)) } catch { break }
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in follower.cancel() }
        return stream
    }

    /// One run of a `LiveFeed` from `cursor` until cancelled (failure nil) or a read fails; returns
    /// the cursor past what it delivered. `delivered` is told whenever the feed worked.
    private static func follow(
        api: RemoteAPI, session: SessionID, from cursor: EventCursor,
        into continuation: AsyncStream<SessionEventsUpdate>.Continuation, delivered: () -> Void
    ) async -> (cursor: EventCursor, failure: TapError?) {
        let feed = LiveFeed(api: api, session: session, cursor: cursor, pollInterval: api.configuration.pollInterval)
        // Nobody waits on a turn here: polling may slow down towards `idlePollInterval` while the
        // session is quiet, and is quick again as soon as events come.
        feed.noteTurnRunning(false)
        // No deadline to check, so ticks are rare; cancellation ends the loop through `onCancel`.
        feed.start(tickInterval: 3600)
        return await withTaskCancellationHandler {
            defer { feed.stop() }
            var past = cursor  // past what this loop handed on (the feed's own cursor may be ahead)
            for await item in feed.items {
                switch item {
                case .events(let events, let through):
                    past = through
                    delivered()
                    continuation.yield(
                        SessionEventsUpdate(events: events, cursor: through.description, connection: nil, failure: nil))
                case .connection(let status):
                    continuation.yield(
                        SessionEventsUpdate(events: [], cursor: past.description, connection: status, failure: nil))
                case .failed(let error):
                    return (past, error)
                case .ephemeral, .tick:
                    continue
                }
            }
            return (past, nil)
        } onCancel: {
            feed.stop()
        }
    }
}
