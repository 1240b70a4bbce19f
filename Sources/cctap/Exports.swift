import CCTapABI
import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The C ABI: each function checks its arguments, calls the core through the blocking bridge,
// and encodes the core's result with `ResultJSON`, the same JSON as the MCP server's
// structuredContent. No path here can trap: every failure becomes a status and a message.

public typealias COut = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
public typealias CClient = UnsafeMutablePointer<cctap_client>

/// Runs one exported call: records the outcome for `cctap_last_error` and returns its status.
private func exported(_ body: () throws(CFailure) -> Void) -> Int32 {
    do {
        try body()
        LastError.clear()
        return Int32(CCTAP_OK.rawValue)
    } catch {
        LastError.set(error.status, error.message)
        return Int32(error.status.rawValue)
    }
}

/// What an operation does with the client's `Tap`, once its arguments were read.
typealias Work<T> = @Sendable (Tap) async throws -> T

/// Runs an operation of `client` and stores its JSON in `out`. `prepare` reads and checks the C
/// arguments on the caller's thread (before anything blocks) and returns the work to do.
private func operation<T: Encodable & Sendable>(
    _ client: CClient?, _ out: COut?, cancellable: Bool = false, _ prepare: () throws(CFailure) -> Work<T>
) -> Int32 {
    exported { () throws(CFailure) in
        let out = try CArguments.output(out)
        let work = try prepare()
        let box = try Handles.acquire(client)
        let value = try BlockingBridge.run(cancellableOn: cancellable ? box : nil, wording: box.wording) {
            try await work(box.tap)
        }
        guard let json = strdup(ResultJSON.encode(box.wording.apply(value))) else { throw CFailure(CCTAP_E_INTERNAL, "out of memory") }
        out.pointee = json
    }
}

private nonisolated(unsafe) let versionString: UnsafeMutablePointer<CChar> = strdup(CCTap.version)!  // written once, never freed

@c(cctap_version)
public func cctapVersion() -> UnsafePointer<CChar>? {
    UnsafePointer(versionString)
}

@c(cctap_status_name)
public func cctapStatusName(_ status: Int32) -> UnsafePointer<CChar>? {
    StatusNames.name(status)
}

@c(cctap_last_status)
public func cctapLastStatus() -> Int32 {
    LastError.status
}

@c(cctap_last_error)
public func cctapLastError() -> UnsafePointer<CChar>? {
    LastError.message
}

@c(cctap_string_free)
public func cctapStringFree(_ string: UnsafeMutablePointer<CChar>?) {
    free(string)
}

@c(cctap_set_log_handler)
public func cctapSetLogHandler(_ minLevel: Int32, _ function: cctap_log_fn?, _ userData: UnsafeMutableRawPointer?) -> Int32 {
    exported { () throws(CFailure) in
        guard let minimum = HostLog.level(minLevel) else {
            throw CFailure(
                CCTAP_E_INVALID_ARGUMENT,
                "min_level must be a cctap_log_level from CCTAP_LOG_TRACE (0) to CCTAP_LOG_CRITICAL (6), not \(minLevel).")
        }
        HostLog.set(function.map { HostLog.Handler(minimum: minimum, function: $0, userData: userData) })
    }
}

@c(cctap_client_new)
public func cctapClientNew(_ options: UnsafePointer<CChar>?, _ outClient: UnsafeMutablePointer<CClient?>?) -> Int32 {
    exported { () throws(CFailure) in
        guard let outClient else { throw CFailure(CCTAP_E_INVALID_ARGUMENT, "out_client is NULL.") }
        outClient.pointee = nil
        let settings = try CArguments.jsonObject(options, "options_json", limit: CArguments.optionsLimit)
        var configuration = try ClientOptions.configuration(from: settings)
        configuration.logger = HostLog.logger()
        let wording = try ClientOptions.wording(from: settings)
        outClient.pointee = Handles.make(ClientBox(tap: Tap(configuration: configuration), wording: wording))
    }
}

