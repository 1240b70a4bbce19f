import CCTapTestFiles
import Foundation
import Testing

@testable import CCTapModel

@Suite struct CredentialTests {
    let nested = #"{"claudeAiOauth":{"accessToken":"tok-file","refreshToken":"r","expiresAt":%EXP%,"scopes":["user:inference","user:sessions:claude_code"],"subscriptionType":"max"},"mcpOAuth":{}}"#

    func resolver(_ variables: [String: String], home: String, keychain: String? = nil) -> CredentialResolver {
        CredentialResolver(host: HostEnvironment(variables: variables, homeDirectory: home, keychain: { service, account in
            service == "Claude Code-credentials" && account == "alice" ? keychain : nil
        }))
    }

    func future() -> String { String(Int64((Date().timeIntervalSince1970 + 3600) * 1000)) }

    @Test func readsClaudeCodesNestedFormat() throws {
        let home = temporaryHome()
        write(nested.replacingOccurrences(of: "%EXP%", with: future()), to: home + "/.claude/.credentials.json")
        let credential = try resolver([:], home: home).resolve()
        #expect(credential.accessToken == "tok-file")
        #expect(credential.source == .credentialsFile)
        #expect(credential.hasSessionsScope == true)
        #expect(credential.expiresAt != nil)
        #expect(!credential.description.contains("tok-file"))
    }

    @Test func readsFlatFormatAndClaudeConfigDir() throws {
        let home = temporaryHome()
        let dir = home + "/elsewhere"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        write(#"{"accessToken":"tok-flat"}"#, to: dir + "/.credentials.json")
        let credential = try resolver(["CLAUDE_CONFIG_DIR": dir], home: home).resolve()
        #expect(credential.accessToken == "tok-flat")
        #expect(credential.path == dir + "/.credentials.json")
    }

    @Test func precedenceIsEnvThenKeychainThenFileThenSetupToken() throws {
        let home = temporaryHome()
        write(nested.replacingOccurrences(of: "%EXP%", with: future()), to: home + "/.claude/.credentials.json")
        let keychain = #"{"claudeAiOauth":{"accessToken":"tok-keychain"}}"#
        let all = ["CCTAP_ACCESS_TOKEN": "tok-env", "USER": "alice", "CLAUDE_CODE_OAUTH_TOKEN": "tok-setup"]
        #expect(try resolver(all, home: home, keychain: keychain).resolve().accessToken == "tok-env")
        var noEnv = all
        noEnv["CCTAP_ACCESS_TOKEN"] = nil
        #expect(try resolver(noEnv, home: home, keychain: keychain).resolve().source == .keychain)
        #expect(try resolver(noEnv, home: home, keychain: nil).resolve().accessToken == "tok-file")
        let empty = temporaryHome()
        let setup = try resolver(noEnv, home: empty, keychain: nil).resolve()
        #expect(setup.source == .setupToken)
        #expect(setup.warnings.first?.contains("user:sessions:claude_code") == true)
    }

    @Test func expiredTokenSaysToRunClaude() throws {
        let home = temporaryHome()
        let past = String(Int64((Date().timeIntervalSince1970 - 60) * 1000))
        write(nested.replacingOccurrences(of: "%EXP%", with: past), to: home + "/.claude/.credentials.json")
        #expect {
            try resolver([:], home: home).resolve()
        } throws: { error in
            guard case .credentials(let text) = error as? TapError else { return false }
            return text.contains("expired") && text.contains("Run `claude`") && !text.contains("tok-file")
        }
    }

    @Test func missingLoginAndBrokenFileAreClearErrors() throws {
        #expect(throws: TapError.self) { try resolver([:], home: temporaryHome()).resolve() }
        let home = temporaryHome()
        write("not json", to: home + "/.claude/.credentials.json")
        #expect {
            try resolver([:], home: home).resolve()
        } throws: { error in
            (error as? TapError)?.message.contains("not valid JSON") == true
        }
    }

    @Test func worldReadableFileDrawsAWarning() throws {
        let home = temporaryHome()
        let path = home + "/.claude/.credentials.json"
        write(#"{"accessToken":"tok"}"#, to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let credential = try resolver([:], home: home).resolve()
        #expect(credential.warnings.contains { $0.contains("readable by other users") })
    }

    @Test func credentialsFileIsNeverWritten() throws {
        let home = temporaryHome()
        let path = home + "/.claude/.credentials.json"
        let text = nested.replacingOccurrences(of: "%EXP%", with: future())
        write(text, to: path)
        _ = try resolver([:], home: home).resolve()
        #expect(String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self) == text)
    }
}

/// Credentials that could not go out as a header, or files no login would be, are refused when read.
@Suite struct HostileCredentialTests {
    func resolver(_ variables: [String: String] = [:], home: String) -> CredentialResolver {
        CredentialResolver(host: HostEnvironment(variables: variables, homeDirectory: home, keychain: { _, _ in nil }))
    }

    @Test func aTokenWithALineBreakIsRefusedNamingTheFileNotTheToken() throws {
        let home = temporaryHome()
        let path = home + "/.claude/.credentials.json"
        write(#"{"claudeAiOauth":{"accessToken":"sk-ant-oat01-newline-token\n"}}"#, to: path)
        #expect {
            try resolver(home: home).resolve()
        } throws: { error in
            guard let error = error as? TapError, case .credentials(let message) = error else { return false }
            return message.contains(path) && !message.contains("newline-token") && message.contains("header")
        }
    }

    @Test func aDeviceTokenFromTheEnvironmentIsCheckedToo() throws {
        let home = temporaryHome()
        let error = #expect(throws: TapError.self) {
            try resolver(["CCTAP_ACCESS_TOKEN": "tok-env", "CCTAP_TRUSTED_DEVICE_TOKEN": "a\nb"], home: home).resolve()
        }
        #expect(error?.message.contains("CCTAP_TRUSTED_DEVICE_TOKEN") == true)
        #expect(error?.message.contains("a\nb") == false)
    }

    @Test func aHugeCredentialsFileIsNotRead() throws {
        let home = temporaryHome()
        let path = home + "/.claude/.credentials.json"
        write(#"{"claudeAiOauth":{"accessToken":"tok"},"pad":""# + String(repeating: "x", count: 2 << 20) + #""}"#, to: path)
        let error = #expect(throws: TapError.self) { try resolver(home: home).resolve() }
        #expect(error?.message.contains("not read") == true)
    }

    @Test func anExpiryBeyondAnyDateIsUnknownNotACrash() throws {
        let home = temporaryHome()
        write(#"{"claudeAiOauth":{"accessToken":"tok","expiresAt":1e300}}"#, to: home + "/.claude/.credentials.json")
        let credential = try resolver(home: home).resolve()
        #expect(credential.expiresAt == nil)
    }
}
