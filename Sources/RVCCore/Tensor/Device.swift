import CTorch

/// Where a ``Tensor`` lives.
public enum Device: Sendable, Hashable, CustomStringConvertible {
    case cpu
    /// A CUDA device by ordinal.
    case cuda(Int)

    /// Parses "cpu", "cuda" or "cuda:N".
    public init?(_ text: String) {
        if text == "cpu" {
            self = .cpu
        } else if text == "cuda" {
            self = .cuda(0)
        } else if text.hasPrefix("cuda:"), let n = Int(text.dropFirst(5)), n >= 0 {
            self = .cuda(n)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .cpu: return "cpu"
        case .cuda(let n): return "cuda:\(n)"
        }
    }

    /// CUDA device 0 when LibTorch can use one, else the CPU (what `--device auto` means).
    public static var automatic: Device { Torch.isCUDAAvailable ? .cuda(0) : .cpu }

    public var isCUDA: Bool {
        if case .cuda = self { return true }
        return false
    }

    var native: CTDevice {
        switch self {
        case .cpu: return CTDevice(type: Int32(CT_CPU.rawValue), index: -1)
        case .cuda(let n): return CTDevice(type: Int32(CT_CUDA.rawValue), index: Int32(n))
        }
    }

    init(native: CTDevice) {
        self = native.type == Int32(CT_CUDA.rawValue) ? .cuda(Int(max(0, native.index))) : .cpu
    }
}
