import ArgumentParser
import CCTapCore
import CCTapMCP
import Foundation

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
        let tap = try options.makeTap()
        let result = try await reportingErrors { try await tap.setPermissionMode(id, mode: mode, confirmBypass: confirmBypass) }
        Output.emit(result, json: options.json, human: Render.steering)
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
        let tap = try options.makeTap()
        let result = try await reportingErrors { try await tap.setModel(id, model: model) }
        Output.emit(result, json: options.json, human: Render.steering)
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
        let tap = try options.makeTap()
        let result = try await reportingErrors { try await tap.renameSession(id, title: title) }
        Output.emit(result, json: options.json, human: Render.steering)
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
        let tap = try options.makeTap()
        let result = try await reportingErrors { try await tap.archiveSession(id) }
        Output.emit(result, json: options.json, human: Render.steering)
    }
}

/// `cc-tap mark-read`: mark a session read.
struct MarkRead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mark-read", abstract: "Mark a session read.")

    @Argument(help: "Session id.")
    var id: String

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let tap = try options.makeTap()
        let result = try await reportingErrors { try await tap.markRead(id) }
        Output.emit(result, json: options.json, human: Render.steering)
    }
}
