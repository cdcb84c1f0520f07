import CTorch

extension Tensor {
    func unary(_ op: CTUnaryOp, _ name: String) throws -> Tensor {
        try Tensor.make(name) { ct_unary(op, handle, $0) }
    }

    public func neg() throws -> Tensor { try unary(CT_NEG, "neg") }
    public func exp() throws -> Tensor { try unary(CT_EXP, "exp") }
    public func log() throws -> Tensor { try unary(CT_LOG, "log") }
    public func log10() throws -> Tensor { try unary(CT_LOG10, "log10") }
    public func log1p() throws -> Tensor { try unary(CT_LOG1P, "log1p") }
    public func sin() throws -> Tensor { try unary(CT_SIN, "sin") }
    public func cos() throws -> Tensor { try unary(CT_COS, "cos") }
    public func tanh() throws -> Tensor { try unary(CT_TANH, "tanh") }
    public func sigmoid() throws -> Tensor { try unary(CT_SIGMOID, "sigmoid") }
    public func relu() throws -> Tensor { try unary(CT_RELU, "relu") }
    public func sqrt() throws -> Tensor { try unary(CT_SQRT, "sqrt") }
    public func rsqrt() throws -> Tensor { try unary(CT_RSQRT, "rsqrt") }
    public func abs() throws -> Tensor { try unary(CT_ABS, "abs") }
    public func floor() throws -> Tensor { try unary(CT_FLOOR, "floor") }
    public func ceil() throws -> Tensor { try unary(CT_CEIL, "ceil") }
    /// Rounds half to even.
    public func round() throws -> Tensor { try unary(CT_ROUND, "round") }
    public func reciprocal() throws -> Tensor { try unary(CT_RECIPROCAL, "reciprocal") }
    public func square() throws -> Tensor { try unary(CT_SQUARE, "square") }
    public func sign() throws -> Tensor { try unary(CT_SIGN, "sign") }
    public func logicalNot() throws -> Tensor { try unary(CT_LOGICAL_NOT, "logical_not") }
    public func isFinite() throws -> Tensor { try unary(CT_ISFINITE, "isfinite") }
    public func isNaN() throws -> Tensor { try unary(CT_ISNAN, "isnan") }

    /// GELU, exact (erf) by default or with the tanh approximation.
    public func gelu(tanhApproximation: Bool = false) throws -> Tensor {
        try Tensor.make("gelu") { ct_gelu(handle, tanhApproximation, $0) }
    }

    /// Leaky ReLU with the given negative slope.
    public func leakyRelu(_ slope: Double) throws -> Tensor {
        try Tensor.make("leaky_relu") { ct_leaky_relu(handle, slope, $0) }
    }

    /// Clamps into [min, max]; either bound may be nil.
    public func clamp(min: Double? = nil, max: Double? = nil) throws -> Tensor {
        try Tensor.make("clamp") { ct_clamp(handle, min != nil, min ?? 0, max != nil, max ?? 0, $0) }
    }

