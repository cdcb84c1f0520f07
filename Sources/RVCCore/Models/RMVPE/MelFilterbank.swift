import Foundation

/// librosa 0.9.1's `filters.mel(..., htk=True, norm="slaney")` matrix, reproduced bit for bit
/// (reference-inference.md C.1): computed in Float64, each row stored as Float32, then scaled by
/// the Slaney area factor in Float64 and rounded to Float32 again.
enum MelFilterbank {
    /// The [bands, nFFT/2 + 1] matrix in row-major order.
    static func htkSlaney(sampleRate: Double, nFFT: Int, bands: Int, fMin: Double, fMax: Double) -> [Float] {
        let bins = nFFT / 2 + 1
        let fftFrequencies = linspace(0, sampleRate / 2, count: bins)
        let melEdges = linspace(hzToMel(fMin), hzToMel(fMax), count: bands + 2).map(melToHz)
        var fdiff = [Double](repeating: 0, count: bands + 1)
        for i in 0...bands { fdiff[i] = melEdges[i + 1] - melEdges[i] }
        var weights = [Float](repeating: 0, count: bands * bins)
        for i in 0..<bands {
            let enorm = 2.0 / (melEdges[i + 2] - melEdges[i])
            for k in 0..<bins {
                // ramps = subtract.outer(mel_f, fftfreqs)
                let lower = -(melEdges[i] - fftFrequencies[k]) / fdiff[i]
                let upper = (melEdges[i + 2] - fftFrequencies[k]) / fdiff[i + 1]
                let w = Float(Swift.max(0, Swift.min(lower, upper)))
                weights[i * bins + k] = Float(Double(w) * enorm)
            }
        }
        return weights
    }

    /// HTK mel scale: 2595·log10(1 + f/700).
    static func hzToMel(_ f: Double) -> Double { 2595.0 * Foundation.log10(1.0 + f / 700.0) }

    /// Inverse HTK mel scale: 700·(10^(m/2595) − 1).
    static func melToHz(_ m: Double) -> Double { 700.0 * (Foundation.pow(10.0, m / 2595.0) - 1.0) }

    /// numpy.linspace(start, stop, count) with endpoint: i·step + start, the last value exactly `stop`.
    static func linspace(_ start: Double, _ stop: Double, count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (stop - start) / Double(count - 1)
        var values = (0..<count).map { Double($0) * step + start }
        values[count - 1] = stop
        return values
    }
}
