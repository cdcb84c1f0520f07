import CTorch

/// An n-dimensional array held by LibTorch.
///
/// A `Tensor` owns exactly one native handle and frees it when the last Swift reference goes
/// away. Tensors are immutable from Swift's point of view (every operation returns a new tensor;
/// the few in-place methods say so), which is what makes them `Sendable`. Every failing operation
/// throws ``TorchError`` with LibTorch's message; nothing here traps on bad input.
public final class Tensor: @unchecked Sendable {
    let handle: OpaquePointer

    /// Takes ownership of a handle returned by CTorch.
    init(owning handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        ct_free(handle)
    }

    /// Runs a CTorch call that writes one output handle.
    static func make(
        _ operation: @autoclosure () -> String,
        _ body: (UnsafeMutablePointer<OpaquePointer?>) -> CTStatus
    ) throws -> Tensor {
        var out: OpaquePointer?
        try check(operation(), body(&out))
        guard let out else {
            throw TorchError(kind: .operationFailed, operation: operation(), message: "no result")
        }
        return Tensor(owning: out)
    }

    /// Runs a CTorch call that writes two output handles.
    static func make2(
        _ operation: @autoclosure () -> String,
        _ body: (UnsafeMutablePointer<OpaquePointer?>, UnsafeMutablePointer<OpaquePointer?>) -> CTStatus
    ) throws -> (Tensor, Tensor) {
        var a: OpaquePointer?
        var b: OpaquePointer?
        try check(operation(), body(&a, &b))
        guard let a, let b else {
            throw TorchError(kind: .operationFailed, operation: operation(), message: "no result")
        }
        return (Tensor(owning: a), Tensor(owning: b))
    }

    // MARK: - Properties

    /// The size of each dimension.
    public var shape: [Int] {
        let n = Int(ct_ndim(handle))
        var dims = [Int64](repeating: 0, count: n)
        dims.withUnsafeMutableBufferPointer { ct_shape(handle, $0.baseAddress) }
        return dims.map { Int($0) }
    }

    /// Element strides of each dimension.
    public var strides: [Int] {
        let n = Int(ct_ndim(handle))
        var dims = [Int64](repeating: 0, count: n)
        dims.withUnsafeMutableBufferPointer { ct_strides(handle, $0.baseAddress) }
        return dims.map { Int($0) }
    }

    /// Number of dimensions.
    public var rank: Int { Int(ct_ndim(handle)) }
    /// Number of elements.
    public var count: Int { Int(ct_numel(handle)) }
    public var dtype: DType { DType(native: ct_dtype(handle)) }
    public var device: Device { Device(native: ct_device(handle)) }
    public var isContiguous: Bool { ct_is_contiguous(handle) }

    /// The size of dimension `dim` (negative counts from the end).
    public func size(_ dim: Int) -> Int {
        let s = shape
        return s[dim < 0 ? s.count + dim : dim]
    }

    // MARK: - Creation from host memory

