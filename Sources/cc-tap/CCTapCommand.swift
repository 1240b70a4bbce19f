import ArgumentParser
import CCTapCore

/// `cc-tap`: see into and talk to Claude Code Remote Control sessions from a terminal.
@main
struct CCTapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cc-tap",
        abstract: "See into and talk to Claude Code Remote Control sessions.",
        version: CCTap.version,
        subcommands: [
            Serve.self, Sessions.self, Info.self, Read.self, Send.self, Wait.self, Interrupt.self, Respond.self, RespondInput.self, Attention.self, Mode.self, Model.self, Rename.self,
            Archive.self, Prune.self, MarkRead.self, Watch.self, Doctor.self, Probe.self, Demo.self, ToolsCommand.self],
        defaultSubcommand: Serve.self)
}
