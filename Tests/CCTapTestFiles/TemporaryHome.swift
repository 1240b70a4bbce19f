import Foundation

// Files for tests of credentials and settings, shared by the model's and the core's suites (a
// target of its own, Foundation only, so the model's suites stay free of the emulator).

/// A fresh home folder with an empty `.claude` in it.
public func temporaryHome() -> String {
    let path = NSTemporaryDirectory() + "cctap-test-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path + "/.claude", withIntermediateDirectories: true)
    return path
}

/// Writes `text` to `path` as Claude Code writes its credentials: readable by the owner only (0600).
public func write(_ text: String, to path: String) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
}
