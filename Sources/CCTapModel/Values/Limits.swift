/// Every limit on what a caller may pass, defined once. The core checks them, and the MCP tools, the C
/// library, the Python binding and the command line pass values through to it (or, for C strings,
/// read at most the bound given here before the core checks), so every surface refuses the same
/// values with the same message, the range included. Durations are `SecondsSetting`s.
public enum Limits {
    /// A session id's suffix `X` (in `session_X`, `cse_X` or bare): this many letters, digits, `_` or `-`.
    public static let sessionIDSuffix = 8...128
    /// How much of a C string a surface reads as a session id before handing it to the core.
    public static let sessionIDTextBytes = 256
    /// A cursor from a send or wait result.
    public static let cursorBytes = 512
    /// A user message, in UTF-8 bytes.
    public static let messageBytes = 256 * 1024
    /// How many entries or events a read returns (`last_n`).
    public static let lastN = 1...1000
    /// A permission prompt's `request_id`.
    public static let requestIDBytes = 256
    /// The C library's `options_json`.
    public static let optionsBytes = 64 * 1024
    /// A permission answer's `updated_input`, as JSON text.
    public static let updatedInputBytes = 1024 * 1024
    /// One phrase of a caller's own wording for next steps (the C library's `wording` option).
    public static let wordingPhraseBytes = 200
    /// A resume token of `waitForAttention`, as text.
    public static let resumeTokenBytes = 256 * 1024
    /// How many sessions one wait for attention may name (none: every live session).
    public static let attentionSessions = 0...500
    /// A session title, in UTF-8 bytes.
    public static let titleBytes = 1...500
    /// A model name, in UTF-8 bytes.
    public static let modelBytes = 1...200
    /// The permission modes a worker takes (`set_permission_mode`).
    /// The modes current CLIs take (late-2026 §7; code.claude.com/docs/en/permission-modes): whether a
    /// session's worker takes one is its own answer (acknowledged or refused), not ours.
    public static let permissionModes = ["default", "plan", "acceptEdits", "auto", "dontAsk", "bypassPermissions"]
    /// Short texts: a status filter, a list of event types.
    public static let shortTextBytes = 4096
}