    /// Elements of `a` where `condition` is true, else of `b`.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        try make("where") { ct_where(condition.handle, a.handle, b.handle, $0) }
    }

    /// Replaces elements where `mask` is true by `value`.
    public func maskedFill(_ mask: Tensor, value: Double) throws -> Tensor {
        try Tensor.make("masked_fill") { ct_masked_fill(handle, mask.handle, value, $0) }
    }

    /// self + alpha · other.
    public func add(_ other: Tensor, alpha: Double) throws -> Tensor {
        try Tensor.make("add") { ct_add_scaled(handle, other.handle, alpha, $0) }
    }

    /// Applies leaky ReLU to this tensor in place (its storage, and every view of it, changes).
    public func leakyReluInPlace(_ slope: Double) throws {
        try check("leaky_relu_", ct_leaky_relu_(handle, slope))
    }

    /// Applies GELU (exact, or the tanh approximation) to this tensor in place.
    public func geluInPlace(tanhApproximation: Bool = false) throws {
        try check("gelu_", ct_gelu_(handle, tanhApproximation))
    }

    /// Divides this tensor by `value` in place.
    public func divideInPlace(_ value: Double) throws {
        try check("div_", ct_div_scalar_(handle, value))
    }

    /// Adds `other` to this tensor in place.
    public func addInPlace(_ other: Tensor) throws {
        try check("add_", ct_add_(handle, other.handle))
    }

    func binary(_ op: CTBinaryOp, _ other: Tensor, _ name: String) throws -> Tensor {
        try Tensor.make(name) { ct_binary(op, handle, other.handle, $0) }
    }

    func binary(_ op: CTBinaryOp, _ scalar: Double, scalarFirst: Bool = false, _ name: String) throws -> Tensor {
        try Tensor.make(name) { ct_binary_scalar(op, handle, scalar, scalarFirst, $0) }
    }

    public func pow(_ exponent: Tensor) throws -> Tensor { try binary(CT_POW, exponent, "pow") }
    public func pow(_ exponent: Double) throws -> Tensor { try binary(CT_POW, exponent, "pow") }
    /// Python-style remainder (sign of the divisor).
    public func remainder(_ divisor: Double) throws -> Tensor { try binary(CT_REMAINDER, divisor, "remainder") }
    public func remainder(_ divisor: Tensor) throws -> Tensor { try binary(CT_REMAINDER, divisor, "remainder") }
    public func maximum(_ other: Tensor) throws -> Tensor { try binary(CT_MAXIMUM, other, "maximum") }
    public func minimum(_ other: Tensor) throws -> Tensor { try binary(CT_MINIMUM, other, "minimum") }
    public func eq(_ other: Tensor) throws -> Tensor { try binary(CT_EQ, other, "eq") }
    public func eq(_ value: Double) throws -> Tensor { try binary(CT_EQ, value, "eq") }
    public func ne(_ value: Double) throws -> Tensor { try binary(CT_NE, value, "ne") }
    public func lt(_ other: Tensor) throws -> Tensor { try binary(CT_LT, other, "lt") }
    public func lt(_ value: Double) throws -> Tensor { try binary(CT_LT, value, "lt") }
    public func le(_ value: Double) throws -> Tensor { try binary(CT_LE, value, "le") }
    public func gt(_ other: Tensor) throws -> Tensor { try binary(CT_GT, other, "gt") }
    public func gt(_ value: Double) throws -> Tensor { try binary(CT_GT, value, "gt") }
    public func ge(_ value: Double) throws -> Tensor { try binary(CT_GE, value, "ge") }
    public func logicalAnd(_ other: Tensor) throws -> Tensor { try binary(CT_LOGICAL_AND, other, "logical_and") }
    public func logicalOr(_ other: Tensor) throws -> Tensor { try binary(CT_LOGICAL_OR, other, "logical_or") }
    public func atan2(_ other: Tensor) throws -> Tensor { try binary(CT_ATAN2, other, "atan2") }
    public func floorDivide(_ value: Double) throws -> Tensor { try binary(CT_FLOOR_DIVIDE, value, "floor_divide") }

    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.binary(CT_ADD, rhs, "add") }
    public static func - (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.binary(CT_SUB, rhs, "sub") }
    public static func * (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.binary(CT_MUL, rhs, "mul") }
    public static func / (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.binary(CT_DIV, rhs, "div") }
    /// Scalars act like Python numbers: they do not change the tensor's dtype.
    public static func + (lhs: Tensor, rhs: Double) throws -> Tensor { try lhs.binary(CT_ADD, rhs, "add") }
    public static func - (lhs: Tensor, rhs: Double) throws -> Tensor { try lhs.binary(CT_SUB, rhs, "sub") }
    public static func * (lhs: Tensor, rhs: Double) throws -> Tensor { try lhs.binary(CT_MUL, rhs, "mul") }
    public static func / (lhs: Tensor, rhs: Double) throws -> Tensor { try lhs.binary(CT_DIV, rhs, "div") }
    public static func + (lhs: Double, rhs: Tensor) throws -> Tensor { try rhs.binary(CT_ADD, lhs, scalarFirst: true, "add") }
    public static func - (lhs: Double, rhs: Tensor) throws -> Tensor { try rhs.binary(CT_SUB, lhs, scalarFirst: true, "rsub") }
    public static func * (lhs: Double, rhs: Tensor) throws -> Tensor { try rhs.binary(CT_MUL, lhs, scalarFirst: true, "mul") }
    public static func / (lhs: Double, rhs: Tensor) throws -> Tensor { try rhs.binary(CT_DIV, lhs, scalarFirst: true, "rdiv") }
}
