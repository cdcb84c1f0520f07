import ArgumentParser
import RVCCore

/// The `rvc` command line: a thin layer over the rvc-nano libraries.
@main
struct RVCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rvc",
        abstract: "RVC voice conversion on LibTorch: convert, inspect models, run the RunPod worker.",
        version: "0.1.0",
        subcommands: [
            VersionCommand.self, InspectCommand.self, ConvertCommand.self, AssetsCommand.self,
            WorkerCommand.self, ServeCommand.self, BenchCommand.self,
        ])
}

/// `rvc version`: prints versions of rvc-nano and LibTorch, and whether CUDA is usable.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print rvc-nano and LibTorch versions and CUDA availability.")

    func run() throws {
        print("rvc-nano 0.1.0, LibTorch \(Torch.version), CUDA \(Torch.isCUDAAvailable ? "available (\(Torch.cudaDeviceCount) device(s))" : "not available")")
    }
}
