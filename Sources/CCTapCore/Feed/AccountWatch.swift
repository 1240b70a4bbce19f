import AsyncHTTPClient
import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Synchronization

/// Which source keeps the session board current.
public enum AttentionSource: String, Codable, Sendable {
    /// The account-wide watch stream (`/v1/code/sessions/watch`).
    case watch
    /// Polling the session list.
    case poll
}

/// Keeps one board of the account's live sessions current for everyone who asks (every pending
/// `waitForAttention`, the MCP server's session resource), so eight waits cost one stream, not eight.
///
/// It reads the list (the board, and the watch's resume token), then follows the account watch
/// (protocol.md §8.3, late-2026 §6): `added`/`changed`/`upserted` and `removed`/`deleted` frames update the board, each `sync` brings the
/// next resume token. A 410, a stall (the silently dead stream a stale token gets) or a drop makes
/// it read the list again and reopen; `StreamPolicy` decides when to back off and when to give the
/// watch up for polling the list: quickly while a waiter is pending, stretching when nothing
/// changes. It runs while someone is subscribed and `linger` seconds after the last one leaves, so
/// a waiter that calls again at once finds it still open.
final class AccountWatch: Sendable {
    /// What subscribers receive: the board and where it came from, or why it could not be read.
    struct Snapshot: Sendable {
        var board: SessionBoard
        var source: AttentionSource
        /// The last read failed (the board may be older); cleared by the next good read.
        var failure: TapError?
        /// False until the first list was read.
        var ready: Bool
    }

    private struct State {
        var snapshot = Snapshot(board: SessionBoard(), source: .poll, failure: nil, ready: false)
        var subscribers: [UUID: AsyncStream<Snapshot>.Continuation] = [:]
        /// Subscribers that are waits (they make polling quick); the others only look.
        var waiters = 0
        var runner: Task<Void, Never>?
        var stopper: Task<Void, Never>?
    }

    private let api: RemoteAPI
    private let list: @Sendable () async throws -> (sessions: [SessionSummary], resumeToken: String?, dialect: Dialect)
    private let state = Mutex(State())
    /// Seconds the watch stays open after its last subscriber left.
    let linger: TimeInterval

    init(
        api: RemoteAPI, linger: TimeInterval = 30,
        list: @escaping @Sendable () async throws -> (sessions: [SessionSummary], resumeToken: String?, dialect: Dialect)
    ) {
        self.api = api
        self.linger = linger
        self.list = list
    }

    private var configuration: TapConfiguration { api.configuration }

    /// Where the board's updates come from now, once it was read (nil before).
    var source: AttentionSource? { state.withLock { $0.snapshot.ready ? $0.snapshot.source : nil } }

    /// Subscribes: the stream gets the current snapshot at once when there is one, then every new
    /// one. `waiting`: the subscriber is a wait, so a poll should be quick.
    func subscribe(waiting: Bool) -> (id: UUID, snapshots: AsyncStream<Snapshot>) {
        let (stream, continuation) = AsyncStream<Snapshot>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        let start = state.withLock { state -> Bool in
            state.subscribers[id] = continuation
            if waiting { state.waiters += 1 }
            state.stopper?.cancel()
            state.stopper = nil
            if state.snapshot.ready { continuation.yield(state.snapshot) }
            return state.runner == nil
        }
        if start {
            let runner = Task { [self] in await run() }
            state.withLock { $0.runner = runner }
        }
        return (id, stream)
    }

    func unsubscribe(_ id: UUID, waiting: Bool) {
        let linger = linger
        state.withLock { state in
            state.subscribers.removeValue(forKey: id)?.finish()
            if waiting { state.waiters = max(0, state.waiters - 1) }
            guard state.subscribers.isEmpty, state.stopper == nil else { return }
            state.stopper = Task { [self] in
                try? await Task.sleep(nanoseconds: Seconds.nanoseconds(linger))
                if !Task.isCancelled { stopIfUnused() }
            }
        }
    }

    private func stopIfUnused() {
        let runner = state.withLock { state -> Task<Void, Never>? in
            guard state.subscribers.isEmpty else { return nil }
            defer {
                state.runner = nil
                state.stopper = nil
                state.snapshot.ready = false
            }
            return state.runner
        }
        runner?.cancel()
    }

    /// Stops at once, whoever is subscribed (the client is going away).
    func stop() {
        let (runner, stopper, subscribers) = state.withLock { state in
            defer {
                state.runner = nil
                state.stopper = nil
                state.subscribers = [:]
            }
            return (state.runner, state.stopper, Array(state.subscribers.values))
        }
        runner?.cancel()
        stopper?.cancel()
        for subscriber in subscribers { subscriber.finish() }
    }

    deinit { stop() }

    // MARK: Publishing

    private func publish(_ update: (inout Snapshot) -> Void) {
        let (snapshot, subscribers) = state.withLock { state in
            update(&state.snapshot)
            return (state.snapshot, Array(state.subscribers.values))
        }
        for subscriber in subscribers { subscriber.yield(snapshot) }
    }

