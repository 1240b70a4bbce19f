@testable import CCTapCore
import CCTapEmulator
import CCTapTestFiles
import Foundation
import Testing

/// Login and organisation handling against the emulator.
@Suite struct AuthTests {
    @Test func a401RereadsTheCredentialsFileOnce() async throws {
        var configuration = testEmulator()
        configuration.validTokens = ["token-new"]
        let home = temporaryHome()
        let path = home + "/.claude/.credentials.json"
        write(#"{"claudeAiOauth":{"accessToken":"token-old"}}"#, to: path)
        try await withEmulator(configuration, variables: ["HOME": home, "CCR_ORG_UUID": configuration.organizationUUID], tune: {
            $0.host.homeDirectory = home
        }) { (h: Harness) async throws in
            #expect(try h.tap.credential().accessToken == "token-old")
            // Claude Code refreshes the login meanwhile.
            write(#"{"claudeAiOauth":{"accessToken":"token-new"}}"#, to: path)
            #expect(try await h.tap.listSessions().count == 31)
            #expect(try h.tap.credential().accessToken == "token-new")
        }
    }

    @Test func a401ThatPersistsSaysToRunClaude() async throws {
        try await withEmulator(variables: ["CCTAP_ACCESS_TOKEN": "wrong", "CCR_ORG_UUID": EmulatorConfiguration.defaultOrganization]) { (h: Harness) async throws in
            let error = await tapError { _ = try await h.tap.listSessions() }
            #expect(error?.kind == "authentication")
            #expect(error?.message.contains("run `claude`") == true)
            #expect(error?.message.contains("wrong") == false)
        }
    }

    @Test func serverSideExpiryIsMapped() async throws {
        var configuration = testEmulator()
        configuration.expiredTokens = ["old"]
        try await withEmulator(configuration, variables: ["CCTAP_ACCESS_TOKEN": "old", "CCR_ORG_UUID": configuration.organizationUUID]) { (h: Harness) async throws in
            let error = await tapError { _ = try await h.tap.listSessions() }
            guard case .api(let details)? = error else { Issue.record("expected .api"); return }
            #expect(details.message.hasPrefix("OAuth token has expired"))
        }
    }

    @Test func organisationFromClaudeConfig() async throws {
        let home = temporaryHome()
        write(#"{"oauthAccount":{"organizationUuid":"\#(EmulatorConfiguration.defaultOrganization)"}}"#, to: home + "/.claude.json")
        try await withEmulator(variables: ["CCTAP_ACCESS_TOKEN": EmulatorConfiguration.defaultToken], tune: { $0.host.homeDirectory = home }) { (h: Harness) async throws in
            let org = try await h.tap.organization()
            #expect(org.source == .claudeConfig)
            #expect(try await h.tap.listSessions().count == 31)
        }
    }

    @Test func organisationFromProfileEndpoint() async throws {
        try await withEmulator(variables: ["CCTAP_ACCESS_TOKEN": EmulatorConfiguration.defaultToken]) { (h: Harness) async throws in
            let org = try await h.tap.organization()
            #expect(org.source == .profileEndpoint)
            #expect(org.uuid == EmulatorConfiguration.defaultOrganization)
        }
    }

    @Test func noOrganisationAnywhereIsAClearError() async throws {
        var configuration = testEmulator()
        configuration.profileAnswers = false
        try await withEmulator(configuration, variables: ["CCTAP_ACCESS_TOKEN": EmulatorConfiguration.defaultToken]) { (h: Harness) async throws in
            let error = await tapError { _ = try await h.tap.listSessions() }
            #expect(error?.kind == "organization")
            #expect(error?.message.contains("CCR_ORG_UUID") == true)
        }
    }

    @Test func envOrganisationWinsAndWrongOneIsRefused() async throws {
        try await withEmulator(variables: ["CCTAP_ACCESS_TOKEN": EmulatorConfiguration.defaultToken, "CLAUDE_CODE_ORGANIZATION_UUID": "00000000-0000-0000-0000-000000000000"]) { (h: Harness) async throws in
            #expect(try await h.tap.organization().source == .environment)
            #expect(await tapError { _ = try await h.tap.listSessions() }?.kind == "permission")
        }
    }
}
