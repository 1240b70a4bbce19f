import AsyncHTTPClient
import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import NIOCore
import Synchronization

/// Follows a session's new events as they are stored and hands them over in order, each exactly once.
/// When to reopen, back off or give the stream up is `StreamPolicy`'s decision; this type does the I/O.
///
/// From a sequence cursor it reads the per-session event stream (PROTOCOL.md §8): it
/// resumes after a drop from the last sequence number it delivered, treats `streamStallTimeout`
/// without a byte as a dead connection, answers a 410 by reading the missing events from the REST
/// list and reopening without a position, waits out a 429's `Retry-After`, backs off with jitter
/// between failed opens, and gives the stream up for polling after two opens that delivered no
/// frame or an answer saying the route is not served. Gaps in the sequence are filled from the REST
/// list and repeats are dropped, so a reconnect can neither lose nor repeat an event.
///
/// The consumer reads `items`; a `tick` comes every `tickInterval` so it can check its deadline.
final class LiveFeed: Sendable {
    enum Item: Sendable {
        /// New events, and the cursor just past them: where a wait that consumed them resumes.
        case events([JSONValue], through: EventCursor)
        /// An `ephemeral_event` frame's body: text the worker streams before storing it.
        case ephemeral(JSONValue)
        /// The session's connection as a `session_update` frame says it (`connected`, `disconnected`).
        case connection(String)
        case tick
        case failed(TapError)
    }

    let items: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation
    private let api: RemoteAPI
    private let session: SessionID
    private let pollInterval: TimeInterval
    private let state: Mutex<(position: EventCursor.Position, source: EventSource)>
    private let tasks = Mutex<[Task<Void, Never>]>([])
    /// Whether the session is working on a turn, as the consumer last learned it; polling stays
    /// quick while it is. A wait starts out assuming so.
    private let turnRunning = Mutex(true)

