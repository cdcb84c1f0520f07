import Foundation
import Testing
@testable import RVCWorker

@Suite struct RequestIDTests {
    @Test func textFormIsAVersion7RFC9562UUID() throws {
        let id = RequestID.make()
        let text = id.description
        #expect(text.count == 36)
        let pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
        #expect(text.wholeMatch(of: pattern) != nil)
        #expect(id.version == 7)
        #expect(id.hasRFC9562Variant)
        let parsed = try #require(UUID(uuidString: text))
        #expect(parsed.uuidString.lowercased() == text)
    }

    @Test func timestampIsTheCurrentUnixTimeInMilliseconds() {
        let before = UInt64(Date().timeIntervalSince1970 * 1000)
        let id = RequestID.make()
        let after = UInt64(Date().timeIntervalSince1970 * 1000)
        #expect(id.timestampMilliseconds >= before && id.timestampMilliseconds <= after + 1)
    }

    @Test func identifiersSortInCreationOrderEvenWithinOneMillisecond() {
        let ids = (0..<5_000).map { _ in RequestID.make() }
        #expect(Set(ids).count == ids.count)
        for (earlier, later) in zip(ids, ids.dropFirst()) {
            #expect(earlier < later)
            #expect(earlier.description < later.description)
        }
    }

    @Test func counterOverflowMovesToTheNextMillisecond() {
        let generator = RequestID.Generator()
        let ids = (0..<5_000).map { _ in generator.next(now: { 1_700_000_000_000 }) }
        for (earlier, later) in zip(ids, ids.dropFirst()) { #expect(earlier < later) }
        #expect(ids.last!.timestampMilliseconds > 1_700_000_000_000)
    }

    @Test func textRoundTrips() throws {
        let id = RequestID.make()
        #expect(RequestID(id.description) == id)
        #expect(RequestID("not-a-uuid") == nil)
    }
}
