import CTorch

extension Tensor {
    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let dims = shape.map(Int64.init)
        return try make("zeros") { out in
            dims.withUnsafeBufferPointer { ct_zeros($0.baseAddress, Int32($0.count), dtype.native, device.native, out) }
        }
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let dims = shape.map(Int64.init)
        return try make("ones") { out in
            dims.withUnsafeBufferPointer { ct_ones($0.baseAddress, Int32($0.count), dtype.native, device.native, out) }
        }
    }

    /// A tensor filled with `value`.
    public static func full(_ shape: [Int], value: Double, dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let dims = shape.map(Int64.init)
        return try make("full") { out in
            dims.withUnsafeBufferPointer {
                ct_full($0.baseAddress, Int32($0.count), value, dtype.native, device.native, out)
            }
        }
    }

    /// Values start, start+step, ... below end.
    public static func arange(_ start: Double, _ end: Double, step: Double = 1, dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        try make("arange") { ct_arange(start, end, step, dtype.native, device.native, $0) }
    }

    /// The periodic Hann window (`torch.hann_window`).
    public static func hannWindow(_ length: Int, dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        try make("hann_window") { ct_hann_window(Int64(length), dtype.native, device.native, $0) }
    }

    /// Standard-normal samples from `generator` (the default generator when nil).
    public static func randn(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu, generator: Generator? = nil) throws -> Tensor {
        try sampled("randn", shape, dtype: dtype, device: device, generator: generator, ct_randn)
    }

    /// Uniform samples in [0, 1) from `generator` (the default generator when nil).
    public static func rand(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu, generator: Generator? = nil) throws -> Tensor {
        try sampled("rand", shape, dtype: dtype, device: device, generator: generator, ct_rand)
    }

    /// Samples of `shape` drawn by `sample` (`ct_randn` or `ct_rand`, which share a signature).
    private static func sampled(
        _ operation: String, _ shape: [Int], dtype: DType, device: Device, generator: Generator?,
        _ sample: (UnsafePointer<Int64>?, Int32, CTDType, CTDevice, OpaquePointer?, UnsafeMutablePointer<OpaquePointer?>?) -> CTStatus
    ) throws -> Tensor {
        let dims = shape.map(Int64.init)
        return try withExtendedLifetime(generator) {
            try make(operation) { out in
                dims.withUnsafeBufferPointer {
                    sample($0.baseAddress, Int32($0.count), dtype.native, device.native, generator?.handle, out)
                }
            }
        }
    }
}
