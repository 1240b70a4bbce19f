import CCTapABI
import CCTapCore

/// Wraps a C progress callback and its user data for the core's progress closure.
enum ProgressCallback {
    /// The C pointer is opaque to us: we only hand it back to the caller's function.
    private struct UserData: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer?
    }

    static func make<Progress: Encodable & Sendable>(_ function: cctap_progress_fn?, _ userData: UnsafeMutableRawPointer?)
        -> (@Sendable (Progress) -> Void)?
    {
        guard let function else { return nil }
        let data = UserData(pointer: userData)
        return { progress in
            ResultJSON.encode(progress).withCString { function($0, data.pointer) }
        }
    }
}
