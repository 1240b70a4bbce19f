import CCTapABI
import Synchronization

/// The live handles, by address. A handle is valid only while its address is in this set, so a
/// freed or foreign pointer is recognised without ever being dereferenced.
enum Handles {
    private static let live = Mutex<Set<UInt>>([])

    static func make(_ box: ClientBox) -> UnsafeMutablePointer<cctap_client> {
        let handle = UnsafeMutablePointer<cctap_client>.allocate(capacity: 1)
        handle.initialize(to: cctap_client(box: Unmanaged.passRetained(box).toOpaque(), magic: CCTAP_CLIENT_MAGIC))
        let address = UInt(bitPattern: handle)
        _ = live.withLock { $0.insert(address) }
        return handle
    }

    /// The client behind a handle, retained by the caller for the duration of its call.
    static func acquire(_ handle: UnsafeMutablePointer<cctap_client>?) throws(CFailure) -> ClientBox {
        guard let handle else { throw CFailure(CCTAP_E_INVALID_HANDLE, "client is NULL; create one with cctap_client_new().") }
        let address = UInt(bitPattern: handle)
        // Read the box's address under the lock (so a concurrent free cannot interleave) and retain it.
        let boxAddress: UInt = live.withLock { set in
            guard set.contains(address), let pointer = UnsafeMutablePointer<cctap_client>(bitPattern: address),
                pointer.pointee.magic == CCTAP_CLIENT_MAGIC, let raw = pointer.pointee.box
            else { return 0 }
            _ = Unmanaged<ClientBox>.fromOpaque(raw).retain()
            return UInt(bitPattern: raw)
        }
        guard let raw = UnsafeRawPointer(bitPattern: boxAddress) else {
            throw CFailure(CCTAP_E_INVALID_HANDLE, "client is not a live handle: it was freed, or not made by cctap_client_new().")
        }
        return Unmanaged<ClientBox>.fromOpaque(raw).takeRetainedValue()
    }

    /// Invalidates and releases a handle; false when it was not live (a double free is ignored).
    static func free(_ handle: UnsafeMutablePointer<cctap_client>) -> Bool {
        let address = UInt(bitPattern: handle)
        let boxAddress: UInt = live.withLock { set in
            guard set.remove(address) != nil, let pointer = UnsafeMutablePointer<cctap_client>(bitPattern: address) else {
                return 0
            }
            let box = pointer.pointee.box
            pointer.pointee.magic = 0
            pointer.pointee.box = nil
            return UInt(bitPattern: box)
        }
        guard let raw = UnsafeRawPointer(bitPattern: boxAddress) else { return false }
        Unmanaged<ClientBox>.fromOpaque(raw).release()
        handle.deinitialize(count: 1)
        handle.deallocate()
        return true
    }
}
