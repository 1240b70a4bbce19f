import ArgumentParser
import CCTapCore
import CCTapEmulator
import Foundation

/// `cc-tap demo`: a guided tour against the embedded emulator, no account needed.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tour cc-tap against a built-in emulator of the API (offline, no login needed).")

    @Option(help: "Seconds between the emulated worker's events (slower is easier to follow).")
    var step = 0.2

    @Flag(help: "Log requests to stderr.")
    var verbose = false

    func run() async throws {
        var emulatorConfiguration = EmulatorConfiguration()
        emulatorConfiguration.workerStepSeconds = step
        let emulator = Emulator(configuration: emulatorConfiguration)
        let port = try await emulator.start()
        // The demo goes through the same configuration path as real use, with the emulator's login.
        let host = HostEnvironment(
            variables: [
                "CCTAP_BASE_URL": "http://127.0.0.1:\(port)",
                "CCTAP_ACCESS_TOKEN": EmulatorConfiguration.defaultToken,
                "CCR_ORG_UUID": emulatorConfiguration.organizationUUID,
            ], homeDirectory: NSTemporaryDirectory())
        var configuration = try TapConfiguration.fromEnvironment(host)
        configuration.pollInterval = 0.2
        configuration.logger = Output.logger(verbose: verbose)
        let tap = Tap(configuration: configuration)

        func heading(_ number: Int, _ text: String, _ command: String) {
            Output.print("\n━━ \(number). \(text)\n   (\(command))\n")
        }
        do {
            Output.print("cc-tap \(CCTap.version) demo: an emulated Remote Control API is serving on http://127.0.0.1:\(port)")

            heading(1, "Every session on the account, across all pages", "cc-tap sessions / MCP list_sessions")
            let list = try await tap.listSessions(status: "active")
            Output.print(Render.sessions(list))

            heading(2, "The newest entries of one conversation", "cc-tap read \(Seed.demo) / MCP read_session")
            Output.print(Render.transcript(try await tap.readSession(Seed.demo, lastN: 10)))

            heading(3, "Send a message and wait for the reply", "cc-tap send ID MESSAGE --wait / MCP send_and_wait")
            let message = "Hello from the cc-tap demo! What did you change?"
            Output.print("you → \(message)\n")
            let reply = try await tap.sendAndWait(Seed.demo, message: message, timeout: 30)
            Output.print(Render.wait(reply))

            heading(4, "A turn that needs permission, answered from here", "MCP send_and_wait → respond_to_permission → wait_for_reply")
            let ask = "run git status"
            Output.print("you → \(ask)\n")
            let asked = try await tap.sendAndWait(Seed.demo, message: ask, timeout: 30)
            Output.print(Render.wait(asked))
            guard asked.status == .waitingForPermission, let request = asked.pendingPermissions.first else {
                Output.error("cc-tap demo: expected a permission prompt, got \(asked.status.rawValue)")
                throw ExitCode(1)
            }
            Output.print("\nallowing \(request.toolName) (request_id \(request.requestID), tool_use_id \(request.toolUseID ?? "-")) …")
            _ = try await tap.respondToPermission(Seed.demo, requestID: request.requestID, decision: .allow)
            let finished = try await tap.waitForReply(Seed.demo, cursor: asked.cursor, timeout: 30)
            Output.print(Render.wait(finished))

            heading(5, "The conversation now", "cc-tap read \(Seed.demo) --last 8")
            Output.print(Render.transcript(try await tap.readSession(Seed.demo, lastN: 8)))
            Output.print("\nDone. Point cc-tap at the real service by unsetting CCTAP_BASE_URL; see README.md.")
        } catch let error as TapError {
            Output.error("cc-tap demo: \(error.message)")
            await emulator.stop()
            throw ExitCode(1)
        }
        await emulator.stop()
    }
}
