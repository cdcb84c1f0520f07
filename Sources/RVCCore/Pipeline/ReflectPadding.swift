/// NumPy's `np.pad(x, (left, right), mode="reflect")` for 1-D arrays (mirror without repeating the
/// edge), including padding longer than the array (reference-inference.md E.5 step 3).
enum ReflectPadding {
    /// The source index that padded position `position` (which may lie outside `0..<count`) reads.
    ///
    /// NumPy pads iteratively when the padding is longer than the array; the result equals the
    /// mirror-periodic extension with period 2(count − 1). A one-element array repeats its value.
    @inline(__always)
    static func sourceIndex(_ position: Int, count: Int) -> Int {
        if position >= 0 && position < count { return position }
        guard count > 1 else { return 0 }
        let period = 2 * (count - 1)
        var r = position % period
        if r < 0 { r += period }
        return r < count ? r : period - r
    }

    /// `values` with `left` and `right` reflected samples added.
    static func pad<T>(_ values: [T], left: Int, right: Int) -> [T] {
        precondition(!values.isEmpty && left >= 0 && right >= 0)
        let n = values.count
        var result = [T]()
        result.reserveCapacity(n + left + right)
        for m in -left..<0 { result.append(values[sourceIndex(m, count: n)]) }
        result.append(contentsOf: values)
        for m in n..<(n + right) { result.append(values[sourceIndex(m, count: n)]) }
        return result
    }
}
