import ArgumentParser
import CCTapCore
import CCTapRendering

/// `cc-tap sessions`: the account's sessions.
struct Sessions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List sessions.")

    @Option(help: "Only sessions with this status: active (not archived), running, idle, requires_action, archived, or needs_attention.")
    var status: String?

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await options.run(human: Render.sessions) { tap in try await tap.listSessions(status: status) }
    }
}

/// `cc-tap info`: one session's state and any prompt it waits on.
struct Info: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one session: its state and any prompt it waits on.")

    @Argument(help: "Session id (session_..., cse_... or the bare suffix).")
    var id: String

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await options.run(session: id, human: Render.sessionInfo) { tap in try await tap.sessionInfo(id) }
    }
}

/// `cc-tap read`: the newest entries of a session's conversation.
struct Read: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the newest entries of a session's conversation.")

    @Argument(help: "Session id (session_..., cse_... or the bare suffix).")
    var id: String

    @Option(help: "How many entries to show.")
    var last = 20

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await options.run(session: id, human: Render.transcript) { tap in try await tap.readSession(id, lastN: last) }
    }
}
