import ArgumentParser
import CCTapCore
import CCTapRendering
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `cc-tap attention`: wait until a session needs you.
struct Attention: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Wait until a session needs you: a prompt to answer, a finished turn unread, or its machine gone mid-turn.",
        discussion: """
            Returns at once when a session already needs you and --resume (the token an earlier run printed) \
            did not report it. Exits 0 with what each session waits on, or on timeout with nothing new.
            """)

    @Option(name: .customLong("session"), help: "A session to watch (repeat for more; none: every live session).")
    var sessions: [String] = []

    @Option(help: "Seconds to wait (\(Int(SecondsSetting.wait.range.upperBound)) at most).")
    var timeout = 300.0

    @Option(help: "The resume token an earlier run printed, so only what is new is reported.")
    var resume: String?

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await options.run(.cli(watching: sessions), human: Render.attention) { tap in
            try await tap.waitForAttention(sessions: sessions, timeout: timeout, resumeToken: resume)
        }
    }
}
