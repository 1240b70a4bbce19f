import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Steering a session from afar, as the web and mobile apps do: the worker's permission mode and
/// model (controls the worker acknowledges or refuses), and the session's title, archiving and read
/// mark (changes the service applies to its record). PROTOCOL.md §14.
extension Tap {
    /// Sets the worker's permission mode: `default`, `plan`, `acceptEdits`, or `bypassPermissions`,
    /// which lets the session run every tool without asking and is refused unless `confirmBypass`.
    public func setPermissionMode(_ id: String, mode: String, confirmBypass: Bool = false) async throws -> SteeringResult {
        let session = try SessionID(id)
        let mode = mode.trimmed
        guard Limits.permissionModes.contains(mode) else {
            throw TapError.invalidArgument(
                "mode must be one of \(Limits.permissionModes.joined(separator: ", ")) (got \"\(mode.prefix(40))\").")
        }
        if mode == "bypassPermissions" && !confirmBypass {
            throw TapError.invalidArgument(
                "bypassPermissions lets the session run every tool without asking anyone. Set it only when the person "
                    + "asked for it, by confirming it explicitly (confirm_bypass).")
        }
        return try await control(session, .permissionMode, value: mode, subtype: "set_permission_mode", fields: ["mode": .string(mode)])
    }

    /// Switches the worker to another model (e.g. `claude-opus-4-8`); the worker says whether it took it.
    public func setModel(_ id: String, model: String) async throws -> SteeringResult {
        let session = try SessionID(id)
        let model = model.trimmed
        guard Limits.modelBytes.contains(model.utf8.count), !model.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw TapError.invalidArgument(
                "model must be a model name of \(Limits.modelBytes.lowerBound) to \(Limits.modelBytes.upperBound) bytes "
                    + "without spaces (e.g. claude-opus-4-8).")
        }
        return try await control(session, .model, value: model, subtype: "set_model", fields: ["model": .string(model)])
    }

    /// Gives the session a new title (the service's record, as the web app's rename does).
    public func renameSession(_ id: String, title: String) async throws -> SteeringResult {
        let session = try SessionID(id)
        let title = title.trimmed
        guard Limits.titleBytes.contains(title.utf8.count) else {
            throw TapError.invalidArgument(
                "title must be \(Limits.titleBytes.lowerBound) to \(Limits.titleBytes.upperBound) bytes (got \(title.utf8.count)).")
        }
        let object = try await api.rename(session, title: title)
        let shown = SessionSummary(object).title
        return SteeringResult(
            sessionID: api.spelling(session, .session), action: .title, value: title, status: .applied,
            detail: shown.map { $0 == title ? nil : "the service shows the title as \"\($0)\"" } ?? nil, requestID: nil,
            note: "Renamed to \"\(title)\".")
    }

    /// Archives the session (hides it from the active list; its history stays readable). A session
    /// that already was archived is a success (the service's 409).
    public func archiveSession(_ id: String) async throws -> SteeringResult {
        let session = try SessionID(id)
        let api = api
        let (archivedNow, dialect) = try await api.speaking(.session) { try await api.archive(session, $0) }
        return SteeringResult(
            sessionID: session.spelled(dialect), action: .archive, value: nil, status: .applied,
            detail: archivedNow ? nil : "it was already archived", requestID: nil,
            note: archivedNow ? "Archived." : "It was already archived; nothing changed.")
    }

    /// Marks the session read, so a finished turn no longer counts as unread (here and in the apps).
    public func markRead(_ id: String) async throws -> SteeringResult {
        let session = try SessionID(id)
        try await api.markRead(session, through: nil)
        return SteeringResult(
            sessionID: api.spelling(session, .session), action: .markRead, value: nil, status: .applied, detail: nil,
            requestID: nil, note: "Marked read.")
    }

    /// Posts a `control_request` and watches briefly for the worker's `control_response` to it.
    package func control(
        _ session: SessionID, _ action: SteeringAction, value: String?, subtype: String, fields: [String: JSONValue]
    ) async throws -> SteeringResult {
        // A worker that is not connected answers nothing: say so at once instead of waiting it out.
        let api = api
        let record = SessionSummary(try await api.speaking(.session) { try await api.session(session, $0) }.value)
        let disconnected = record.connectionStatus == "disconnected"
        let (requestID, status, detail) = try await sendControl(session, subtype: subtype, fields: fields, watch: !disconnected)
        let answered: String =
            switch status {
            case .acknowledged: "The worker acknowledged it."
            case .refused: "The worker refused: \(detail ?? "no reason given")."
            case .queued, .withdrawn, .applied:
                "Posted; the worker has not answered within \(Int(configuration.acknowledgementTimeout)) s (it may be busy "
                    + "or offline, and will act on it when it reads it)."
            }
        let note =
            disconnected
            ? "Posted, but the session's machine is disconnected: the worker will act on it when it reconnects." : answered
        return SteeringResult(
            sessionID: api.spelling(session, .send), action: action, value: value, status: status, detail: detail,
            requestID: requestID, note: note)
    }

    /// Sends one controller `control_request` and returns its id and the worker's verdict.
    func sendControl(_ session: SessionID, subtype: String, fields: [String: JSONValue] = [:], watch: Bool = true) async throws
        -> (requestID: String, status: ControlStatus, detail: String?)
    {
        let requestID = "\(subtype)-\(Int(Date().timeIntervalSince1970 * 1000))-\(UUID().uuidString.prefix(8).lowercased())"
        let cursor = try await EventFeed.latest(api: api, session: session)
        let api = api
        try await MessageDelivery(api: api, session: session).postControl { dialect in
            try await api.postControlRequest(session, dialect, requestID: requestID, subtype: subtype, fields: fields)
        }
        guard watch else { return (requestID, .queued, "the session's machine is disconnected") }
        let (status, detail) = await ControlAcknowledgement(api: api, session: session).watch(
            from: cursor, seconds: configuration.acknowledgementTimeout, ControlVerdict.response(to: requestID))
        return (requestID, status, detail)
    }
}
