import ArgumentParser
import CCTapCore
import CCTapRendering
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

/// `cc-tap mode`: change how a session asks before using tools.
struct Mode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set a session's permission mode: default, plan, acceptEdits, auto, dontAsk or bypassPermissions.")

    @Argument(help: "Session id.")
    var id: String

    @Argument(
        help: """
            default, plan, acceptEdits, auto (a second model reviews each action), dontAsk (what would ask is denied) \
            or bypassPermissions.
            """)
    var mode: String

    @Flag(help: "Confirm bypassPermissions: the session then runs every tool without asking anyone.")
    var confirmBypass = false

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await options.run(session: id, human: Render.steering) { tap in try await tap.setPermissionMode(id, mode: mode, confirmBypass: confirmBypass) }
    }
}

/// `cc-tap model`: switch a session's worker to another model.
struct Model: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Switch a session's worker to another model.")

    @Argument(help: "Session id.")
    var id: String

    @Argument(help: "The model name, e.g. claude-opus-4-8.")
    var model: String

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await options.run(session: id, human: Render.steering) { tap in try await tap.setModel(id, model: model) }
    }
}

/// `cc-tap rename`: give a session a new title.
struct Rename: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Give a session a new title.")

    @Argument(help: "Session id.")
    var id: String

    @Argument(help: "The new title.")
    var title: String

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await options.run(session: id, human: Render.steering) { tap in try await tap.renameSession(id, title: title) }
    }
}

/// `cc-tap archive`: archive a session.
struct Archive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Archive a session (it leaves the active list; its history stays readable).")

    @Argument(help: "Session id.")
    var id: String

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await options.run(session: id, human: Render.steering) { tap in try await tap.archiveSession(id) }
    }
}

/// `cc-tap prune`: archive the sessions nobody has used for a while.
struct Prune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Archive active sessions idle for more than --older-than days (never one on a turn).",
        discussion: """
            Without --yes or --dry-run it lists what would go and asks on a terminal; it refuses when not on \
            one. Archived sessions leave the list; their history stays readable.
            """)

    @Option(help: "Days without activity (1..3650).")
    var olderThan: Double

    @Flag(help: "Only sessions whose machine is disconnected.")
    var offlineOnly = false

    @Flag(help: "List what would be archived; archive nothing.")
    var dryRun = false

    @Flag(help: "Archive without asking.")
    var yes = false

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if dryRun && yes { throw ValidationError("Give --dry-run or --yes, not both.") }
    }

    func run() async throws {
        let tap = try await reportingErrors { try options.makeTap() }
        let preview = try await reportingErrors {
            try await tap.pruneSessions(olderThanDays: olderThan, offlineOnly: offlineOnly, dryRun: true)
        }
        if dryRun || preview.sessions.isEmpty {
            Output.emit(preview, json: options.json, human: Render.prune)
            return
        }
        if !yes {
            guard isatty(STDIN_FILENO) == 1, isatty(STDERR_FILENO) == 1 else {
                Output.error(
                    "cc-tap: prune would archive \(preview.sessions.count) session(s); not on a terminal to ask, so nothing "
                        + "was archived. Run it with --dry-run to see them, or --yes to archive them.")
                throw ExitCode(2)
            }
            Output.error(Render.prune(preview))
            writeAll("Archive these \(preview.sessions.count) session(s)? [y/N] ", to: STDERR_FILENO)
            guard let reply = readLine(), ["y", "yes"].contains(reply.trimmed.lowercased()) else {
                Output.error("Nothing was archived.")
                throw ExitCode(1)
            }
        }
        let result = try await reportingErrors {
            // Exactly the sessions shown and agreed to: one that turned stale meanwhile waits for the next run.
            try await tap.pruneSessions(
                olderThanDays: olderThan, offlineOnly: offlineOnly, dryRun: false, only: preview.sessions.map(\.id))
        }
        Output.emit(result, json: options.json, human: Render.prune)
        if result.failed > 0 { throw ExitCode(1) }
    }
}

/// `cc-tap mark-read`: mark a session read.
struct MarkRead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mark-read", abstract: "Mark a session read.")

    @Argument(help: "Session id.")
    var id: String

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await options.run(session: id, human: Render.steering) { tap in try await tap.markRead(id) }
    }
}
