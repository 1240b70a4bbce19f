import Foundation

// Files for the credential tests: a home folder of their own, and files written as Claude Code
// writes them (mode 0600). (The core's suites have the same two helpers; a test target cannot share.)

func temporaryHome() -> String {
    let path = NSTemporaryDirectory() + "cctap-model-test-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path + "/.claude", withIntermediateDirectories: true)
    return path
}

func write(_ text: String, to path: String) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
}
