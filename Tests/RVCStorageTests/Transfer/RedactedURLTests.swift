import Testing
@testable import RVCStorage

@Suite struct RedactedURLTests {
    @Test func credentialsAndQueryValuesAreHidden() {
        #expect(RedactedURL("https://user:pass@example.com:8443/a/b?X-Amz-Credential=AK%2F1&x=1#frag").description
            == "https://REDACTED@example.com:8443/a/b?X-Amz-Credential=REDACTED&x=REDACTED")
    }

    @Test func plainURLsAreUnchanged() {
        #expect(RedactedURL("https://example.com/models/voice.pth").description == "https://example.com/models/voice.pth")
    }

    @Test func dataURLsKeepOnlyTheirHeaderAndLength() {
        let text = RedactedURL("data:audio/wav;base64,UklGRg==").description
        #expect(text == "data:audio/wav;base64,…(30 characters)")
    }
}
