import Crypto
import Foundation
@testable import RVCStorage

/// SHA-256 in lowercase hex.
enum SHA256Hex {
    static func of(_ data: Data) -> String { SHA256.hash(data: data).lowercaseHex }
}
