import CTorch

extension Tensor {
    /// Converts to another dtype and/or device (returns `self` when nothing changes).
    public func to(dtype: DType? = nil, device: Device? = nil, nonBlocking: Bool = false) throws -> Tensor {
        let targetType = dtype ?? self.dtype
        let targetDevice = device ?? self.device
        if targetType == self.dtype && targetDevice == self.device { return self }
        return try Tensor.make("to(\(targetType), \(targetDevice))") {
            ct_to(handle, targetDevice.native, targetType.native, nonBlocking, $0)
        }
    }

    /// A contiguous tensor with the same values (`self` when already contiguous).
    public func contiguous() throws -> Tensor {
        if isContiguous { return self }
        return try Tensor.make("contiguous") { ct_contiguous(handle, $0) }
    }

    /// A copy with its own storage.
    public func clone() throws -> Tensor {
        try Tensor.make("clone") { ct_clone(handle, $0) }
    }

    /// Copies `source` into this tensor in place (broadcasting and converting).
    public func copyFrom(_ source: Tensor) throws {
        try check("copy_", ct_copy_(handle, source.handle))
    }

    /// The same values in a new shape (one dimension may be -1).
    public func reshape(_ shape: [Int]) throws -> Tensor {
        let dims = shape.map(Int64.init)
        return try Tensor.make("reshape(\(shape))") { out in
            dims.withUnsafeBufferPointer { ct_reshape(handle, $0.baseAddress, Int32($0.count), out) }
        }
    }

    /// Reorders dimensions.
    public func permute(_ dims: [Int]) throws -> Tensor {
        let d = dims.map(Int64.init)
        return try Tensor.make("permute(\(dims))") { out in
            d.withUnsafeBufferPointer { ct_permute(handle, $0.baseAddress, Int32($0.count), out) }
        }
    }

    /// Swaps two dimensions.
    public func transposed(_ dim0: Int, _ dim1: Int) throws -> Tensor {
        try Tensor.make("transpose(\(dim0), \(dim1))") { ct_transpose(handle, Int64(dim0), Int64(dim1), $0) }
    }

    /// Broadcasts size-1 dimensions to `shape` without copying.
    public func expand(_ shape: [Int]) throws -> Tensor {
        let dims = shape.map(Int64.init)
        return try Tensor.make("expand(\(shape))") { out in
            dims.withUnsafeBufferPointer { ct_expand(handle, $0.baseAddress, Int32($0.count), out) }
        }
    }

    /// Removes dimension `dim` if it has size 1.
    public func squeeze(_ dim: Int) throws -> Tensor {
        try Tensor.make("squeeze(\(dim))") { ct_squeeze(handle, Int64(dim), $0) }
    }

    /// Inserts a size-1 dimension at `dim`.
    public func unsqueeze(_ dim: Int) throws -> Tensor {
        try Tensor.make("unsqueeze(\(dim))") { ct_unsqueeze(handle, Int64(dim), $0) }
    }

    /// Reverses the order of elements along `dims`.
    public func flip(_ dims: [Int]) throws -> Tensor {
        let d = dims.map(Int64.init)
        return try Tensor.make("flip") { out in
            d.withUnsafeBufferPointer { ct_flip(handle, $0.baseAddress, Int32($0.count), out) }
        }
    }

    /// Elements `start ..< end` (stepping by `step`) along `dim`; `end` nil means to the end.
    public func slice(dim: Int, start: Int = 0, end: Int? = nil, step: Int = 1) throws -> Tensor {
        try Tensor.make("slice(dim \(dim), \(start)..<\(end.map(String.init) ?? "end"))") {
            ct_slice(handle, Int64(dim), Int64(start), Int64(end ?? Int(Int64.max)), Int64(step), $0)
        }
    }

    /// `length` elements from `start` along `dim` (a view).
    public func narrow(dim: Int, start: Int, length: Int) throws -> Tensor {
        try Tensor.make("narrow(dim \(dim), \(start), \(length))") {
            ct_narrow(handle, Int64(dim), Int64(start), Int64(length), $0)
        }
    }

    /// The diagonal band of this contiguous [..., n, P] tensor as a view [..., n, width]: element
    /// (..., i, m) is element (..., i, first + i + m). Throws unless the band lies inside the rows.
    public func diagonalBand(width: Int, first: Int) throws -> Tensor {
        try Tensor.make("diagonal band (width \(width), from \(first)) of \(shape)") {
            ct_diagonal_band(handle, Int64(width), Int64(first), $0)
        }
    }

    /// Concatenates along an existing dimension.
    public static func cat(_ tensors: [Tensor], dim: Int) throws -> Tensor {
        let handles: [OpaquePointer?] = tensors.map { $0.handle }
        return try withExtendedLifetime(tensors) {
            try make("cat") { out in
                handles.withUnsafeBufferPointer { ct_cat($0.baseAddress, Int32($0.count), Int64(dim), out) }
            }
        }
    }

    /// Stacks along a new dimension.
    public static func stack(_ tensors: [Tensor], dim: Int) throws -> Tensor {
        let handles: [OpaquePointer?] = tensors.map { $0.handle }
        return try withExtendedLifetime(tensors) {
            try make("stack") { out in
                handles.withUnsafeBufferPointer { ct_stack($0.baseAddress, Int32($0.count), Int64(dim), out) }
            }
        }
    }

    /// Rows (entries along `dim`) chosen by an int64 `index` tensor.
    public func indexSelect(dim: Int, index: Tensor) throws -> Tensor {
        try Tensor.make("index_select") { ct_index_select(handle, Int64(dim), index.handle, $0) }
    }

    /// torch.gather along `dim`.
    public func gather(dim: Int, index: Tensor) throws -> Tensor {
        try Tensor.make("gather") { ct_gather(handle, Int64(dim), index.handle, $0) }
    }

    /// Repeats each element `repeats` times along `dim`.
    public func repeatInterleave(_ repeats: Int, dim: Int) throws -> Tensor {
        try Tensor.make("repeat_interleave") { ct_repeat_interleave(handle, Int64(repeats), Int64(dim), $0) }
    }

    /// Views a complex tensor as real with a trailing dimension of 2 (real, imaginary).
    public func viewAsReal() throws -> Tensor {
        try Tensor.make("view_as_real") { ct_view_as_real(handle, $0) }
    }
}