    init(api: RemoteAPI, session: SessionID, cursor: EventCursor, pollInterval: TimeInterval) {
        (items, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        self.api = api
        self.session = session
        self.pollInterval = pollInterval
        let position = cursor.resolved(api)
        let source: EventSource
        switch position {
        case .sequence: source = api.configuration.eventSource == .auto ? .stream : .poll
        case .start, .eventID: source = .pollV1
        }
        state = Mutex((position, source))
    }

    private var configuration: TapConfiguration { api.configuration }

    /// Past the last event handed to `items` (the consumer may not have read them all yet).
    var cursor: EventCursor { EventCursor(state.withLock { $0.position }) }
    var source: EventSource { state.withLock { $0.source } }

    /// Tells the feed whether the session is working on a turn (`session_status` running or
    /// requires_action), so polling can slow down only when it is idle.
    func noteTurnRunning(_ running: Bool) { turnRunning.withLock { $0 = running } }

    func start(tickInterval: TimeInterval = 0.2) {
        let continuation = continuation
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: Seconds.nanoseconds(tickInterval))
                continuation.yield(.tick)
            }
        }
        let follower = Task { [self] in
            configuration.logger.debug("events of \(session.spelled(.v1)): following from \(cursor) by \(source.rawValue)")
            if source == .stream { await followStream() }
            if !Task.isCancelled { await poll() }
        }
        tasks.withLock { $0 = [ticker, follower] }
    }

    func stop() {
        for task in tasks.withLock({ $0 }) { task.cancel() }
        continuation.finish()
    }

    deinit { stop() }

    // MARK: Stream

    /// Follows the stream until cancelled or until the policy gives it up for polling. The decisions
    /// are `StreamPolicy`'s; this loop only opens, reads, logs and sleeps.
    private func followStream() async {
        var policy = StreamPolicy(
            settings: .init(initialBackoff: configuration.streamInitialBackoff, maxBackoff: configuration.streamMaxBackoff))
        let clock = ContinuousClock()
        let start = clock.now
        func now() -> TimeInterval {
            let elapsed = clock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        var withoutPosition = false
        while !Task.isCancelled {
            policy.opening(at: now())
            let positionAtOpen = sequencePosition
            let end = await readStream(withoutPosition: withoutPosition)
            switch end {
            case .cancelled, .refused(.cancelled): return
            case .closed(let frames, let reason):
                configuration.logger.debug("event stream of \(session.spelled(.v1)) ended after \(frames) frame(s): \(reason)")
            case .stalled:
                configuration.logger.debug(
                    "event stream of \(session.spelled(.v1)) sent nothing for \(Int(configuration.streamStallTimeout)) s; reconnecting")
            case .missedStoredEvents:
                configuration.logger.debug(
                    "event stream of \(session.spelled(.v1)) sent keepalives only while the list gained events")
            case .refused(let error):
                configuration.logger.debug("event stream of \(session.spelled(.v1)) did not open: \(error.message)")
            }
            switch policy.decide(after: end, at: now(), advanced: sequencePosition > positionAtOpen) {
            case .poll(let reason):
                configuration.logger.info("event stream of \(session.spelled(.v1)): \(reason); polling the event list instead")
                return
            case .reopen(let delay, let fresh):
                withoutPosition = fresh
                if fresh {
                    configuration.logger.debug("event stream of \(session.spelled(.v1)): 410 for our position; catching up by REST")
                }
                if delay > 0 {
                    do { try await Task.sleep(nanoseconds: Seconds.nanoseconds(delay)) } catch { return }
                }
            }
        }
    }

    /// One connection: open, then read frames until it ends, stalls or the feed stops.
    private func readStream(withoutPosition: Bool) async -> StreamEnd {
        let body: HTTPClientResponse.Body
        do {
            body = try await api.openEventStream(session, after: withoutPosition ? nil : sequencePosition)
        } catch let error as TapError {
            return .refused(error)
        } catch {
            return Task.isCancelled ? .cancelled : .refused(.network(String(describing: error).prefix(200).description))
        }
        var catchingUp: (@Sendable () async throws -> Void)?
        if withoutPosition { catchingUp = { @Sendable [self] in try await catchUp() } }
        let handling: @Sendable (ServerSentEvent) async throws -> Void = { [self] event in try await handle(event) }
        // Only stored events count; when none came for a while, the list says whether that is true.
        let quiet = EventStreamReader.QuietCheck(
            after: configuration.streamQuietCheck, delivers: { $0.name == "client_event" && !$0.data.trimmed.isEmpty }
        ) {
            [self] in try await catchUp() == 0
        }
        return await EventStreamReader.read(
            body, stallTimeout: configuration.streamStallTimeout, first: catchingUp, quiet: quiet, handle: handling)
    }

    /// Acts on one frame (late-2026 §5). `client_event` carries a stored event, or with empty data only
    /// says where the stream stands; `ephemeral_event` carries what is never stored (live text);
    /// `session_update` the connection; keepalives, `delivery_update` and names not known yet only
    /// show the stream is alive.
    private func handle(_ event: ServerSentEvent) async throws {
        switch event.name {
        case "client_event" where event.data.trimmed.isEmpty:
            // Not damage: such a frame only says where the stream stands. At or behind our position it
            // says nothing new and costs no read; ahead of it, the list is read for what lies between.
            // The position itself moves only with events delivered, so none can be skipped.
            guard let sequence = Int(event.lastEventID.trimmed), sequence > sequencePosition else { return }
            try await catchUp()
        case "client_event":
            guard let json = JSONValue.parse(Data(event.data.utf8)), let envelope = EventEnvelope(json) ?? fallbackEnvelope(json, event)
            else {
                // A stored event arrived mangled: read it, and anything after it, from the REST list.
                configuration.logger.debug("event stream of \(session.spelled(.v1)): unreadable client_event, reading the list")
                try await catchUp()
                return
            }
            let position = sequencePosition
            if envelope.sequence <= position { return }  // already delivered (a replay after a reconnect)
            if envelope.sequence > position + 1 {
                // A gap (events stored while we were away, or a replay cut short): the REST list fills it.
                try await catchUp()
            }
            emit([envelope])
        case "catch_up_truncated":
            try await catchUp()
        case "ephemeral_event":
            if let body = JSONValue.parse(Data(event.data.utf8)) { continuation.yield(.ephemeral(body)) }
        case "session_update":
            if let status = JSONValue.parse(Data(event.data.utf8))?["connection_status"]?.stringValue {
                continuation.yield(.connection(status))
            }
        default:
            break
        }
    }

    /// A `client_event` without `sequence_num` in its body still has the frame's `id:`.
    private func fallbackEnvelope(_ json: JSONValue, _ event: ServerSentEvent) -> EventEnvelope? {
        guard let sequence = Int(event.lastEventID) else { return nil }
        var copy = json
        copy["sequence_num"] = .string(String(sequence))
        return EventEnvelope(copy)
    }

    /// Reads every stored event after our position from the REST list and delivers it; returns how
    /// many were new.
    @discardableResult
    private func catchUp() async throws -> Int {
        emit(try await api.envelopes(session, after: sequencePosition))
    }

    private var sequencePosition: Int {
        if case .sequence(let number) = state.withLock({ $0.position }) { return number }
        return 0
    }

    /// Delivers the envelopes newer than our position, in order, and moves past them; returns how
    /// many it delivered. The frame reader and the quiet check may both deliver, so the yield happens
    /// under the lock: what moved the position first reaches the consumer first.
    @discardableResult
    private func emit(_ envelopes: [EventEnvelope]) -> Int {
        let continuation = continuation
        return state.withLock { state in
            guard case .sequence(var position) = state.position else { return 0 }
            var fresh: [JSONValue] = []
            for envelope in envelopes where envelope.sequence > position {
                fresh.append(envelope.payload)
                position = envelope.sequence
            }
            state.position = .sequence(position)
            if !fresh.isEmpty { continuation.yield(.events(fresh, through: EventCursor(state.position))) }
            return fresh.count
        }
    }

    // MARK: Polling

    /// Reads the event list after our position: every `pollInterval` while a turn runs or events
    /// keep coming, stretching towards `idlePollInterval` once the session is idle and quiet.
    private func poll() async {
        let position = state.withLock { state in
            if state.source == .stream { state.source = .poll }
            return state.position
        }
        var feed = EventFeed(api: api, session: session, cursor: EventCursor(position))
        var interval = AdaptiveInterval(fast: pollInterval, idle: max(pollInterval, configuration.idlePollInterval))
        while !Task.isCancelled {
            let events: [JSONValue]
            do {
                events = try await feed.readNew()
            } catch let error as TapError {
                if !Task.isCancelled { continuation.yield(.failed(error)) }
                return
            } catch {
                return
            }
            let moved = feed.position
            state.withLock { $0.position = moved }
            if !events.isEmpty { continuation.yield(.events(events, through: EventCursor(moved))) }
            do {
                let wait = interval.next(sawEvents: !events.isEmpty, turnRunning: turnRunning.withLock { $0 })
                try await Task.sleep(nanoseconds: Seconds.nanoseconds(wait))
            } catch { return }
        }
    }
}

/// A polling interval: `fast` while a turn runs or events arrive; once the session is idle and
/// `quietPolls` reads in a row found nothing, it grows by half per read up to `idle`.
struct AdaptiveInterval {
    let fast: TimeInterval
    let idle: TimeInterval
    private let quietThreshold: Int
    private var quietPolls = 0
    private var current: TimeInterval

    init(fast: TimeInterval, idle: TimeInterval, quietPolls: Int = 10) {
        self.fast = fast
        self.idle = idle
        self.current = fast
        self.quietThreshold = quietPolls
    }

    mutating func next(sawEvents: Bool, turnRunning: Bool = false) -> TimeInterval {
        if sawEvents || turnRunning {
            quietPolls = 0
            current = fast
        } else {
            quietPolls += 1
            if quietPolls > quietThreshold { current = min(idle, current * 1.5) }
        }
        return current
    }
}