    /// Copies `values` into a new CPU tensor of the given shape.
    public convenience init<T: TensorElement>(_ values: [T], shape: [Int]) throws {
        let expected = shape.reduce(1, *)
        guard expected == values.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw TorchError(
                kind: .invalidArgument, operation: "Tensor.init",
                message: "\(values.count) values do not fill shape \(shape)")
        }
        let dims = shape.map(Int64.init)
        var out: OpaquePointer?
        let status = values.withUnsafeBytes { raw in
            dims.withUnsafeBufferPointer { d in
                ct_from_host(raw.baseAddress, d.baseAddress, Int32(d.count), T.dtype.native, &out)
            }
        }
        try check("Tensor.init", status)
        self.init(owning: out!)
    }

    /// A 1-D tensor of `values`.
    public convenience init<T: TensorElement>(_ values: [T]) throws {
        try self.init(values, shape: [values.count])
    }

    /// A 0-dimensional tensor holding one value.
    public convenience init<T: TensorElement>(scalar value: T) throws {
        try self.init([value], shape: [])
    }

    /// Copies raw little-endian bytes of `dtype` into a new CPU tensor.
    public convenience init(bytes: UnsafeRawBufferPointer, shape: [Int], dtype: DType) throws {
        let expected = shape.reduce(1, *) * dtype.byteSize
        guard expected == bytes.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw TorchError(
                kind: .invalidArgument, operation: "Tensor.init(bytes:)",
                message: "\(bytes.count) bytes do not fill shape \(shape) of \(dtype)")
        }
        let dims = shape.map(Int64.init)
        var out: OpaquePointer?
        let status = dims.withUnsafeBufferPointer { d in
            ct_from_host(bytes.baseAddress, d.baseAddress, Int32(d.count), dtype.native, &out)
        }
        try check("Tensor.init(bytes:)", status)
        self.init(owning: out!)
    }

    /// Wraps memory without copying. `owner` is retained until LibTorch releases the memory, so
    /// the bytes must stay valid and unchanged for the owner's lifetime (e.g. a memory-mapped
    /// file). `strides` are in elements; nil means contiguous.
    public convenience init(
        borrowing pointer: UnsafeRawPointer, shape: [Int], strides: [Int]? = nil, dtype: DType,
        owner: AnyObject
    ) throws {
        let dims = shape.map(Int64.init)
        let strideValues = strides?.map(Int64.init)
        let context = Unmanaged.passRetained(owner as AnyObject).toOpaque()
        var out: OpaquePointer?
        let status = dims.withUnsafeBufferPointer { d -> CTStatus in
            if let strideValues {
                return strideValues.withUnsafeBufferPointer { s in
                    ct_from_host_nocopy(
                        UnsafeMutableRawPointer(mutating: pointer), d.baseAddress, s.baseAddress,
                        Int32(d.count), dtype.native, tensorReleaseOwner, context, &out)
                }
            }
            return ct_from_host_nocopy(
                UnsafeMutableRawPointer(mutating: pointer), d.baseAddress, nil, Int32(d.count),
                dtype.native, tensorReleaseOwner, context, &out)
        }
        if status != Int32(CT_OK) {
            Unmanaged<AnyObject>.fromOpaque(context).release()
            throw TorchError.from(status: status, operation: "Tensor.init(borrowing:)")
        }
        self.init(owning: out!)
    }

    // MARK: - Reading back

    /// Copies every element to a Swift array (converting the dtype to `T` first if needed).
    public func toArray<T: TensorElement>(_ type: T.Type = T.self) throws -> [T] {
        let source = dtype == T.dtype && device == .cpu ? self : try to(dtype: T.dtype, device: .cpu)
        let n = source.count
        var result = [T](repeating: T(), count: n)
        let status = result.withUnsafeMutableBytes { raw in
            ct_to_host(source.handle, raw.baseAddress, raw.count)
        }
        try check("toArray", status)
        return result
    }

    /// The single value of a one-element tensor as a Double.
    public func item() throws -> Double {
        var value = 0.0
        try check("item", ct_item_double(handle, &value))
        return value
    }

    /// The single value of a one-element tensor as an integer.
    public func itemInt() throws -> Int {
        var value: Int64 = 0
        try check("item", ct_item_int64(handle, &value))
        return Int(value)
    }

    /// Calls `body` with the raw bytes of a contiguous CPU tensor, without copying.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let source = device == .cpu && isContiguous ? self : try to(device: .cpu).contiguous()
        guard let base = ct_data_ptr(source.handle) else {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return try withExtendedLifetime(source) {
            try body(UnsafeRawBufferPointer(start: base, count: source.count * source.dtype.byteSize))
        }
    }
}

/// Release callback for zero-copy tensors: drops the owner retained at creation.
private func tensorReleaseOwner(_ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    Unmanaged<AnyObject>.fromOpaque(context).release()
}
