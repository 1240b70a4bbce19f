/// Where a wait resumes. The service numbers events two ways that have no known mapping to each
/// other, so a cursor remembers which one it holds and is only ever read back the same way:
/// - `seq:<n>`: after the v2 `sequence_num` n (the event stream and the v2 event list);
/// - `<event id>`: after a v1 event id (the v1 event list, `after_id`);
/// - `start`: before the first event (read with whichever numbering the configuration prefers).
public struct EventCursor: Sendable, Equatable, CustomStringConvertible {
    public enum Position: Sendable, Equatable {
        case start
        case eventID(String)
        case sequence(Int)
    }

    public var position: Position

    public init(_ position: Position) {
        self.position = position
    }

    public init(_ text: String) throws {
        let trimmed = text.trimmed
        guard !trimmed.isEmpty, trimmed.utf8.count <= Limits.cursorBytes, !trimmed.contains(where: { $0.isNewline }) else {
            throw TapError.invalidArgument(
                "'\(text.prefix(60))' is not a cursor: pass the `cursor` field of a send or wait result.")
        }
        if trimmed == "start" {
            position = .start
        } else if trimmed.hasPrefix("seq:") {
            guard let number = Int(trimmed.dropFirst(4)), number >= 0 else {
                throw TapError.invalidArgument(
                    "'\(text.prefix(60))' is not a cursor: `seq:` must be followed by a sequence number.")
            }
            position = .sequence(number)
        } else {
            position = .eventID(trimmed)
        }
    }

    /// The v1 `after_id`, nil at the start. Only meaningful for v1 cursors.
    package var eventID: String? {
        if case .eventID(let id) = position { return id }
        return nil
    }

    public var description: String {
        switch position {
        case .start: return "start"
        case .eventID(let id): return id
        case .sequence(let number): return "seq:\(number)"
        }
    }
}
