/// NumPy's pairwise summation (`pairwise_sum_FLOAT` / `_DOUBLE` in `loops_utils.h`), reproduced so
/// that reductions over a contiguous run agree with NumPy bit for bit.
enum PairwiseSum {
    /// NumPy's `PW_BLOCKSIZE`.
    private static let blockSize = 128

    /// The sum of `values` in NumPy's order, plus NumPy's reduction identity (0).
    @inlinable
    static func sum<T: BinaryFloatingPoint>(_ values: UnsafeBufferPointer<T>) -> T {
        0 + pairwise(values.baseAddress!, values.count)
    }

    @usableFromInline
    static func pairwise<T: BinaryFloatingPoint>(_ a: UnsafePointer<T>, _ n: Int) -> T {
        if n < 8 {
            var result: T = 0
            for i in 0..<n { result += a[i] }
            return result
        } else if n <= blockSize {
            var r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3]
            var r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7]
            var i = 8
            while i < n - (n % 8) {
                r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3]
                r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7]
                i += 8
            }
            var result = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n {
                result += a[i]
                i += 1
            }
            return result
        } else {
            // Halve, keeping the first half a multiple of the unroll factor.
            var n2 = n / 2
            n2 -= n2 % 8
            return pairwise(a, n2) + pairwise(a + n2, n - n2)
        }
    }
}