@c(cctap_client_free)
public func cctapClientFree(_ client: CClient?) {
    if let client { _ = Handles.free(client) }
    LastError.clear()
}

@c(cctap_client_cancel)
public func cctapClientCancel(_ client: CClient?) -> Int32 {
    exported { () throws(CFailure) in
        try Handles.acquire(client).cancelWaits()
    }
}

@c(cctap_list_sessions)
public func cctapListSessions(_ client: CClient?, _ statusFilter: UnsafePointer<CChar>?, _ out: COut?) -> Int32 {
    operation(client, out) { () throws(CFailure) -> Work<SessionList> in
        let filter = try CArguments.optionalString(statusFilter, "status_filter", limit: CArguments.shortLimit)
        return { try await $0.listSessions(status: filter) }
    }
}

@c(cctap_get_session_info)
public func cctapGetSessionInfo(_ client: CClient?, _ sessionID: UnsafePointer<CChar>?, _ out: COut?) -> Int32 {
    operation(client, out) { () throws(CFailure) -> Work<SessionInfo> in
        let id = try CArguments.string(sessionID, "session_id", limit: CArguments.idLimit)
        return { try await $0.sessionInfo(id) }
    }
}

@c(cctap_read_session)
public func cctapReadSession(_ client: CClient?, _ sessionID: UnsafePointer<CChar>?, _ lastN: Int32, _ out: COut?) -> Int32 {
    operation(client, out) { () throws(CFailure) -> Work<Transcript> in
        let id = try CArguments.string(sessionID, "session_id", limit: CArguments.idLimit)
        return { try await $0.readSession(id, lastN: Int(lastN)) }
    }
}

@c(cctap_get_session_events)
public func cctapGetSessionEvents(
    _ client: CClient?, _ sessionID: UnsafePointer<CChar>?, _ eventTypes: UnsafePointer<CChar>?, _ lastN: Int32,
    _ out: COut?
) -> Int32 {
    operation(client, out) { () throws(CFailure) -> Work<EventList> in
        let id = try CArguments.string(sessionID, "session_id", limit: CArguments.idLimit)
        let types = try CArguments.optionalString(eventTypes, "event_types", limit: CArguments.shortLimit)
        return { try await $0.events(id, typeList: types, lastN: Int(lastN)) }
    }
}

@c(cctap_send_message)
public func cctapSendMessage(
    _ client: CClient?, _ sessionID: UnsafePointer<CChar>?, _ message: UnsafePointer<CChar>?, _ out: COut?
) -> Int32 {
    operation(client, out) { () throws(CFailure) -> Work<SendResult> in
        let id = try CArguments.string(sessionID, "session_id", limit: CArguments.idLimit)
        let text = try CArguments.string(message, "message", limit: CArguments.messageLimit)
        return { try await $0.sendMessage(id, message: text) }
    }
}

@c(cctap_send_and_wait)
public func cctapSendAndWait(
    _ client: CClient?, _ sessionID: UnsafePointer<CChar>?, _ message: UnsafePointer<CChar>?, _ timeout: Double,
    _ progress: cctap_progress_fn?, _ userData: UnsafeMutableRawPointer?, _ out: COut?
) -> Int32 {
    operation(client, out, cancellable: true) { () throws(CFailure) -> Work<WaitResult> in
        let id = try CArguments.string(sessionID, "session_id", limit: CArguments.idLimit)
        let text = try CArguments.string(message, "message", limit: CArguments.messageLimit)
        let report: (@Sendable (WaitProgress) -> Void)? = ProgressCallback.make(progress, userData)
        return { try await $0.sendAndWait(id, message: text, timeout: timeout, progress: report) }
    }
}

