import CMalloc

/// The bytes the process's heap has handed out and not taken back (glibc's `mallinfo2`, all
/// arenas): steadier than the resident size for telling whether a loop keeps what it allocates.
public enum HeapUsage {
    public static func bytesInUse() -> Int { Int(mallinfo2().uordblks) }
}
