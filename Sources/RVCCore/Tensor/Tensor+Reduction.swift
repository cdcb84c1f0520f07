import CTorch

extension Tensor {
    func reduce(_ op: CTReduceOp, _ name: String, dims: [Int], keepDim: Bool) throws -> Tensor {
        let d = dims.map(Int64.init)
        return try Tensor.make(name) { out in
            d.withUnsafeBufferPointer { ct_reduce(op, handle, $0.baseAddress, Int32($0.count), keepDim, out) }
        }
    }

    /// Sum over `dims` (all dimensions when empty).
    public func sum(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_SUM, "sum", dims: dims, keepDim: keepDim) }
    /// Mean over `dims` (all dimensions when empty).
    public func mean(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_MEAN, "mean", dims: dims, keepDim: keepDim) }
    /// Maximum over `dims` (all dimensions when empty).
    public func amax(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_AMAX, "amax", dims: dims, keepDim: keepDim) }
    /// Minimum over `dims` (all dimensions when empty).
    public func amin(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_AMIN, "amin", dims: dims, keepDim: keepDim) }
    /// Product over `dims` (all dimensions when empty).
    public func prod(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_PROD, "prod", dims: dims, keepDim: keepDim) }
    /// True where every element is true.
    public func all(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_ALL, "all", dims: dims, keepDim: keepDim) }
    /// True where some element is true.
    public func any(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_ANY, "any", dims: dims, keepDim: keepDim) }

    /// The p-norm over `dims` (all dimensions when empty).
    public func norm(p: Double = 2, dims: [Int] = [], keepDim: Bool = false) throws -> Tensor {
        let d = dims.map(Int64.init)
        return try Tensor.make("norm") { out in
            d.withUnsafeBufferPointer { ct_norm(handle, p, $0.baseAddress, Int32($0.count), keepDim, out) }
        }
    }

    /// Index of the first maximum along `dim`.
    public func argmax(dim: Int, keepDim: Bool = false) throws -> Tensor {
        try Tensor.make("argmax") { ct_argmax(handle, Int64(dim), keepDim, $0) }
    }

    /// Maximum values and their indices along `dim`.
    public func max(dim: Int, keepDim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try Tensor.make2("max") { ct_max_dim(handle, Int64(dim), keepDim, $0, $1) }
    }

    /// The `k` largest (or smallest) values and their indices along `dim`.
    public func topk(_ k: Int, dim: Int = -1, largest: Bool = true, sorted: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        try Tensor.make2("topk(\(k))") { ct_topk(handle, Int64(k), Int64(dim), largest, sorted, $0, $1) }
    }

    /// Sorted values and the permutation along `dim`.
    public func sort(dim: Int = -1, descending: Bool = false, stable: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        try Tensor.make2("sort") { ct_sort(handle, Int64(dim), descending, stable, $0, $1) }
    }

    /// Running sum along `dim`.
    public func cumsum(dim: Int) throws -> Tensor {
        try Tensor.make("cumsum") { ct_cumsum(handle, Int64(dim), $0) }
    }

    /// Softmax along `dim`.
    public func softmax(dim: Int) throws -> Tensor {
        try Tensor.make("softmax") { ct_softmax(handle, Int64(dim), $0) }
    }

    /// Log-softmax along `dim`.
    public func logSoftmax(dim: Int) throws -> Tensor {
        try Tensor.make("log_softmax") { ct_log_softmax(handle, Int64(dim), $0) }
    }
}
