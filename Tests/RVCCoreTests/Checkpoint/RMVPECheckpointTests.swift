import RVCTestSupport
import Testing
import RVCCore

@Suite("RMVPECheckpoint")
struct RMVPECheckpointTests {
    @Test("the architecture inferred from the weights matches manifest.json rmvpe")
    func infersArchitecture() throws {
        let rmvpe = try RMVPECheckpoint.load(Fixtures.parity("rmvpe_tiny.pt"))
        let c = rmvpe.config
        #expect(c.blocks == 1)
        #expect(c.gruLayers == 1)
        #expect(c.poolKernel == [2, 2])
        #expect(c.encoderDecoderLayers == 5)
        #expect(c.intermediateLayers == 1)
        #expect(c.inChannels == 1)
        #expect(c.encoderOutChannels == 4)
        #expect(c.gruHidden == 256)
        #expect(c.melBins == 128)
        #expect(c.classes == 360)
        #expect(rmvpe.weights.keys.count == 201)
        #expect(rmvpe.weights["unet.encoder.bn.num_batches_tracked"]?.dtype == .int64)
    }
}
