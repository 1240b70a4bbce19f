import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One wait for any of some sessions (or any on the account) to need its user: it reads the shared
/// board of `AccountWatch` until a session shows an occasion the caller has not been told of, then
/// reads that session's newest events for what it waits on (the prompt with its `request_id`, or
/// the finished turn's reply).
struct AttentionWaiter {
    let api: RemoteAPI
    let watch: AccountWatch
    /// Bare ids (`cse_X`) to watch; nil for every live session.
    let scope: Set<String>?
    /// Occasions already reported (from the caller's resume token).
    var seen: AttentionResumeToken

    /// How often progress is reported while nothing happens.
    static let progressSeconds: Double = 2

    mutating func wait(timeout: TimeInterval, progress: (@Sendable (AttentionProgress) -> Void)?) async throws -> AttentionResult {
        let started = Date()
        let deadline = started.addingTimeInterval(timeout)
        let (id, snapshots) = watch.subscribe(waiting: true)
        defer { watch.unsubscribe(id, waiting: true) }

        // Snapshots and a steady tick, in one stream: the tick ends the wait on time and paces progress.
        let (events, continuation) = AsyncStream<AccountWatch.Snapshot?>.makeStream(bufferingPolicy: .bufferingNewest(8))
        let forward = Task {
            for await snapshot in snapshots { continuation.yield(snapshot) }
            continuation.finish()
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 200_000_000)
                continuation.yield(nil)
            }
        }
        defer {
            forward.cancel()
            ticker.cancel()
        }

        var latest: AccountWatch.Snapshot?
        var checkedScope = false
        var lastProgress = Date.distantPast
        for await event in events {
            try Task.checkCancellation()
            if let snapshot = event {
                if !snapshot.ready, let failure = snapshot.failure { throw failure }
                guard snapshot.ready else { continue }
                var current = snapshot
                if !checkedScope {
                    if !unknown(in: current.board).isEmpty {
                        // The shared board may predate a session made since; one fresh read decides.
                        current = await watch.readNow()
                        if let failure = current.failure { throw failure }
                    }
                    try checkScope(current.board)
                    checkedScope = true
                }
                latest = current
                let fresh = current.board.freshAttention(scope: scope, seen: seen)
                if !fresh.isEmpty {
                    let batch = Array(fresh.prefix(Self.itemsPerResult))
                    var items: [AttentionItem] = []
                    for (session, _) in batch {
                        if let item = try await item(for: session) { items.append(item) }
                    }
                    // Reported, or found settled by the time its events were read: either way, told.
                    for (_, occasion) in batch { seen.insert(occasion) }
                    if !items.isEmpty {
                        return report(items, more: fresh.count - batch.count, current, started: started)
                    }
                }
            }
            let now = Date()
            if let progress, let latest, now.timeIntervalSince(lastProgress) >= Self.progressSeconds {
                lastProgress = now
                progress(
                    AttentionProgress(
                        sessionsWatched: watched(latest.board), alreadyReported: latest.board.occasions(scope: scope).count,
                        source: latest.source.rawValue, elapsedSeconds: (now.timeIntervalSince(started) * 1000).rounded() / 1000))
            }
            if now >= deadline { break }
        }
        try Task.checkCancellation()
        guard let latest else {
            throw TapError.timeout("The session list could not be read within \(Int(timeout)) s; nothing was watched.")
        }
        // Reads failing at the end of the wait: "nothing new" would not be known, so the failure is
        // the answer (it says what is wrong, e.g. an expired login).
        if let failure = latest.failure { throw failure }
        let token = AttentionResumeToken.encode(latest.board.occasions(scope: scope).filter(seen.contains))
        return AttentionResult(
            status: .timeout, items: [], resumeToken: token,
            sessionsWatched: watched(latest.board), source: latest.source.rawValue,
            elapsedSeconds: (Date().timeIntervalSince(started) * 1000).rounded() / 1000,
            hint: "No session began to need you within \(Int(timeout)) s.", next: .watchAgain(resumeToken: token))
    }

    private func watched(_ board: SessionBoard) -> Int {
        guard let scope else { return board.sessions.count }
        return board.sessions.keys.filter { scope.contains($0) }.count
    }

    /// Every named session must be live on the account: a typo must not wait forever in silence.
    private func checkScope(_ board: SessionBoard) throws {
        let missing = unknown(in: board)
        guard missing.isEmpty else {
            throw TapError.invalidSessionID(
                "No live session \(missing.prefix(5).joined(separator: ", ")) on this account (archived sessions are not "
                    + "watched).")
        }
    }

    private func unknown(in board: SessionBoard) -> [String] {
        guard let scope else { return [] }
        return scope.filter { board.sessions[$0] == nil }.sorted()
    }

    /// Most sessions one result reports (the rest come with the next call).
    static let itemsPerResult = 20

    /// The result for the sessions that need their user, each with what it waits on.
    private func report(_ items: [AttentionItem], more: Int, _ snapshot: AccountWatch.Snapshot, started: Date) -> AttentionResult {
        let token = AttentionResumeToken.encode(snapshot.board.occasions(scope: scope).filter(seen.contains))
        let names = items.map {
            "\($0.session.title ?? $0.session.id) (\($0.reason.rawValue)\($0.promptVisible ? "" : ": blocked, prompt not visible here"))"
        }
        let rest = more > 0 ? " (and \(more) more, reported next time)" : ""
        let lead = items.count == 1 ? "1 session needs you: " : "\(items.count) sessions need you: "
        return AttentionResult(
            status: .attention, items: items, resumeToken: token,
            sessionsWatched: watched(snapshot.board), source: snapshot.source.rawValue,
            elapsedSeconds: (Date().timeIntervalSince(started) * 1000).rounded() / 1000,
            hint: lead + names.joined(separator: ", ") + rest + ".", next: .attendThenWatch(resumeToken: token))
    }

    /// One session's prompt or reply, from its newest events (one read). Nil when the session object
    /// said it was blocked but its events show nothing open any more: the board caught a moment
    /// between the answer and the worker's next state, and there is nothing to do.
    private func item(for session: SessionSummary) async throws -> AttentionItem? {
        let id = try SessionID(session.id)
        let api = api
        let page = try await api.speaking(.history) { try await api.historyPage(id, $0, before: nil, limit: 200) }.value
        let prompts = openPrompts(in: page.events)
        let reason = session.attentionReason ?? .unreadResult
        let blocked = reason == .permission || reason == .input
        // Blocked, but the prompt was answered since (the board caught the moment before the worker's
        // next state): nothing to do. Blocked with no prompt in the events at all: reported as such.
        if blocked && prompts.isEmpty && TurnReading.promptAnswered(page.events) { return nil }
        var item = AttentionItem(
            session: session, reason: reason, pendingPermissions: prompts.permissions, pendingInputs: prompts.inputs,
            reply: TurnReading.latestReply(page.events), cursor: EventCursor(page.newest).description)
        item.promptVisible = !(blocked && prompts.isEmpty)
        return item
    }
}
