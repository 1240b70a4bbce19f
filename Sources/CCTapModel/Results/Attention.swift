/// Why a session needs its user (PROTOCOL.md §13). Read from the session object alone, so
/// the list, the account watch and a poll all agree without reading any events.
public enum AttentionReason: String, Codable, Sendable, CaseIterable {
    /// The worker is blocked on a tool-permission prompt (`worker_status` requires_action, or a
    /// `pending_action` naming a permission).
    case permission
    /// The worker is blocked on another request only the person can answer (a dialog, an
    /// elicitation): `requires_action` with a `pending_action` that is not a permission.
    case input
    /// A turn ended and nobody has read its result yet (`unread`, the worker idle).
    case unreadResult = "unread_result"
    /// The machine running the session dropped its connection during a turn.
    case disconnected

    /// The reason `session` needs its user now, most pressing first; nil when it does not.
    package static func of(_ session: SessionSummary) -> AttentionReason? {
        guard session.status != "archived" else { return nil }
        if session.workerStatus == "requires_action" || session.pendingAction != nil {
            return isPermission(session.pendingAction) ? .permission : .input
        }
        if session.connectionStatus == "disconnected" && session.isTurnRunning { return .disconnected }
        if session.unread == true && !session.isTurnRunning { return .unreadResult }
        return nil
    }

    /// A `pending_action` names a permission prompt, or says too little to tell (its inner shape is
    /// not known from any capture, so an unclear one counts as the common case, a permission).
    private static func isPermission(_ action: JSONValue?) -> Bool {
        guard let action, action.objectValue != nil else { return true }
        let kind = (action["type"] ?? action["kind"] ?? action["subtype"])?.stringValue
        guard let kind else { return action["tool_name"] != nil || action["request_id"] != nil }
        return ["permission", "can_use_tool", "tool_permission", "tool_use"].contains(kind)
    }

    /// Identifies one occasion of needing attention, so the same prompt or the same unread result
    /// is reported once, and a new one after it is reported again.
    package static func occasion(_ session: SessionSummary) -> String? {
        guard let reason = of(session) else { return nil }
        let bare = SessionBoard.key(session.id)
        let marker: String
        switch reason {
        case .permission, .input:
            marker = session.pendingAction?["request_id"]?.stringValue ?? session.lastEventAt ?? session.updatedAt ?? ""
        case .unreadResult, .disconnected:
            marker = session.lastEventAt ?? session.updatedAt ?? ""
        }
        return "\(bare)|\(reason.rawValue)|\(marker)"
    }
}
