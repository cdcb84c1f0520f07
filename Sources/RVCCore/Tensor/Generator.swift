import CTorch

/// A seeded random-number generator on one device (owns its native handle).
public final class Generator: @unchecked Sendable {
    let handle: OpaquePointer
    /// The seed it was created with.
    public let seed: UInt64

    /// Creates a generator for `device` seeded with `seed`.
    public init(seed: UInt64, device: Device = .cpu) throws {
        var out: OpaquePointer?
        try check("Generator", ct_generator_new(seed, device.native, &out))
        guard let out else {
            throw TorchError(kind: .operationFailed, operation: "Generator", message: "no result")
        }
        handle = out
        self.seed = seed
    }

    deinit { ct_generator_free(handle) }
}
