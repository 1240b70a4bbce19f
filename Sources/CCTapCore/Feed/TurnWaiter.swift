import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Waits for a turn to end by following the session's events from a cursor. Only when the caller
/// said a person is watching (`TapConfiguration.presence`) does it announce presence meanwhile
/// (every `refresh_after_seconds`) and clear it at the end: while a client is present the service
/// holds back the user's phone notifications (PROTOCOL.md §12).
struct TurnWaiter {
    let api: RemoteAPI
    let session: SessionID
    let pollInterval: TimeInterval

    func wait(
        from cursor: EventCursor, look: SessionLook?, timeout: TimeInterval, started: Date,
        progress: (@Sendable (WaitProgress) -> Void)?
    ) async throws -> WaitResult {
        let deadline = Date().addingTimeInterval(timeout)
        let presence = api.configuration.presence ? PresenceKeeper(api: api, session: session) : nil
        presence?.start()
        do {
            let outcome = try await follow(from: cursor, look: look, deadline: deadline, started: started, progress: progress)
            await presence?.stop(awaitingClear: true)
            return outcome
        } catch {
            // Cancelled or failed: withdraw presence without holding the caller up.
            await presence?.stop(awaitingClear: false)
            throw error
        }
    }

    private func follow(
        from cursor: EventCursor, look given: SessionLook?, deadline: Date, started: Date,
        progress: (@Sendable (WaitProgress) -> Void)?
    ) async throws -> WaitResult {
        // A wait that did not just send looks at the session first: there may be nothing to wait for.
        let look: SessionLook
        if let given { look = given } else { look = try await SessionLook.take(api: api, session: session) }
        var tracker = TurnTracker(tie: cursor.tie, openPrompts: look.prompts)
        let plain = EventCursor(cursor.position)
        let feed = LiveFeed(api: api, session: session, cursor: plain, pollInterval: pollInterval)
        if let early = try await settled(cursor, look, &tracker, started, source: feed.source, atStart: true) {
            return early
        }
        if let status = tracker.status { return result(status, tracker, cursor, started, feed.source) }
        feed.start()
        defer { feed.stop() }
        var lastProgress: WaitProgress?
        var lastActivity = Date()
        var consumed = plain
        var disconnected = look.isDisconnected
        var live = LiveText()
        for await item in feed.items {
            switch item {
            case .events(let events, let through):
                for event in events { tracker.consume(event) }
                // What was streamed live is stored now (or the turn moved on): the stored text counts.
                if TurnReading.settlesLiveText(events) { live.clear() }
                consumed = through
                lastActivity = Date()
            case .ephemeral(let frame):
                // Only text of the turn that answers us: while queued, the live text is the turn ahead's.
                if !tracker.isQueued { live.take(frame) }
                lastActivity = Date()
            case .connection(let status):
                disconnected = status == "disconnected"
            case .tick:
                break
            case .failed(let error):
                throw error
            }
            // Until a turn takes the message up, a resumed wait must replay from the cursor that names it.
            let resume = tracker.isQueued ? cursor : consumed
            if let status = tracker.status {
                return result(status, tracker, resume, started, feed.source)
            }
            if Date().timeIntervalSince(lastActivity) >= api.configuration.sessionCheckInterval {
                // A quiet session may have been archived, gone idle with the message taken into the
                // turn that ran, or have nothing running at all. Its status also tells a polling feed
                // whether a turn is still running.
                lastActivity = Date()
                let now = try await SessionLook.take(api: api, session: session)
                feed.noteTurnRunning(now.summary.isTurnRunning)
                disconnected = now.isDisconnected
                if let ended = try await settled(resume, now, &tracker, started, source: feed.source) { return ended }
            }
            var update = WaitProgress(
                sessionID: session.spelled(.v1), reply: tracker.answer, elapsedSeconds: Date().timeIntervalSince(started),
                eventsRead: tracker.eventsRead, queued: tracker.isQueued)
            if !live.text.isEmpty {
                update.liveText = live.text
                update.reply += (update.reply.isEmpty ? "" : "\n\n") + live.text  // as TurnTracker joins messages
            }
            if let progress, update.reply != lastProgress?.reply || update.queued != lastProgress?.queued {
                lastProgress = update
                progress(update)
            }
            if deadline.timeIntervalSinceNow <= 0 {
                var ended = result(.timeout, tracker, resume, started, feed.source)
                if tracker.isQueued {
                    ended.hint =
                        disconnected
                        ? "Your message is stored, but the session's machine is disconnected: it will be answered when it reconnects."
                        : tracker.turnRunning || tracker.turnsEndedWhileQueued > 0
                            ? "Your message is queued behind the current turn, which is still running."
                            : "Your message is stored; the worker has not taken it up yet."
                }
                return ended
            }
        }
        throw TapError.cancelled
    }

