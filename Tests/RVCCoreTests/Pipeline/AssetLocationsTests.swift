import Testing
@testable import RVCCore

@Suite("Asset locations")
struct AssetLocationsTests {
    @Test("RVC_ASSETS wins, then XDG_CACHE_HOME, then ~/.cache")
    func resolution() {
        #expect(AssetLocations(environment: ["RVC_ASSETS": "/models", "XDG_CACHE_HOME": "/x"]).hubert.path == "/models/hubert_base.pt")
        #expect(AssetLocations(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"]).rmvpe.path == "/x/rvc-nano/assets/rmvpe.pt")
        #expect(AssetLocations(environment: ["HOME": "/h"]).directory.path == "/h/.cache/rvc-nano/assets")
        #expect(AssetLocations(environment: ["RVC_ASSETS": "", "HOME": "/h"]).directory.path == "/h/.cache/rvc-nano/assets")
    }
}
