import Foundation
import RVCTestSupport
import Testing
@testable import RVCStorage

/// One request to a configured service, against the loopback test server.
@Suite struct HTTPExchangeTests {
    @Test func answersOfAnyStatusAreReturnedWithTheirBody() async throws {
        let server = try await TestHTTPServer.shared()
        let ok = try await HTTPExchange.send("GET", server.url("/typed/300"), timeout: .seconds(30))
        #expect(ok.status == 200)
        #expect(ok.body == TestHTTPServer.body(300))
        #expect(ok.headers["content-type"] == "audio/wav")
        let missing = try await HTTPExchange.send("GET", server.url("/status/503"), timeout: .seconds(30))
        #expect(missing.status == 503)
        #expect(missing.body == Data("status 503".utf8))
    }

    @Test func aServerThatNeverAnswersEndsAtTheLimit() async throws {
        // /hang holds until the client hangs up: only the limit ends the exchange. A server of its
        // own, so the connection is made at once however busy the shared one is.
        let server = try await TestHTTPServer.start()
        defer { server.stop() }
        await #expect(throws: StorageError.timedOut(url: server.url("/hang"), phase: .total, seconds: 1)) {
            _ = try await HTTPExchange.send("GET", server.url("/hang"), timeout: .seconds(1))
        }
    }

    @Test func redirectsAreNotFollowed() async throws {
        let server = try await TestHTTPServer.shared()
        let answer = try await HTTPExchange.send("GET", server.url("/redirect/1/10"), timeout: .seconds(30))
        #expect(answer.status == 302)
        #expect(answer.headers["location"] == "/bytes/10")
    }
}
