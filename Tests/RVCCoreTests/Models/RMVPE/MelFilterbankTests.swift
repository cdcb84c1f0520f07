import Testing
@testable import RVCCore

/// The RMVPE mel filterbank against librosa 0.9.1's recipe (reference-inference.md C.1), evaluated
/// with NumPy: `filters.mel(sr=16000, n_fft=1024, n_mels=128, fmin=30, fmax=8000, htk=True)`.
@Suite struct MelFilterbankTests {
    let matrix = MelFilterbank.htkSlaney(sampleRate: 16_000, nFFT: 1024, bands: 128, fMin: 30, fMax: 8000)

    @Test func hasLibrosaShapeAndSupport() {
        #expect(matrix.count == 128 * 513)
        #expect(matrix.filter { $0 != 0 }.count == 1010)
        let sum = matrix.reduce(0.0) { $0 + Double($1) }
        let squares = matrix.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(Swift.abs(sum - 8.189247468380245) < 1e-12)
        #expect(Swift.abs(squares - 0.14180733455614114) < 1e-14)
    }

    /// Bit patterns of NumPy's float32 results (first non-zero of band 0, peaks of bands 64 and 127).
    @Test(arguments: [(0, 2, UInt32(1_003_117_829)), (64, 118, UInt32(1_017_459_533)), (127, 501, UInt32(1_002_441_911))])
    func entriesAreBitExact(band: Int, bin: Int, bits: UInt32) {
        #expect(matrix[band * 513 + bin].bitPattern == bits)
    }

    @Test func linspaceEndsExactlyAtStop() {
        let values = MelFilterbank.linspace(MelFilterbank.hzToMel(30), MelFilterbank.hzToMel(8000), count: 130)
        #expect(values.count == 130)
        #expect(values.last == MelFilterbank.hzToMel(8000))
        #expect(MelFilterbank.linspace(0, 8000, count: 513)[1] == 15.625)
    }
}
