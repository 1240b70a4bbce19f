import CCTapCore
import CCTapEmulator
import Foundation
import Testing

/// Durations are checked by one rule (`SecondsSetting`) whichever way they are given.
@Suite struct ConfigurationTests {
    func configuration(_ variables: [String: String]) throws -> TapConfiguration {
        try TapConfiguration.fromEnvironment(HostEnvironment(variables: variables, homeDirectory: "/nonexistent"))
    }

    /// The text of the invalid-argument error `body` throws (nil if it throws nothing).
    func message(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let error as TapError {
            guard case .invalidArgument(let text) = error else { return "not an invalid argument: \(error)" }
            return text
        } catch {
            return "not a TapError: \(error)"
        }
    }

    /// Claude Desktop passes an extension setting nobody filled in as its literal placeholder: that is
    /// no setting (the default), not a bad value that stops the server.
    @Test func anUnfilledExtensionPlaceholderIsNoSetting() async throws {
        let unfilled = try configuration([
            "CCTAP_PRESENCE": "${user_config.presence}", "CCTAP_LOG": "${user_config.log_level}",
            "CCTAP_POLL_INTERVAL": "${user_config.poll}",
        ])
        #expect(unfilled.presence == false && unfilled.pollInterval == 1)
        #expect(try configuration(["CCTAP_PRESENCE": "true"]).presence == true)
        let host = HostEnvironment(
            variables: ["CCTAP_TRUSTED_DEVICE_TOKEN": "${user_config.trusted_device_token}", "X": "${HOME}"], homeDirectory: "/nonexistent")
        #expect(host.value("CCTAP_TRUSTED_DEVICE_TOKEN") == nil)
        // Only the extension's own form counts: any other text is a value, checked as before.
        #expect(host.value("X") == "${HOME}")
        #expect(await message { _ = try configuration(["CCTAP_PRESENCE": "${user_config.presence"]) } != nil)
    }

    @Test func durationsFromTheEnvironment() async throws {
        let set = try configuration(["CCTAP_POLL_INTERVAL": "0.2", "CCTAP_REQUEST_TIMEOUT": "2.5"])
        #expect(set.pollInterval == 0.2)
        // One timeout for reads and posts alike.
        #expect(set.requestTimeout == 2.5 && set.sendTimeout == 2.5)
        // Unset and empty both mean the defaults.
        for unset in [try configuration([:]), try configuration(["CCTAP_REQUEST_TIMEOUT": "", "CCTAP_POLL_INTERVAL": ""])] {
            #expect(unset.requestTimeout == 30 && unset.sendTimeout == 35 && unset.pollInterval == 1)
        }

        for bad in ["0", "601", "abc", "nan", "inf", "1e999", "-5"] {
            #expect(
                await message { _ = try configuration(["CCTAP_REQUEST_TIMEOUT": bad]) }
                    == "CCTAP_REQUEST_TIMEOUT must be a number of seconds from 0.1 to 600 (got \(bad)).")
        }
        #expect(
            await message { _ = try configuration(["CCTAP_POLL_INTERVAL": "0.01"]) }
                == "CCTAP_POLL_INTERVAL must be a number of seconds from 0.05 to 60 (got 0.01).")
        // Whatever was given is echoed shortened: it may be anything.
        let long = String(repeating: "9", count: 500)
        #expect(await message { _ = try configuration(["CCTAP_POLL_INTERVAL": long]) }?.count ?? 0 < 120)
    }

    @Test func waitArgumentsFollowTheSameRule() async throws {
        try await withEmulator { (h: Harness) async throws in
            let cursor = try await h.tap.latestCursor(Seed.demo)
            let events = await h.store.eventCount(Seed.demo)
            #expect(
                await message { _ = try await h.tap.waitForReply(Seed.demo, cursor: cursor, timeout: 3601) }
                    == "timeout must be a number of seconds from 0 to 3600 (got 3601).")
            #expect(
                await message { _ = try await h.tap.waitForReply(Seed.demo, cursor: cursor, timeout: 1, pollInterval: 0) }
                    == "poll_interval must be a number of seconds from 0.05 to 60 (got 0).")
            #expect(
                await message { _ = try await h.tap.sendAndWait(Seed.demo, message: "hi", timeout: .nan) }
                    == "timeout must be a number of seconds from 0 to 3600 (got nan).")
            // Nothing was sent by the refused call.
            #expect(await h.store.eventCount(Seed.demo) == events)
        }
    }
}
