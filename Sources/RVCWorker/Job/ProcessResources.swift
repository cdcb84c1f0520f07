import Foundation
import RVCCore

/// Resource figures of this process, for the metadata.
enum ProcessResources {
    /// Peak resident memory (`VmHWM` of `/proc/self/status`) in bytes; nil where unavailable.
    static func peakMemoryBytes() -> Int64? { ProcessMetrics.peakResidentBytes() }
}