@c(cctap_wait_for_reply)
public func cctapWaitForReply(
    _ client: CClient?, _ sessionID: UnsafePointer<CChar>?, _ cursor: UnsafePointer<CChar>?, _ timeout: Double,
    _ progress: cctap_progress_fn?, _ userData: UnsafeMutableRawPointer?, _ out: COut?
) -> Int32 {
    operation(client, out, cancellable: true) { () throws(CFailure) -> Work<WaitResult> in
        let id = try CArguments.string(sessionID, "session_id", limit: CArguments.idLimit)
        let position = try CArguments.string(cursor, "cursor", limit: 512)
        let report: (@Sendable (WaitProgress) -> Void)? = ProgressCallback.make(progress, userData)
        return { try await $0.waitForReply(id, cursor: position, timeout: timeout, progress: report) }
    }
}

@c(cctap_wait_for_attention)
public func cctapWaitForAttention(
    _ client: CClient?, _ sessionIDs: UnsafePointer<CChar>?, _ timeout: Double, _ resumeToken: UnsafePointer<CChar>?,
    _ progress: cctap_progress_fn?, _ userData: UnsafeMutableRawPointer?, _ out: COut?
) -> Int32 {
    operation(client, out, cancellable: true) { () throws(CFailure) -> Work<AttentionResult> in
        let list = try CArguments.optionalString(
            sessionIDs, "session_ids", limit: Limits.attentionSessions.upperBound * (Limits.sessionIDTextBytes + 1)) ?? ""
        let ids = list.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
        let token = try CArguments.optionalString(resumeToken, "resume_token", limit: Limits.resumeTokenBytes)
        let report: (@Sendable (AttentionProgress) -> Void)? = ProgressCallback.make(progress, userData)
        return { try await $0.waitForAttention(sessions: ids, timeout: timeout, resumeToken: token, progress: report) }
    }
}

@c(cctap_respond_to_permission)
public func cctapRespondToPermission(
    _ client: CClient?, _ sessionID: UnsafePointer<CChar>?, _ requestID: UnsafePointer<CChar>?,
    _ decision: UnsafePointer<CChar>?, _ message: UnsafePointer<CChar>?, _ updatedInput: UnsafePointer<CChar>?,
    _ out: COut?
) -> Int32 {
    operation(client, out) { () throws(CFailure) -> Work<PermissionResponseResult> in
        let id = try CArguments.string(sessionID, "session_id", limit: CArguments.idLimit)
        let request = try CArguments.string(requestID, "request_id", limit: CArguments.idLimit)
        let decisionText = try CArguments.string(decision, "decision", limit: 16).lowercased()
        // "always" is allow plus the prompt's suggestions: a new value, so the signature stays as it was.
        let always = decisionText == "always"
        guard let choice = always ? .allow : PermissionDecision(rawValue: decisionText) else {
            throw CFailure(CCTAP_E_INVALID_ARGUMENT, "decision must be \"allow\", \"deny\" or \"always\".")
        }
        let note = try CArguments.optionalString(message, "message", limit: CArguments.messageLimit)
        let input = try CArguments.jsonObject(updatedInput, "updated_input_json", limit: CArguments.updatedInputLimit)
        return {
            try await $0.respondToPermission(
                id, requestID: request, decision: choice, message: note, updatedInput: input, always: always)
        }
    }
}

@c(cctap_respond_to_input)
public func cctapRespondToInput(
    _ client: CClient?, _ sessionID: UnsafePointer<CChar>?, _ requestID: UnsafePointer<CChar>?,
    _ action: UnsafePointer<CChar>?, _ resultJSON: UnsafePointer<CChar>?, _ out: COut?
) -> Int32 {
    operation(client, out) { () throws(CFailure) -> Work<InputResponseResult> in
        let id = try CArguments.string(sessionID, "session_id", limit: CArguments.idLimit)
        let request = try CArguments.string(requestID, "request_id", limit: CArguments.idLimit)
        let actionText = try CArguments.string(action, "action", limit: 16).lowercased()
        guard let chosen = InputAction(rawValue: actionText) else {
            throw CFailure(
                CCTAP_E_INVALID_ARGUMENT,
                "action must be one of \(InputAction.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")).")
        }
        let value = try CArguments.json(resultJSON, "result_json", limit: CArguments.updatedInputLimit)
        return { try await $0.respondToInput(id, requestID: request, action: chosen, value: value) }
    }
}

