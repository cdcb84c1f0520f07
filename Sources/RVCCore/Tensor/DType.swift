import CTorch

/// The element type of a ``Tensor``.
public enum DType: String, Sendable, CaseIterable, Codable {
    case float32, float16, bfloat16, float64, int64, int32, bool, uint8, int16, int8, complex64

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float64, .int64, .complex64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .bool, .uint8, .int8: return 1
        }
    }

    /// True for the floating-point types.
    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float16, .bfloat16, .float64: return true
        default: return false
        }
    }

    /// PyTorch's legacy typed-storage class name for this element type (`torch.FloatStorage`, …),
    /// the name checkpoints use for their storages.
    public var torchStorageName: String {
        switch self {
        case .float32: return "FloatStorage"
        case .float16: return "HalfStorage"
        case .bfloat16: return "BFloat16Storage"
        case .float64: return "DoubleStorage"
        case .int64: return "LongStorage"
        case .int32: return "IntStorage"
        case .int16: return "ShortStorage"
        case .bool: return "BoolStorage"
        case .uint8: return "ByteStorage"
        case .int8: return "CharStorage"
        case .complex64: return "ComplexFloatStorage"
        }
    }

    var native: CTDType {
        switch self {
        case .float32: return CT_FLOAT32
        case .float16: return CT_FLOAT16
        case .bfloat16: return CT_BFLOAT16
        case .float64: return CT_FLOAT64
        case .int64: return CT_INT64
        case .int32: return CT_INT32
        case .bool: return CT_BOOL
        case .uint8: return CT_UINT8
        case .int16: return CT_INT16
        case .int8: return CT_INT8
        case .complex64: return CT_COMPLEX64
        }
    }

    init(native: CTDType) {
        switch native {
        case CT_FLOAT16: self = .float16
        case CT_BFLOAT16: self = .bfloat16
        case CT_FLOAT64: self = .float64
        case CT_INT64: self = .int64
        case CT_INT32: self = .int32
        case CT_BOOL: self = .bool
        case CT_UINT8: self = .uint8
        case CT_INT16: self = .int16
        case CT_INT8: self = .int8
        case CT_COMPLEX64: self = .complex64
        default: self = .float32
        }
    }
}