    /// Reads the whole list onto the board; returns the resume token and dialect, or nil on failure
    /// (which subscribers are told of).
    private func refresh() async -> (token: String?, dialect: Dialect)? {
        do {
            let listed = try await list()
            publish { snapshot in
                snapshot.board.replace(with: listed.sessions)
                snapshot.failure = nil
                snapshot.ready = true
            }
            return (listed.resumeToken, listed.dialect)
        } catch let error as TapError {
            if case .cancelled = error { return nil }
            publish { $0.failure = error }
            return nil
        } catch {
            if !Task.isCancelled { publish { $0.failure = .network(String(describing: error).prefix(200).description) } }
            return nil
        }
    }

    /// Reads the list now, outside the running pace, and returns the board it gives: a session
    /// made since the last poll is then known at once.
    func readNow() async -> Snapshot {
        _ = await refresh()
        return state.withLock { $0.snapshot }
    }

    // MARK: Running

    private func run() async {
        if configuration.eventSource == .auto, await followWatch() { return }
        if !Task.isCancelled { await poll() }
    }

    /// Follows the watch until cancelled (true) or until it is given up for polling (false).
    private func followWatch() async -> Bool {
        var policy = StreamPolicy(
            settings: .init(initialBackoff: configuration.streamInitialBackoff, maxBackoff: configuration.streamMaxBackoff))
        let clock = ContinuousClock()
        let start = clock.now
        func now() -> TimeInterval {
            let elapsed = clock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        var failedLists = 0
        while !Task.isCancelled {
            // A fresh list before every open: the board is whole again, and the token is new (an old
            // one may be stale, and a stale token opens a stream that never speaks).
            guard let listed = await refresh() else {
                // The list itself failed (its own retries are spent): back off, doubling to the cap.
                failedLists += 1
                let pause = Backoff.ceiling(
                    afterFailures: failedLists, initial: configuration.streamInitialBackoff, maximum: configuration.streamMaxBackoff)
                do { try await Task.sleep(nanoseconds: Seconds.nanoseconds(pause)) } catch { return true }
                continue
            }
            failedLists = 0
            guard listed.dialect == .v2, let token = listed.token else {
                configuration.logger.info("account watch: the list gave no resume_token; polling the list instead")
                return false
            }
            policy.opening(at: now())
            let end = await readWatch(token: token)
            if case .cancelled = end { return true }
            if case .refused(.cancelled) = end { return true }
            configuration.logger.debug("account watch ended: \(end)")
            switch policy.decide(after: end, at: now(), advanced: false) {
            case .poll(let reason):
                configuration.logger.info("account watch: \(reason); polling the session list instead")
                publish { $0.source = .poll }
                return false
            case .reopen(let delay, _):
                if delay > 0 {
                    do { try await Task.sleep(nanoseconds: Seconds.nanoseconds(delay)) } catch { return true }
                }
            }
        }
        return true
    }

    /// One watch connection: open, apply frames until it ends or stalls.
    private func readWatch(token: String) async -> StreamEnd {
        let body: HTTPClientResponse.Body
        do {
            body = try await api.openAccountWatch(resumeToken: token)
            publish { $0.source = .watch }
        } catch let error as TapError {
            return .refused(error)
        } catch {
            return Task.isCancelled ? .cancelled : .refused(.network(String(describing: error).prefix(200).description))
        }
        // Only frames about sessions count as delivered: a stream that sends keepalives and nothing
        // else (what a stale token gets) delivered nothing.
        return await EventStreamReader.read(
            body, stallTimeout: configuration.streamStallTimeout, counts: { Self.meaningful.contains($0.name) },
            handle: { [self] event in apply(event) })
    }

    /// Applies one frame to the board; a frame that cannot be read is skipped (the next list read
    /// puts the board right), never fatal.
    static let meaningful: Set<String> = ["added", "changed", "upserted", "removed", "deleted", "sync"]

    private func apply(_ event: ServerSentEvent) {
        guard event.name != "sync" else { return }
        guard let data = JSONValue.parse(Data(event.data.utf8)) else {
            configuration.logger.debug("account watch: unreadable \(event.name) frame skipped")
            return
        }
        let changed = state.withLock { state in
            state.snapshot.board.apply(frame: event.name, data: data).changed
        }
        if changed { publish { _ in } }
    }

    /// Reads the list every `pollInterval` × 2 while a wait is pending or the board keeps changing,
    /// stretching by half per quiet read up to `idlePollInterval` once ten reads in a row changed
    /// nothing.
    private func poll() async {
        let fast = configuration.pollInterval * 2
        var interval = AdaptiveInterval(fast: fast, idle: max(fast, configuration.idlePollInterval))
        while !Task.isCancelled {
            let before = state.withLock { $0.snapshot.board.generation }
            _ = await refresh()
            let (after, waiting) = state.withLock { ($0.snapshot.board.generation, $0.waiters > 0) }
            let pause = interval.next(sawEvents: after != before, turnRunning: false)
            // A pending wait keeps the fast pace until the board has been quiet for a while; with
            // nobody waiting (a resource subscription only) the pace is the idle one.
            let wait = waiting ? pause : max(pause, configuration.idlePollInterval)
            do { try await Task.sleep(nanoseconds: Seconds.nanoseconds(wait)) } catch { return }
        }
    }
}