@c(cctap_interrupt)
public func cctapInterrupt(_ client: CClient?, _ sessionID: UnsafePointer<CChar>?, _ out: COut?) -> Int32 {
    operation(client, out) { () throws(CFailure) -> Work<InterruptResult> in
        let id = try CArguments.string(sessionID, "session_id", limit: CArguments.idLimit)
        return { try await $0.interrupt(id) }
    }
}

@c(cctap_set_permission_mode)
public func cctapSetPermissionMode(
    _ client: CClient?, _ sessionID: UnsafePointer<CChar>?, _ mode: UnsafePointer<CChar>?, _ confirmBypass: Int32,
    _ out: COut?
) -> Int32 {
    operation(client, out) { () throws(CFailure) -> Work<SteeringResult> in
        let id = try CArguments.string(sessionID, "session_id", limit: CArguments.idLimit)
        let name = try CArguments.string(mode, "mode", limit: CArguments.shortLimit)
        return { try await $0.setPermissionMode(id, mode: name, confirmBypass: confirmBypass != 0) }
    }
}

@c(cctap_set_model)
public func cctapSetModel(_ client: CClient?, _ sessionID: UnsafePointer<CChar>?, _ model: UnsafePointer<CChar>?, _ out: COut?)
    -> Int32
{
    operation(client, out) { () throws(CFailure) -> Work<SteeringResult> in
        let id = try CArguments.string(sessionID, "session_id", limit: CArguments.idLimit)
        let name = try CArguments.string(model, "model", limit: CArguments.shortLimit)
        return { try await $0.setModel(id, model: name) }
    }
}

@c(cctap_rename_session)
public func cctapRenameSession(
    _ client: CClient?, _ sessionID: UnsafePointer<CChar>?, _ title: UnsafePointer<CChar>?, _ out: COut?
) -> Int32 {
    operation(client, out) { () throws(CFailure) -> Work<SteeringResult> in
        let id = try CArguments.string(sessionID, "session_id", limit: CArguments.idLimit)
        let text = try CArguments.string(title, "title", limit: CArguments.shortLimit)
        return { try await $0.renameSession(id, title: text) }
    }
}

@c(cctap_archive_session)
public func cctapArchiveSession(_ client: CClient?, _ sessionID: UnsafePointer<CChar>?, _ out: COut?) -> Int32 {
    operation(client, out) { () throws(CFailure) -> Work<SteeringResult> in
        let id = try CArguments.string(sessionID, "session_id", limit: CArguments.idLimit)
        return { try await $0.archiveSession(id) }
    }
}

@c(cctap_prune_sessions)
public func cctapPruneSessions(
    _ client: CClient?, _ olderThanDays: Double, _ offlineOnly: Int32, _ dryRun: Int32, _ sessionIDs: UnsafePointer<CChar>?,
    _ out: COut?
) -> Int32 {
    operation(client, out) { () throws(CFailure) -> Work<PruneResult> in
        let list = try CArguments.optionalString(sessionIDs, "session_ids", limit: CArguments.idLimit * Limits.attentionSessions.upperBound)
        let only = list.map { $0.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty } }
        return {
            try await $0.pruneSessions(olderThanDays: olderThanDays, offlineOnly: offlineOnly != 0, dryRun: dryRun != 0, only: only)
        }
    }
}

@c(cctap_mark_read)
public func cctapMarkRead(_ client: CClient?, _ sessionID: UnsafePointer<CChar>?, _ out: COut?) -> Int32 {
    operation(client, out) { () throws(CFailure) -> Work<SteeringResult> in
        let id = try CArguments.string(sessionID, "session_id", limit: CArguments.idLimit)
        return { try await $0.markRead(id) }
    }
}
