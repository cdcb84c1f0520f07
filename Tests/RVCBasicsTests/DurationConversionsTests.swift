import Testing
import RVCBasics

@Suite struct DurationConversionsTests {
    @Test func wholeAndFractionalSecondsAreKept() {
        #expect(Duration.seconds(3).inSeconds == 3)
        #expect(Duration.milliseconds(1_500).inSeconds == 1.5)
        #expect(abs(Duration.nanoseconds(7).inSeconds - 7e-9) < 1e-20)
        #expect((Duration.seconds(2) + .microseconds(250)).inSeconds == 2.00025)
        #expect(Duration.zero.inSeconds == 0)
        #expect(Duration.milliseconds(-250).inSeconds == -0.25)
    }

    @Test func wholeMillisecondsRoundDownAndStopAtZero() {
        #expect(Duration.seconds(15).wholeMilliseconds == 15_000)
        #expect(Duration.milliseconds(500).wholeMilliseconds == 500)
        #expect((Duration.milliseconds(2) + .microseconds(999)).wholeMilliseconds == 2)
        #expect(Duration.microseconds(999).wholeMilliseconds == 0)
        #expect(Duration.milliseconds(-250).wholeMilliseconds == 0)
    }
}
