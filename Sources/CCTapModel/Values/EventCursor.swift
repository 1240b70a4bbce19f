/// Where a wait resumes. The service numbers events two ways that have no known mapping to each
/// other, so a cursor remembers which one it holds and is only ever read back the same way:
/// - `seq:<n>`: after the v2 `sequence_num` n (the event stream and the v2 event list);
/// - `<event id>`: after a v1 event id (the v1 event list, `after_id`);
/// - `start`: before the first event (read with whichever numbering the configuration prefers).
///
/// A send's cursor also names its message (`,msg=<uuid>,ahead=<n>,running=<0|1>`): the wait then
/// ends only on the turn that takes that message up, with the worker's queue as it stood when the
/// message was stored (`TurnLedger`). Commas, not semicolons: a cursor is pasted into shells. Anything
/// else is refused before a request is made.
public struct EventCursor: Sendable, Equatable, CustomStringConvertible {
    public enum Position: Sendable, Equatable {
        case start
        case eventID(String)
        case sequence(Int)
    }

    /// The message a send's cursor waits on, and the worker's queue when it was stored.
    public struct MessageTie: Sendable, Equatable {
        public var uuid: String
        /// Prompts queued ahead of it at the cursor (stored, not yet taken up by a turn).
        public var ahead: Int
        /// Whether a turn was running at the cursor.
        public var running: Bool

        public init(uuid: String, ahead: Int, running: Bool) {
            self.uuid = uuid
            self.ahead = ahead
            self.running = running
        }
    }

    public var position: Position
    public var tie: MessageTie?

    public init(_ position: Position, tie: MessageTie? = nil) {
        self.position = position
        self.tie = tie
    }

    /// What a cursor looks like, for the error that refuses one.
    public static let shapes =
        "a cursor is `start`, `seq:<n>` or an event id such as `sevt_0123`, optionally followed by "
        + "`,msg=<uuid>,ahead=<n>,running=<0|1>`; pass the `cursor` field of a send or wait result as it is"

    public init(_ text: String) throws {
        let trimmed = text.trimmed
        let shown = "'\(TerminalText.safe(String(text.prefix(60))))'"
        guard !trimmed.isEmpty, trimmed.utf8.count <= Limits.cursorBytes else {
            throw TapError.invalidArgument("\(shown) is not a cursor: \(Self.shapes).")
        }
        var parts = trimmed.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let head = parts.removeFirst()
        if head == "start" {
            position = .start
        } else if head.hasPrefix("seq:") {
            guard let number = Int(head.dropFirst(4)), number >= 0, head.dropFirst(4).allSatisfy(\.isASCIIDigit) else {
                throw TapError.invalidArgument(
                    "\(shown) is not a cursor: `seq:` must be followed by a sequence number; \(Self.shapes).")
            }
            position = .sequence(number)
        } else if let id = Self.eventID(head) {
            position = .eventID(id)
        } else {
            throw TapError.invalidArgument("\(shown) is not a cursor: \(Self.shapes).")
        }
        tie = nil
        guard !parts.isEmpty else { return }
        var fields: [String: String] = [:]
        for part in parts {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, fields[pair[0]] == nil else {
                throw TapError.invalidArgument("\(shown) is not a cursor: \(Self.shapes).")
            }
            fields[pair[0]] = pair[1]
        }
        guard fields.count == 3, let uuid = fields["msg"], Self.isMessageUUID(uuid),
            let aheadText = fields["ahead"], let ahead = Int(aheadText), ahead >= 0, ahead <= Limits.cursorBytes,
            let running = fields["running"], running == "0" || running == "1"
        else {
            throw TapError.invalidArgument("\(shown) is not a cursor: \(Self.shapes).")
        }
        tie = MessageTie(uuid: uuid, ahead: ahead, running: running == "1")
    }

    /// A v1 event id as the list hands them out (opaque, but a token with a digit or a separator in
    /// it: `sevt_000012`), or one written `id:<event id>`. A word such as `bogus` is not one.
    private static func eventID(_ text: String) -> String? {
        let id = text.hasPrefix("id:") ? String(text.dropFirst(3)) : text
        let allowed = id.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "_-.:".unicodeScalars.contains($0)
        }
        guard allowed, id.count >= 4, id.contains(where: { $0.isASCIIDigit || "_-.:".contains($0) }) else { return nil }
        return id
    }

    private static func isMessageUUID(_ text: String) -> Bool {
        (8...64).contains(text.count) && text.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || $0 == "-" }
    }

    /// The v1 `after_id`, nil at the start. Only meaningful for v1 cursors.
    package var eventID: String? {
        if case .eventID(let id) = position { return id }
        return nil
    }

    /// The cursor as text; the position alone (`positionText`) when it names no message.
    public var description: String {
        guard let tie else { return positionText }
        return "\(positionText),msg=\(tie.uuid),ahead=\(tie.ahead),running=\(tie.running ? 1 : 0)"
    }

    public var positionText: String {
        switch position {
        case .start: return "start"
        // An id that would read back as something else (`seq:4`, written `id:seq:4`) keeps its `id:`.
        case .eventID(let id): return Self.eventID(id) == id && !id.hasPrefix("seq:") ? id : "id:" + id
        case .sequence(let number): return "seq:\(number)"
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
