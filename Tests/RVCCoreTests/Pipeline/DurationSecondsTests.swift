import Testing
@testable import RVCCore

@Suite struct DurationSecondsTests {
    @Test func wholeAndFractionalSecondsAreKept() {
        #expect(Duration.seconds(3).inSeconds == 3)
        #expect(Duration.milliseconds(1_500).inSeconds == 1.5)
        #expect(abs(Duration.nanoseconds(7).inSeconds - 7e-9) < 1e-20)
        #expect((Duration.seconds(2) + .microseconds(250)).inSeconds == 2.00025)
        #expect(Duration.zero.inSeconds == 0)
        #expect(Duration.milliseconds(-250).inSeconds == -0.25)
    }
}
