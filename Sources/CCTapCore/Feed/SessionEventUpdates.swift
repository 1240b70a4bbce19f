import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What one session's live feed brought: stored events, a change of its connection, or a failed read.
public struct SessionEventsUpdate: Sendable {
    /// New stored events, oldest first (empty when the update is only about the connection or a failure).
    public var events: [JSONValue]
    /// The cursor just past every event delivered so far: where a reader that took them resumes.
    public var cursor: String
    /// The session's connection as the event stream just said it (`connected`, `disconnected`); the
    /// stream says it each time it opens, so a follower compares it with the last one it heard.
    /// Never set while the feed polls.
    public var connection: String?
    /// Reading failed; the follower tries again from `cursor` after a backoff, so nothing is lost.
    public var failure: TapError?

    public init(events: [JSONValue] = [], cursor: String, connection: String? = nil, failure: TapError? = nil) {
        self.events = events
        self.cursor = cursor
        self.connection = connection
        self.failure = failure
    }
}

extension Tap {
    /// Follows one session's stored events from now, through the same live feed a wait uses (the
    /// event stream where the service serves it, otherwise adaptive polling), until the stream is
    /// dropped or its task cancelled. Each event is delivered once, in order; a failed read is
    /// reported and the feed reopened from the last cursor after a growing delay.
    /// Throws only for an id that is not a session id, before any request.
    public func sessionEvents(_ id: String) throws -> AsyncStream<SessionEventsUpdate> {
        try sessionEvents(id, streamRetryAfter: 300)
    }

    /// `streamRetryAfter`: a wait gives the event stream up for good when it fails (it ends soon
    /// anyway); a follower lives for hours, so after this long polling it tries the stream again.
    func sessionEvents(_ id: String, streamRetryAfter: TimeInterval) throws -> AsyncStream<SessionEventsUpdate> {
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
                    let (past, end) = await Self.follow(
                        api: api, session: session, from: from, streamRetryAfter: streamRetryAfter, into: continuation
                    ) { failures = 0 }
                    cursor = past
                    switch end {
                    case .cancelled: break
                    case .retryStream: continue
                    case .failed(let failure): throw failure
                    }
                    break
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

    /// How one run of the feed ended.
    private enum RunEnd {
        case cancelled
        case failed(TapError)
        /// The feed has polled for `streamRetryAfter` where the stream could serve: open it again.
        case retryStream
    }

    /// One run of a `LiveFeed` from `cursor`; returns the cursor past what it delivered and how the
    /// run ended. `working` is told whenever the feed shows it works (an item, or a quiet tick), so
    /// the backoff after a failure starts afresh.
    private static func follow(
        api: RemoteAPI, session: SessionID, from cursor: EventCursor, streamRetryAfter: TimeInterval,
        into continuation: AsyncStream<SessionEventsUpdate>.Continuation, working: () -> Void
    ) async -> (cursor: EventCursor, end: RunEnd) {
        let feed = LiveFeed(api: api, session: session, cursor: cursor, pollInterval: api.configuration.pollInterval)
        // Nobody waits on a turn here: polling may slow down towards `idlePollInterval` while the
        // session is quiet, and is quick again as soon as events come.
        feed.noteTurnRunning(false)
        // No deadline to check: ticks only look at whether to try the stream again.
        feed.start(tickInterval: min(60, streamRetryAfter / 2))
        let started = ContinuousClock.now
        let streamServes = api.configuration.eventSource == .auto
        return await withTaskCancellationHandler {
            defer { feed.stop() }
            var past = cursor  // past what this run handed on (the feed's own cursor may be ahead)
            for await item in feed.items {
                switch item {
                case .events(let events, let through):
                    past = through
                    working()
                    continuation.yield(
                        SessionEventsUpdate(events: events, cursor: through.description, connection: nil, failure: nil))
                case .connection(let status):
                    working()
                    continuation.yield(SessionEventsUpdate(events: [], cursor: past.description, connection: status, failure: nil))
                case .failed(let error):
                    return (past, .failed(error))
                case .tick:
                    working()
                    // Only the v2 list's polling stands in for a stream (`.pollV1` means no stream route).
                    if streamServes, feed.source == .poll, ContinuousClock.now - started >= .seconds(streamRetryAfter) {
                        return (past, .retryStream)
                    }
                case .ephemeral:
                    continue
                }
            }
            return (past, .cancelled)
        } onCancel: {
            feed.stop()
        }
    }
}
