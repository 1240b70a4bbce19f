import CCTapABI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The calling thread's last status and message (`cctap_last_status`, `cctap_last_error`).
///
/// Kept in a pthread key whose destructor frees it, so a thread that exits leaks nothing. The
/// message is a C string the library owns until the thread's next call.
enum LastError {
    private final class Slot {
        var status: Int32 = 0
        var message: UnsafeMutablePointer<CChar>? = nil
        deinit { free(message) }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            Unmanaged<Slot>.fromOpaque(UnsafeRawPointer(pointer)).release()
        }
        return key
    }()

    private static var slot: Slot {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<Slot>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
        }
        let slot = Slot()
        pthread_setspecific(key, Unmanaged.passRetained(slot).toOpaque())
        return slot
    }

    static func set(_ status: cctap_status, _ message: String) {
        let slot = slot
        free(slot.message)
        slot.message = strdup(message)
        slot.status = Int32(status.rawValue)
    }

    static func clear() {
        let slot = slot
        free(slot.message)
        slot.message = nil
        slot.status = Int32(CCTAP_OK.rawValue)
    }

    static var status: Int32 { slot.status }

    private nonisolated(unsafe) static let empty: UnsafeMutablePointer<CChar> = strdup("")!
    static var message: UnsafePointer<CChar> { UnsafePointer(slot.message ?? empty) }
}
