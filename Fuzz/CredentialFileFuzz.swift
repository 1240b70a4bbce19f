// libFuzzer target for the credentials and config file readers (CredentialResolver, OrganizationResolver,
// through HostEnvironment), built by scripts/fuzz.sh from those source files under AddressSanitizer.
// Each input is written as Claude Code's `.credentials.json` and `.claude.json` in a scratch folder
// (mode 600, and every eighth input mode 644 to exercise the world-readable warning), then read the way
// cc-tap reads them at start-up, and again through the Keychain path (which parses the same text).
//
// Beyond "never crashes", it checks:
// - a token is only ever returned when the input holds it, and no error message, warning or
//   description ever contains it (errors name the file, never echo its contents);
// - reading leaves both files byte for byte as they were: the readers never write.

import Foundation

private let folder: String = {
    let path = NSTemporaryDirectory() + "cctap-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCredentialFiles(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let data = count == 0 ? Data() : Data(bytes: start!, count: count)
    let credentials = folder + "/.credentials.json"
    let config = folder + "/.claude.json"
    let mode = data.count % 8 == 7 ? 0o644 : 0o600
    for path in [credentials, config] {
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: mode]) else {
            fatalError("could not write \(path)")
        }
    }
    let text = String(decoding: data, as: UTF8.self)
    let host = HostEnvironment(variables: ["CLAUDE_CONFIG_DIR": folder, "USER": "fuzz"], homeDirectory: folder)
    let keychainHost = HostEnvironment(
        variables: ["CLAUDE_CONFIG_DIR": folder + "/none", "USER": "fuzz"], homeDirectory: folder + "/none",
        keychain: { _, _ in text })

    // Tokens the input declares (the Keychain path sees the text after lossy UTF-8 decoding).
    let declared = Set([declaredToken(data), declaredToken(Data(text.utf8))].compactMap { $0 })
    for resolver in [CredentialResolver(host: host), CredentialResolver(host: keychainHost)] {
        do {
            let credential = try resolver.resolve()
            let token = credential.accessToken
            if !declared.contains(token) { fatalError("a token the input does not declare: \(token)") }
            let shown = ([credential.description] + credential.warnings).joined(separator: "\n")
            if isSecretLike(token) && shown.contains(token) { fatalError("the token shows in: \(shown)") }
        } catch {
            for token in declared where isSecretLike(token) && error.message.contains(token) {
                fatalError("an error shows the token: \(error.message)")
            }
        }
    }
    _ = OrganizationResolver(host: host).resolveLocally()

    for path in [credentials, config] where (host.contents(ofFile: path) ?? Data([0])) != data {
        fatalError("\(path) changed while being read")
    }
    return 0
}

/// The accessToken the input declares, if it parses.
private func declaredToken(_ data: Data) -> String? {
    guard let root = JSONValue.parse(data) else { return nil }
    return (root["claudeAiOauth"]?["accessToken"] ?? root["accessToken"])?.stringValue
}

/// Real tokens start `sk-ant-`; shorter or plainer strings could match a file name in a message by chance.
private func isSecretLike(_ token: String) -> Bool { token.hasPrefix("sk-ant-") && token.count >= 12 }
