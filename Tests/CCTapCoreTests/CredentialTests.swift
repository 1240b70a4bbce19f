import Foundation
import Testing

@testable import CCTapCore

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

@Suite struct InputValidationTests {
    @Test func sessionIDForms() throws {
        #expect(try SessionID("session_01ABCdef_-9").suffix == "01ABCdef_-9")
        #expect(try SessionID("cse_01ABCdef_-9").compat == "session_01ABCdef_-9")
        #expect(try SessionID("01ABCdef_-9").infra == "cse_01ABCdef_-9")
        for bad in ["", "short", "session_../../etc", "abc?x=1&y=2", "abcdefgh/..", String(repeating: "a", count: 129), "ünïcödé1234"] {
            #expect(throws: TapError.self) { try SessionID(bad) }
        }
    }

    @Test func plainHTTPOnlyOnLoopback() throws {
        #expect(throws: Never.self) { try TapConfiguration.checkedBaseURL("http://127.0.0.1:8080") }
        #expect(throws: Never.self) { try TapConfiguration.checkedBaseURL("http://localhost:1") }
        #expect(throws: Never.self) { try TapConfiguration.checkedBaseURL("https://api.anthropic.com/") }
        #expect(throws: TapError.self) { try TapConfiguration.checkedBaseURL("http://api.anthropic.com") }
        #expect(throws: TapError.self) { try TapConfiguration.checkedBaseURL("http://10.0.0.1") }
        #expect(throws: TapError.self) { try TapConfiguration.checkedBaseURL("ftp://x") }
    }

    @Test func queryValuesArePercentEncoded() {
        #expect(HTTPTransport.percentEncode("a&b=c/../d?e") == "a%26b%3Dc%2F..%2Fd%3Fe")
    }

    @Test func jsonValueKeepsTypes() throws {
        let text = #"{"a":1,"b":true,"c":1.5,"d":null,"e":[1,"x"],"f":{"g":"h"},"big":9007199254740993}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(value["a"] == .int(1))
        #expect(value["b"] == .bool(true))
        #expect(value["c"] == .double(1.5))
        #expect(value["d"] == .null)
        #expect(value["big"] == .int(9007199254740993))
        #expect(value.jsonText() == #"{"a":1,"b":true,"big":9007199254740993,"c":1.5,"d":null,"e":[1,"x"],"f":{"g":"h"}}"#)
    }

    @Test func errorBodiesAreMapped() {
        var buffer = ByteBuffer()
        buffer.writeString(#"{"type":"error","error":{"type":"not_found_error","message":"Session not found"},"request_id":"req_1"}"#)
        let details = HTTPTransport.errorDetails(status: 404, headers: [:], body: buffer, route: "GET /v1/sessions/x")
        #expect(details.type == "not_found_error")
        #expect(details.requestID == "req_1")
        #expect(TapError.api(details).kind == "not_found")
    }
}

import NIOCore
