import Testing

@testable import RVCAudio

@Suite struct AudioBufferTests {
    @Test func framesDurationAndChannelsAreConsistent() throws {
        let buffer = try AudioBuffer(samples: [1, 2, 3, 4, 5, 6], sampleRate: 3, channels: 2)
        #expect(buffer.frameCount == 3)
        #expect(buffer.duration == 1)
        #expect(buffer.channel(0) == [1, 3, 5])
        #expect(buffer.channel(1) == [2, 4, 6])
        #expect(buffer.channel(2) == [])
        #expect(throws: AudioError.self) { try AudioBuffer(samples: [1], sampleRate: 0) }
        #expect(throws: AudioError.self) { try AudioBuffer(samples: [1], sampleRate: 8_000, channels: 0) }
    }

    @Test func int16ConversionRoundsClampsAndInvertsTheDecoderScale() throws {
        let buffer = try AudioBuffer(
            samples: [0, 0.5, -0.5, 1, -1, 2, -2, .nan, 1.4 / 32_768, 1.6 / 32_768], sampleRate: 8_000)
        #expect(buffer.int16Samples() == [0, 16_384, -16_384, 32_767, -32_768, 32_767, -32_768, 0, 1, 2])
        let all = (Int(Int16.min)...Int(Int16.max)).map { Int16($0) }
        #expect(try AudioBuffer(int16: all, sampleRate: 8_000).int16Samples() == all)
    }
}
