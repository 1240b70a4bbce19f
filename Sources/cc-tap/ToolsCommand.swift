import ArgumentParser
import CCTapMCP
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `cc-tap tools`: what the MCP server offers, for people and for the README.
struct ToolsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools", abstract: "List the MCP tools this server offers.")

    @Flag(help: "Print the README's markdown table.")
    var markdown = false

    func run() throws {
        if markdown {
            Output.print(ToolRegistry.markdownTable())
        } else {
            for tool in ToolRegistry.tools {
                Output.print("\(tool.name): \(tool.title ?? "")")
            }
        }
    }
}
