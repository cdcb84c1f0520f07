import CTorch

/// An error raised by LibTorch or by the tensor layer, carrying LibTorch's message.
public struct TorchError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure.
    public enum Kind: Sendable, Equatable {
        /// LibTorch rejected the operation (shapes, dtypes, ...).
        case operationFailed
        /// An argument was rejected before reaching LibTorch.
        case invalidArgument
        /// A device or feature is not available (e.g. CUDA absent).
        case unavailable
        case outOfMemory
    }

    public let kind: Kind
    /// The operation that failed, e.g. "conv1d".
    public let operation: String
    /// The native message.
    public let message: String

    public init(kind: Kind, operation: String, message: String) {
        self.kind = kind
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(operation): \(message)" }

    static func from(status: CTStatus, operation: String) -> TorchError {
        let message = String(cString: ct_last_error())
        let kind: Kind
        switch status {
        case Int32(CT_INVALID_ARGUMENT): kind = .invalidArgument
        case Int32(CT_UNAVAILABLE): kind = .unavailable
        case Int32(CT_OUT_OF_MEMORY): kind = .outOfMemory
        default:
            kind = message.contains("CUDA is not available") ? .unavailable : .operationFailed
        }
        return TorchError(kind: kind, operation: operation, message: message)
    }
}

/// Runs a CTorch call returning a status; throws ``TorchError`` on failure.
@inline(__always)
func check(_ operation: @autoclosure () -> String, _ status: CTStatus) throws {
    if status != Int32(CT_OK) {
        throw TorchError.from(status: status, operation: operation())
    }
}
