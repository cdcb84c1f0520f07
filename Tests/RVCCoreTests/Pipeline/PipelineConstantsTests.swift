import Testing
@testable import RVCCore

@Suite("Pipeline constants (E.1)")
struct PipelineConstantsTests {
    @Test("float32 constants and their sample counts")
    func float32() {
        let c = PipelineConstants.float32
        #expect([c.xPad, c.xQuery, c.xCenter, c.xMax] == [1, 6, 38, 41])
        #expect([c.tPad, c.tPad2, c.tQuery, c.tCenter, c.tMax] == [16000, 32000, 96000, 608000, 656000])
        #expect(c.tPadTarget(sampleRate: 48000) == 48000)
    }

    @Test("half-precision constants and their sample counts")
    func half() {
        let c = PipelineConstants.half
        #expect([c.xPad, c.xQuery, c.xCenter, c.xMax] == [3, 10, 60, 65])
        #expect([c.tPad, c.tQuery, c.tCenter, c.tMax] == [48000, 160000, 960000, 1040000])
        #expect(c.tPadTarget(sampleRate: 40000) == 120000)
    }

    @Test("the model dtype selects the constants")
    func selection() {
        #expect(PipelineConstants.forModelDType(.float32) == .float32)
        #expect(PipelineConstants.forModelDType(.float16) == .half)
        #expect(PipelineConstants.forModelDType(.bfloat16) == .half)
    }
}
