import Foundation
import Testing
@testable import RVCCore

@Suite("Upsampler")
struct UpsamplerTests {
    @Test("the polyphase form equals the transposed convolution", arguments: [(12, 24), (10, 20), (2, 4), (8, 16), (3, 7), (4, 4)])
    func polyphaseEqualsTransposed(stride: Int, kernel: Int) throws {
        let generator = try Generator(seed: UInt64(stride * 100 + kernel))
        let weight = try Tensor.randn([16, 8, kernel], generator: generator) * 0.1
        let bias = try Tensor.randn([8], generator: generator)
        let x = try Tensor.randn([1, 16, 53], generator: generator)
        let padding = (kernel - stride) / 2
        let layer = try Upsampler(weight: weight, bias: bias, stride: stride, padding: padding)
        #expect((layer.polyphase != nil) == (kernel % stride == 0 && stride > 1))
        let expected = try x.convTranspose1d(weight: weight, bias: bias, stride: stride, padding: padding)
        let actual = try layer(x)
        #expect(actual.shape == expected.shape)
        let e = try expected.toArray(Float.self)
        let a = try actual.toArray(Float.self)
        let worst = zip(a, e).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-5, "max difference \(worst)")
    }
}
