/// How cc-tap makes sure a user message was stored exactly once when the answer to its POST leaves
/// that open (a 5xx, a reset, a timeout, or a 2xx whose body does not name it).
///
/// Whether the service drops a repeated `uuid` is unknown (PROTOCOL.md §7), and a gateway that gives
/// up (504) may leave the request running behind it, storing the message seconds later. So before
/// any POST is repeated, the message's `uuid` is looked for among the session's events over a
/// window long enough for such a late store, and only a message seen there (or named by the answer)
/// counts as sent.
public enum StoreConfirmation {
    /// The pauses before each look: the first at once, then backing off. 6 s in all, twice the
    /// longest late store seen in tests of a gateway timeout (0.5 to 3 s).
    public static let pauses: [Double] = [0, 0.25, 0.5, 1, 2, 2.25]

    /// How long a message is looked for, in seconds.
    public static var window: Double { pauses.reduce(0, +) }

    /// Whether a 2xx answer names the message: its `uuid` as a string anywhere in the body. The body's
    /// shape is not established (PROTOCOL.md §7), so nothing else in it is taken as proof.
    public static func answerNames(_ uuid: String, _ body: JSONValue?) -> Bool {
        guard let body else { return false }
        switch body {
        case .string(let text): return text == uuid
        case .array(let items): return items.contains { answerNames(uuid, $0) }
        case .object(let members): return members.values.contains { answerNames(uuid, $0) }
        default: return false
        }
    }
}
