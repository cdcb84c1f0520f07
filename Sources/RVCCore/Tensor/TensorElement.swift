/// Swift scalar types that map onto a ``DType`` for host transfers.
public protocol TensorElement: Sendable {
    static var dtype: DType { get }
    init()
}

extension Float: TensorElement { public static var dtype: DType { .float32 } }
extension Double: TensorElement { public static var dtype: DType { .float64 } }
extension Int64: TensorElement { public static var dtype: DType { .int64 } }
extension Int32: TensorElement { public static var dtype: DType { .int32 } }
extension Int16: TensorElement { public static var dtype: DType { .int16 } }
extension Int8: TensorElement { public static var dtype: DType { .int8 } }
extension UInt8: TensorElement { public static var dtype: DType { .uint8 } }
extension Bool: TensorElement { public static var dtype: DType { .bool } }
#if arch(arm64) || arch(x86_64)
extension Float16: TensorElement { public static var dtype: DType { .float16 } }
#endif
