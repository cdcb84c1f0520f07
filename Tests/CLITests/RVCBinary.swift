import Foundation

/// Locates the built `rvc` executable next to the test bundle, so end-to-end tests run the real binary.
enum RVCBinary {
    /// The build products folder (`.build/<triple>/debug`).
    static let productsDirectory: URL = {
        var url = Bundle.main.bundleURL
        if url.pathExtension == "xctest" { url.deleteLastPathComponent() }
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return url
    }()

    /// `<products>/rvc`.
    static var url: URL { productsDirectory.appendingPathComponent("rvc") }
}