    /// The end a look at the session decides, if any: archived; idle with our message taken into the
    /// turn that ran; or idle with no turn after a cursor that names no message.
    private func settled(
        _ cursor: EventCursor, _ look: SessionLook, _ tracker: inout TurnTracker, _ started: Date,
        source: EventSource, atStart: Bool = false
    ) async throws -> WaitResult? {
        if look.isArchived {
            var ended = result(.error, tracker, cursor, started, source)
            let likely = await SessionLook.likelySuccessor(api: api, of: look.summary)
            ended.likelySuccessor = likely?.id
            ended.hint = Successor.sentence(for: look.summary.id, likely: likely)
            return ended
        }
        guard look.isIdle, tracker.status == nil else { return nil }
        if tracker.takeRunningTurn() {
            var ended = result(tracker.status ?? .complete, tracker, cursor, started, source)
            ended.hint =
                "No turn of its own took your message up: the turn that was running when it arrived ended and the "
                + "session is idle, so that turn read it (Claude Code reads queued messages between tool calls); "
                + "the reply is that turn's."
            return ended
        }
        guard cursor.tie == nil else { return nil }
        if atStart {
            // Before reading on, only a cursor at the newest event (or past it) can have nothing after it.
            switch (cursor.position, look.newest.position) {
            case (.sequence(let asked), .sequence(let newest)) where asked > newest:
                throw TapError.invalidArgument(
                    "The cursor seq:\(asked) is past the session's newest event (seq:\(newest)): pass the cursor of a "
                        + "send or wait result of this session.")
            case (let asked, let newest) where asked == newest:
                break
            default:
                return nil
            }
        }
        var ended = result(.idle, tracker, cursor, started, source)
        ended.hint =
            "No turn is running: the session is idle and nothing started after the cursor"
            + (look.lastTurnEndedAt.map { "; its last turn ended at \($0)." } ?? ".")
        return ended
    }

    private func result(
        _ status: WaitStatus, _ tracker: TurnTracker, _ cursor: EventCursor, _ started: Date, _ source: EventSource
    ) -> WaitResult {
        let hint: String
        var next: NextStep? = nil
        let ahead = tracker.isQueued ? "The turn ahead of your message" : "The session"
        switch status {
        case .complete: hint = "The turn is complete."
        case .waitingForPermission:
            hint =
                "\(ahead) is waiting for a permission answer (see pending_permissions)"
                + (tracker.isQueued ? "; your message is queued behind it." : ".")
            next = .answerPermission(cursor: cursor.description, requestIDs: tracker.pendingPermissions.map(\.requestID))
        case .waitingForInput:
            let kinds = Set(tracker.pendingInputs.map(\.subtype)).sorted().joined(separator: ", ")
            let answerable = tracker.pendingInputs.allSatisfy { $0.kind != .other }
            hint =
                (answerable
                    ? "\(ahead) waits for its person's answer (\(kinds)); see pending_inputs for what it asks"
                    : "\(ahead) waits for input cc-tap cannot give (\(kinds)); see pending_inputs")
                + (tracker.isQueued ? ". Your message is queued behind it." : ".")
            next =
                answerable
                ? .answerInput(cursor: cursor.description, requestIDs: tracker.pendingInputs.map(\.requestID))
                : .personAnswers(cursor: cursor.description)
        case .timeout:
            hint = "The turn is still running."
            next = .waitAgain(cursor: cursor.description)
        case .interrupted: hint = "The turn was interrupted."
        case .error: hint = "The turn ended with an error; see result."
        case .held, .refused: hint = "The session did not take the message from another session."  // set by Tap, not here
        case .idle: hint = "No turn is running."
        }
        var outcome = WaitResult(
            status: status, sessionID: api.spelling(session, .history), messageUUID: tracker.messageUUID, reply: tracker.answer,
            pendingPermissions: tracker.pendingPermissions, pendingInputs: tracker.pendingInputs, result: tracker.result, cursor: cursor.description,
            elapsedSeconds: (Date().timeIntervalSince(started) * 1000).rounded() / 1000, eventsRead: tracker.eventsRead,
            eventSource: source, hint: hint, next: next)
        outcome.turn = tracker.match
        return outcome
    }
}
