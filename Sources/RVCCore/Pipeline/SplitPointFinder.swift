/// Chooses where long audio is cut into segments: near every `t_center` samples, at the quietest
/// 10 ms window within ±`t_query` (reference-inference.md E.5 step 2).
enum SplitPointFinder {
    /// Split points (sample indices into the unpadded audio, ascending) for the high-passed audio;
    /// empty when the audio fits in one segment.
    static func splitPoints(_ audio: [Double], constants: PipelineConstants) -> [Int] {
        let n = audio.count
        let window = PipelineConstants.window
        guard n + window > constants.tMax else { return [] }
        let half = window / 2
        // |audio_w| where audio_w = reflect-pad(audio, 80, 80).
        var magnitude = [Double](repeating: 0, count: n + window)
        for m in 0..<(n + window) {
            magnitude[m] = Swift.abs(audio[ReflectPadding.sourceIndex(m - half, count: n)])
        }
        // NumPy accumulates 160 whole-vector additions (i outer, n inner), starting from zeros; the
        // same order keeps every window sum bit-identical.
        var windowSum = [Double](repeating: 0, count: n)
        magnitude.withUnsafeBufferPointer { mag in
            windowSum.withUnsafeMutableBufferPointer { sum in
                for i in 0..<window {
                    for j in 0..<n { sum[j] += mag[j + i] }
                }
            }
        }
        var points: [Int] = []
        var t = constants.tCenter
        while t < n {
            let lower = t - constants.tQuery
            let upper = min(t + constants.tQuery, n)
            var best = lower
            // The first minimum wins ties (`np.where(x == x.min())[0][0]`).
            for j in lower..<upper where windowSum[j] < windowSum[best] { best = j }
            points.append(best)
            t += constants.tCenter
        }
        return points
    }
}
