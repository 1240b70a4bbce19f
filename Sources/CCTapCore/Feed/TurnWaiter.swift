import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Waits for a turn to end by following the session's events from a cursor. Only when the caller
/// said a person is watching (`TapConfiguration.presence`) does it announce presence meanwhile
/// (every `refresh_after_seconds`) and clear it at the end: while a client is present the service
/// holds back the user's phone notifications (PROTOCOL.md, "Presence").
struct TurnWaiter {
    let api: RemoteAPI
    let session: SessionID
    /// The message this wait follows; nil when resuming from a cursor.
    let ownUUID: String?
    let pollInterval: TimeInterval

    func wait(
        from cursor: EventCursor, timeout: TimeInterval, started: Date,
        progress: (@Sendable (WaitProgress) -> Void)?
    ) async throws -> WaitResult {
        let deadline = Date().addingTimeInterval(timeout)
        let presence = api.configuration.presence ? PresenceKeeper(api: api, session: session) : nil
        presence?.start()
        do {
            let outcome = try await follow(from: cursor, deadline: deadline, started: started, progress: progress)
            await presence?.stop(awaitingClear: true)
            return outcome
        } catch {
            // Cancelled or failed: withdraw presence without holding the caller up.
            await presence?.stop(awaitingClear: false)
            throw error
        }
    }

    private func follow(
        from cursor: EventCursor, deadline: Date, started: Date, progress: (@Sendable (WaitProgress) -> Void)?
    ) async throws -> WaitResult {
        let feed = LiveFeed(api: api, session: session, cursor: cursor, pollInterval: pollInterval)
        feed.start()
        defer { feed.stop() }
        var tracker = TurnTracker(ownUUID: ownUUID)
        // The cursor to hand back: before our own message's echo we must not move past it, so a
        // resumed wait still recognises the turn.
        var resumeCursor = cursor
        var lastProgressReply = ""
        var lastActivity = Date()
        var consumed = cursor
        for await item in feed.items {
            switch item {
            case .events(let events, let through):
                for event in events { tracker.consume(event) }
                consumed = through
                lastActivity = Date()
            case .tick:
                break
            case .failed(let error):
                throw error
            }
            if tracker.sawOwnMessage { resumeCursor = consumed }
            if let status = tracker.status {
                return result(status, tracker, resumeCursor, started, feed.source)
            }
            if Date().timeIntervalSince(lastActivity) >= api.configuration.sessionCheckInterval {
                // A quiet session may have been archived: no turn will ever end there. Its status
                // also tells a polling feed whether a turn is still running.
                lastActivity = Date()
                let session = session
                let summary = SessionSummary(try await api.speaking(.session) { try await api.session(session, $0) }.value)
                feed.noteTurnRunning(summary.isTurnRunning)
                if summary.status == "archived" {
                    var ended = result(.error, tracker, resumeCursor, started, feed.source)
                    ended.hint = "The session was archived while waiting; it will not answer."
                    return ended
                }
            }
            if let progress, tracker.reply != lastProgressReply {
                lastProgressReply = tracker.reply
                progress(
                    WaitProgress(
                        sessionID: session.compat, reply: tracker.reply,
                        elapsedSeconds: Date().timeIntervalSince(started), eventsRead: tracker.eventsRead))
            }
            if deadline.timeIntervalSinceNow <= 0 { return result(.timeout, tracker, resumeCursor, started, feed.source) }
        }
        throw TapError.cancelled
    }

    private func result(
        _ status: WaitStatus, _ tracker: TurnTracker, _ cursor: EventCursor, _ started: Date, _ source: EventSource
    ) -> WaitResult {
        let hint: String
        var next: NextStep? = nil
        switch status {
        case .complete: hint = "The turn is complete."
        case .waitingForPermission:
            hint = "The session is waiting for a permission answer (see pending_permissions)."
            next = .answerPermission(cursor: cursor.description)
        case .waitingForInput:
            let kinds = Set(tracker.pendingInputs.map(\.subtype)).sorted().joined(separator: ", ")
            hint = "The session waits for input cc-tap cannot give (\(kinds)); see pending_inputs."
            next = .personAnswers(cursor: cursor.description)
        case .timeout:
            hint = "The turn is still running."
            next = .waitAgain(cursor: cursor.description)
        case .interrupted: hint = "The turn was interrupted."
        case .error: hint = "The turn ended with an error; see result."
        }
        return WaitResult(
            status: status, sessionID: api.spelling(session, .history), messageUUID: ownUUID, reply: tracker.reply,
            pendingPermissions: tracker.pendingPermissions, pendingInputs: tracker.pendingInputs, result: tracker.result, cursor: cursor.description,
            elapsedSeconds: (Date().timeIntervalSince(started) * 1000).rounded() / 1000, eventsRead: tracker.eventsRead,
            eventSource: source, hint: hint, next: next)
    }
}

/// Keeps "a client is watching" presence alive for one session while a wait runs.
/// Presence is advisory: failures are logged and never fail the wait.
final class PresenceKeeper: Sendable {
    let api: RemoteAPI
    let session: SessionID
    private let task = LockedTask()

    init(api: RemoteAPI, session: SessionID) {
        self.api = api
        self.session = session
    }

    func start() {
        let api = api
        let session = session
        task.set(
            Task {
                while !Task.isCancelled {
                    var refresh: TimeInterval = 20
                    do {
                        refresh = try await api.presence(session, clear: false)
                    } catch {
                        api.configuration.logger.debug("presence for \(session.compat) failed: \(error)")
                    }
                    try? await Task.sleep(nanoseconds: Seconds.nanoseconds(max(0.05, min(refresh, 300))))
                }
            })
    }

    /// Stops the heartbeat and withdraws presence. The clear waits for the heartbeat task to end,
    /// so a refresh still in flight cannot land after it and leave presence on. It runs in its own
    /// task so a cancelled wait still sends it; a finished wait awaits it, so a CLI that exits next
    /// does not lose it.
    func stop(awaitingClear: Bool) async {
        let heartbeat = task.cancel()
        let api = api
        let session = session
        let clear = Task {
            await heartbeat?.value
            do { _ = try await api.presence(session, clear: true) } catch {
                api.configuration.logger.debug("clearing presence for \(session.compat) failed: \(error)")
            }
        }
        if awaitingClear { await clear.value }
    }
}

import Synchronization

final class LockedTask: Sendable {
    private let box = Mutex<Task<Void, Never>?>(nil)
    func set(_ task: Task<Void, Never>) { box.withLock { $0 = task } }
    /// Cancels the task and hands it back, so the caller can wait for it to finish.
    func cancel() -> Task<Void, Never>? {
        box.withLock { task in
            task?.cancel()
            return task
        }
    }
}
